/*
 * hactl: the control client of had.
 */
#ifndef HAD_HACTL_H
#define HAD_HACTL_H

#include <stdio.h>

#include "msg.h"

struct hactl_out {
	int	 json;
	int	 metrics;	/* collect rows for show metrics */
	int	 nrows;
	int	 svc_open;	/* show lvs -j: a service's reals open */
	int	 nreals;
	int	 stream;	/* hactl events: JSON lines, no end */
};

/* output.c */
void	 out_begin(struct hactl_out *, uint32_t);
void	 out_proc(struct hactl_out *, const struct msg_ctl_proc *);
void	 out_vrrp(struct hactl_out *, const struct msg_ctl_vrrp *);
void	 out_lvs(struct hactl_out *, const struct msg_ctl_lvs *);
void	 out_check(struct hactl_out *, const struct msg_ctl_check *);
void	 out_event(struct hactl_out *, const struct msg_ctl_event *);
void	 out_bfd(struct hactl_out *, const struct msg_ctl_bfd *);
void	 check_terminate(struct msg_ctl_check *);
void	 out_finish(struct hactl_out *, uint32_t);
void	 json_string(FILE *, const char *);

/* metrics.c */
void	 metrics_add_proc(const struct msg_ctl_proc *);
void	 metrics_add_vrrp(const struct msg_ctl_vrrp *);
void	 metrics_add_lvs(const struct msg_ctl_lvs *);
void	 metrics_add_check(const struct msg_ctl_check *);
void	 metrics_add_bfd(const struct msg_ctl_bfd *);
void	 metrics_failed(int);
void	 metrics_reset(void);
void	 metrics_print(FILE *);
char	*caps_string(uint64_t, char *, size_t);
void	 fmt_duration(int64_t, char *, size_t);

#endif /* HAD_HACTL_H */
