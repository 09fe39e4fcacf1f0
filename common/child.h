/*
 * The part every child (vrrpd, lvsd, checkd) shares: start-up from had,
 * privilege drop, the channel to had and to the siblings, pings, RECONF
 * sequences and control requests.  Each child supplies a child_ops.
 */
#ifndef HAD_CHILD_H
#define HAD_CHILD_H

#include "imsg.h"
#include "msg.h"

struct had_conf;
struct event_base;

struct child_ops {
	enum had_proc	 proc;
	/* Before dropping privileges: open sockets and the like. */
	void		(*init_privileged)(void);
	/* After dropping privileges, with the event base ready. */
	void		(*init)(struct event_base *);
	/* Messages from had that the framework does not handle itself. */
	int		(*dispatch_parent)(struct imsg *);
	/*
	 * Messages from each sibling (<proc>_dispatch_<sibling>), called
	 * once the message contract has been checked.
	 */
	int		(*dispatch_peer[PROC_MAX])(struct imsg *);
	/* A sibling channel was (re)connected. */
	void		(*peer_up)(enum had_proc);
	/*
	 * A complete new config: apply it as a diff against the old one
	 * (NULL at start-up).  Return -1 and fill reason to refuse it.
	 */
	int		(*reconf)(struct had_conf *, struct had_conf *,
			    struct msg_reconf_done *);
	/* A show request: answer with child_ctl_send(); END is sent after. */
	int		(*ctl)(struct imsg *);
	/*
	 * had's order to stop: 0 to exit at once, 1 to finish something
	 * first and call child_stop_done() (a second order does not wait).
	 */
	int		(*stop)(void);
	/* Orderly shutdown (SIGTERM or had went away). */
	void		(*shutdown)(void);
};

struct child_env {
	struct event_base	*base;
	struct imsgev		 parent;
	struct imsgev		 peers[PROC_MAX];
	struct had_conf		*conf;
	uint64_t		 generation;
	const struct child_ops	*ops;
	int			 debug;
	int			 respawned;	/* -R: had restarts us */
	const char		*user;
	const char		*chroot;
};

extern struct child_env	 *child;

int	child_main(int, char **, const struct child_ops *);
void	child_stop_done(void) __attribute__((__noreturn__));
int	child_send_parent(uint32_t, uint32_t, int, const void *, size_t);
int	child_send_peer(enum had_proc, uint32_t, const void *, size_t);
int	child_ctl_send(uint32_t, uint32_t, const void *, size_t);
void	child_ctl_text(uint32_t, const char *, ...)
	    __attribute__((__format__(printf, 2, 3)));

#endif /* HAD_CHILD_H */
