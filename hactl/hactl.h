/*
 * hactl: the control client of had.
 */
#ifndef HAD_HACTL_H
#define HAD_HACTL_H

#include <stdio.h>

#include "msg.h"

/* Tracked objects shown for one VRRP instance, at most. */
#define HACTL_VRRP_TRACKS	64

/*
 * The version of every JSON document hactl -j prints (its first member,
 * "schema"): raised when a member changes meaning or goes away, not
 * when one is added.  See hactl(8) and doc/schema/.
 */
#define HACTL_SCHEMA	1

/* hactl_errmode */
#define HACTL_ERR_TEXT	0	/* "hactl: ..." on stderr */
#define HACTL_ERR_JSON	1	/* {"schema": 1, "error": "..."} on stdout */
#define HACTL_ERR_KEEP	2	/* only in hactl_lasterr (hactl serve) */

struct out_ops;

/* The state of one document hactl writes (out.h, the back ends). */
struct hactl_out {
	int			 json;
	int			 metrics;	/* collect rows for show metrics */
	int			 stream;	/* hactl events: JSON lines */
	const struct out_ops	*ops;
	int			 nrows;		/* rows of depth 0 */
	int			 table;		/* text: the header written */
	int			 rowtable;	/* text: the row's table */
	int			 skip;		/* the row is not written */
	int			 depth;		/* JSON: levels open */
	int			 lvl[6];	/* O_* (the items: O_CHILDREN) */
	int			 lvln[6];	/* members or items so far */
	char			 svc[64];	/* the service of the reals */
	uint32_t		 cells;		/* text: columns set */
	uint16_t		 coff[16];	/* text: a cell; metrics: labels */
	const char		*lname[16];	/* metrics: label names */
	size_t			 cused;
	char			 cbuf[2048];
};

/* main.c */
extern int	 hactl_timeout_ms;
extern char	 hactl_lasterr[256];
extern int	 hactl_errmode;
int	 hactl_err(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
int	 hactl_connect(const char *);
int	 hactl_run(int, uint32_t, const void *, size_t, int, int);
int	 hactl_metrics(const char *, FILE *);
void	 hactl_finish(int);

/* serve.c */
int	 serve_main(int, char *[], const char *);

/* output.c */
void	 out_begin(struct hactl_out *, uint32_t);
void	 out_proc(struct hactl_out *, const struct msg_ctl_proc *);
void	 out_vrrp(struct hactl_out *, const struct msg_ctl_vrrp *,
	    const struct msg_ctl_vrrp_track *, size_t);
void	 out_track(struct hactl_out *, const struct msg_ctl_track *);
void	 track_terminate(struct msg_ctl_track *);
void	 vrrp_track_terminate(struct msg_ctl_vrrp_track *);
void	 out_lvs(struct hactl_out *, const struct msg_ctl_lvs *);
void	 out_check(struct hactl_out *, const struct msg_ctl_check *);
void	 out_event(struct hactl_out *, const struct msg_ctl_event *);
void	 out_bfd(struct hactl_out *, const struct msg_ctl_bfd *);
void	 check_terminate(struct msg_ctl_check *);
void	 out_finish(struct hactl_out *, uint32_t);
void	 out_result(const char *);
void	 json_string(FILE *, const char *);

/* metrics.c */
void	 metrics_add_proc(const struct msg_ctl_proc *);
void	 metrics_add_vrrp(const struct msg_ctl_vrrp *);
void	 metrics_add_lvs(const struct msg_ctl_lvs *);
void	 metrics_add_check(const struct msg_ctl_check *);
void	 metrics_add_track(const struct msg_ctl_track *);
void	 metrics_add_vrrp_track(const struct msg_ctl_vrrp_track *);
void	 metrics_add_bfd(const struct msg_ctl_bfd *);
void	 metrics_failed(int);
void	 metrics_reset(void);
void	 metrics_print(FILE *);
char	*caps_string(uint64_t, char *, size_t);
void	 fmt_duration(int64_t, char *, size_t);

#endif /* HAD_HACTL_H */
