/*
 * Dropping privileges the way DESIGN.md asks: chroot to an empty
 * directory, become the child's own user (_had-vrrp, _had-lvs,
 * _had-check), keep exactly one capability in the effective, permitted
 * and bounding sets, no_new_privs, not dumpable.
 */
#include <sys/types.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>

#include "log.h"
#include "msg.h"
#include "proc.h"

#define CAPBIT(c)	(1ULL << (c))

const char *
proc_name(enum had_proc p)
{
	switch (p) {
	case PROC_PARENT:
		return ("had");
	case PROC_VRRP:
		return ("vrrpd");
	case PROC_LVS:
		return ("lvsd");
	case PROC_CHECK:
		return ("checkd");
	case PROC_BFD:
		return ("bfdd");
	default:
		return ("unknown");
	}
}

uint64_t
proc_caps_for(int proc)
{
	switch (proc) {
	case PROC_VRRP:
		return (CAPBIT(CAP_NET_RAW));
	case PROC_LVS:
		return (CAPBIT(CAP_NET_ADMIN));
	default:
		return (0);
	}
}

/*
 * Each child its own user and group, named after had's user (-u): the
 * children cannot signal, trace or limit one another.
 */
int
proc_user_for(int proc, const char *base, char *buf, size_t len)
{
	const char	*suffix;
	int		 n;

	switch (proc) {
	case PROC_VRRP:
		suffix = "vrrp";
		break;
	case PROC_LVS:
		suffix = "lvs";
		break;
	case PROC_CHECK:
		suffix = "check";
		break;
	case PROC_BFD:
		suffix = "bfd";
		break;
	default:
		return (-1);
	}
	n = snprintf(buf, len, "%s-%s", base, suffix);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

static int
cap_last(void)
{
	int	 last = CAP_LAST_CAP;

	/* The running kernel may know more capabilities than our headers. */
	while (last < 63 && cap_valid(last + 1) &&
	    prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
		last++;
	return (last);
}

/*
 * Run as root, after the process has opened what it needs.  Any failure is
 * fatal: a child that cannot shed its privileges must not run.
 */
void
proc_drop_privs(const char *procname, const char *user, const char *root,
    uint64_t keep)
{
	struct passwd	*pw;
	struct stat	 st;
	cap_t		 caps;
	cap_value_t	 list[64];
	int		 i, n, last;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("%s: unknown user %s", procname, user);
	if (stat(root, &st) == -1)
		fatal("%s: chroot directory %s", procname, root);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("%s: chroot directory %s must be a directory owned "
		    "by root and writable only by root", procname, root);

	/* Shrink the bounding set while we still hold CAP_SETPCAP. */
	last = cap_last();
	for (i = 0; i <= last; i++) {
		if (keep & CAPBIT(i))
			continue;
		if (cap_drop_bound(i) == -1 && errno != EINVAL)
			fatal("%s: dropping capability %d from the bounding "
			    "set", procname, i);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		fatal("%s: clearing ambient capabilities", procname);

	if (chroot(root) == -1)
		fatal("%s: chroot %s", procname, root);
	if (chdir("/") == -1)
		fatal("%s: chdir /", procname);

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		fatal("%s: PR_SET_KEEPCAPS", procname);
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("%s: cannot drop privileges to %s", procname, user);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1)
		fatal("%s: PR_SET_KEEPCAPS", procname);

	if ((caps = cap_init()) == NULL)
		fatal("%s: cap_init", procname);
	for (n = 0, i = 0; i <= last && i < 64; i++)
		if (keep & CAPBIT(i))
			list[n++] = i;
	if (n > 0 &&
	    (cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) == -1 ||
	    cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) == -1))
		fatal("%s: cap_set_flag", procname);
	if (cap_set_proc(caps) == -1)
		fatal("%s: cap_set_proc", procname);
	cap_free(caps);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("%s: PR_SET_NO_NEW_PRIVS", procname);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("%s: PR_SET_DUMPABLE", procname);

	if (proc_check_privs(keep) == -1)
		fatalx("%s: privileges are not what they should be after "
		    "dropping them", procname);
}

static int
status_hex(const char *line, const char *key, uint64_t *v)
{
	size_t	 len = strlen(key);

	if (strncmp(line, key, len) != 0)
		return (0);
	*v = strtoull(line + len, NULL, 16);
	return (1);
}

int
proc_read_status(pid_t pid, struct proc_status *ps)
{
	char		 path[64], line[256], stat_buf[1024], *p;
	FILE		*f;
	ssize_t		 n;
	uint64_t	 v;
	unsigned	 u1, u2;
	int		 i;

	memset(ps, 0, sizeof(*ps));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Uid:\t%u\t%u", &u1, &u2) == 2)
			ps->uid = u2;	/* effective */
		else if (sscanf(line, "Gid:\t%u\t%u", &u1, &u2) == 2)
			ps->gid = u2;
		else if (status_hex(line, "CapEff:\t", &ps->cap_eff) ||
		    status_hex(line, "CapPrm:\t", &ps->cap_prm) ||
		    status_hex(line, "CapBnd:\t", &ps->cap_bnd) ||
		    status_hex(line, "CapInh:\t", &ps->cap_inh) ||
		    status_hex(line, "CapAmb:\t", &ps->cap_amb))
			continue;
		else if (sscanf(line, "NoNewPrivs:\t%u", &u1) == 1)
			ps->no_new_privs = u1;
		else if (sscanf(line, "Seccomp:\t%u", &u1) == 1)
			ps->seccomp = u1;
		else if (sscanf(line, "Seccomp_filters:\t%u", &u1) == 1)
			ps->seccomp_filters = u1;
	}
	fclose(f);

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	if ((n = readlink(path, ps->root, sizeof(ps->root) - 1)) == -1)
		strlcpy(ps->root, "?", sizeof(ps->root));
	else
		ps->root[n] = '\0';

	/* Field 22 of /proc/PID/stat: start time in clock ticks. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(stat_buf, sizeof(stat_buf), f) != NULL &&
		    (p = strrchr(stat_buf, ')')) != NULL) {
			for (i = 2; i < 22 && p != NULL; i++)
				p = strchr(p + 1, ' ');
			if (p != NULL && sscanf(p + 1, "%" SCNu64, &v) == 1)
				ps->start_ticks = (int64_t)v;
		}
		fclose(f);
	}
	return (0);
}

/*
 * Read our own credentials back: trust, but verify.  /proc is not there
 * inside the chroot, so ask the kernel directly.
 */
int
proc_check_privs(uint64_t keep)
{
	cap_t			 caps;
	cap_flag_value_t	 eff, prm, inh;
	uid_t			 r, e, s;
	int			 i, last;
	uint64_t		 bit;

	if (getresuid(&r, &e, &s) == -1 || r == 0 || e == 0 || s == 0)
		return (-1);
	if (getgid() == 0 || getegid() == 0)
		return (-1);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return (-1);
	if ((caps = cap_get_proc()) == NULL)
		return (-1);
	last = cap_last();
	for (i = 0; i <= last; i++) {
		bit = (keep & CAPBIT(i)) ? 1 : 0;
		if (cap_get_flag(caps, i, CAP_EFFECTIVE, &eff) == -1 ||
		    cap_get_flag(caps, i, CAP_PERMITTED, &prm) == -1 ||
		    cap_get_flag(caps, i, CAP_INHERITABLE, &inh) == -1 ||
		    (uint64_t)(eff == CAP_SET) != bit ||
		    (uint64_t)(prm == CAP_SET) != bit || inh == CAP_SET ||
		    (uint64_t)(prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1) != bit) {
			cap_free(caps);
			return (-1);
		}
	}
	cap_free(caps);
	return (0);
}

void
proc_set_title(const char *name)
{
	/* A leading '-' keeps libbsd from prepending the program name. */
	setproctitle("-had: %s", name);
	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
}

/*
 * Create the missing directories of path, each root's with mode (had's
 * runtime directories on a fresh machine, /run/had/empty).  What exists
 * is left as it is: the callers check the directory they use.
 */
int
proc_mkdirs(const char *path, mode_t mode)
{
	char	 buf[PATH_MAX], *p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, mode) == 0) {
			if (chmod(buf, mode) == -1)
				return (-1);
		} else if (errno != EEXIST)
			return (-1);
		*p = '/';
	}
	/* umask does not decide who may reach had's socket. */
	if (mkdir(buf, mode) == 0)
		return (chmod(buf, mode));
	return (errno == EEXIST ? 0 : -1);
}

/* Milliseconds since t, a CLOCK_MONOTONIC time. */
int64_t
ts_ms_since(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((int64_t)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000);
}
