/*
 * Process plumbing shared by had and its children: dropping privileges to
 * exactly one capability, and reading a process's credentials back from
 * /proc so that `hactl show procs` and the tests can prove it.
 */
#ifndef HAD_PROC_H
#define HAD_PROC_H

#include <sys/types.h>

#include <stdint.h>

#define HAD_USER		"_had"	/* base: children run as _had-vrrp... */
#define HAD_CHILD_FD		3	/* the child's socket to had */
/*
 * had's order to a child to stop: a real-time signal, queued apart from
 * any SIGTERM someone else sends the whole process group at that moment.
 */
#define HAD_SIG_STOP		(SIGRTMIN + 1)
/* How long a stopping Master keeps its VIPs waiting for a new Master. */
#define HAD_HANDOVER_MAX_MS	2000

struct proc_status {
	uid_t		uid;
	gid_t		gid;
	uint64_t	cap_eff;
	uint64_t	cap_prm;
	uint64_t	cap_bnd;
	uint64_t	cap_inh;
	uint64_t	cap_amb;
	int		no_new_privs;
	char		root[256];
	int64_t		start_ticks;
	int		seccomp;	/* 0 none, 1 strict, 2 filter */
	int		seccomp_filters;
};

int		proc_mkdirs(const char *, mode_t);

/* Capability sets each process keeps (bit masks of CAP_*). */
uint64_t	proc_caps_for(int proc);
int		proc_user_for(int, const char *, char *, size_t);
void		proc_drop_privs(const char *, const char *, const char *,
		    uint64_t);
int		proc_check_privs(uint64_t);
struct timespec;
int64_t		ts_ms_since(const struct timespec *);
int		proc_read_status(pid_t, struct proc_status *);
void		proc_set_title(const char *);

#endif /* HAD_PROC_H */
