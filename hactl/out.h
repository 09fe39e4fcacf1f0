/*
 * hactl's output in one path: a walker per row kind (output.c) gives
 * each field of a row once, with where it goes -- a JSON member, a
 * column of the text table, a metric or a label of the row's metrics --
 * and a back end (out_text.c, out_json.c, metrics.c) writes what is
 * its own.  A new field is one out_field() in its walker.
 */
#ifndef HAD_HACTL_OUT_H
#define HAD_HACTL_OUT_H

#include <stdint.h>

#include "hactl.h"

enum fv_type {
	FV_STR,
	FV_U64,
	FV_I64,
	FV_BOOL,
	FV_NUM		/* s as written (JSON, text); u for metrics */
};

struct fval {
	enum fv_type	 type;
	uint64_t	 u;
	int64_t		 i;
	const char	*s;
};

/* Where a field goes; zero members: nowhere of that kind. */
struct fdesc {
	const char	*key;		/* JSON member */
	int		 item;		/* JSON: an element of the open list */
	int		 col;		/* text column of the row's table */
	const char	*label;		/* label of the row's samples */
	int		 metric;	/* enum out_family: a sample of it */
	const char	*xlabel;	/* a label of this sample alone */
	const char	*xvalue;	/* its value (NULL: key) */
};

#define FD(...)		(&(const struct fdesc){ __VA_ARGS__ })
#define VS(x)		(&(const struct fval){ .type = FV_STR, .s = (x) })
#define VU(x)		(&(const struct fval){ .type = FV_U64, .u = (x) })
#define VI(x)		(&(const struct fval){ .type = FV_I64, .i = (x) })
#define VB(x)		(&(const struct fval){ .type = FV_BOOL,		\
	.u = (x) ? 1 : 0 })
#define VN(str, x)	(&(const struct fval){ .type = FV_NUM, .s = (str), \
	.u = (x) })

/* The text tables; a row of T_NONE is not in the text. */
enum out_table {
	T_NONE,
	T_PROCS,
	T_VRRP,
	T_LVS,
	T_CHECKS,
	T_TRACKS,
	T_BFD,
	T_EVENTS,
	T_MAX
};

/* The columns of each text table (out_text.c has their headers). */
enum { PC_NAME = 1, PC_PID, PC_USER, PC_IDS, PC_SECCOMP, PC_CAPS, PC_ROOT,
	PC_UPTIME, PC_RESTARTS, PC_EXIT, PC_COMPLAINTS };
enum { VC_NAME = 1, VC_IF, VC_VRID, VC_VERSION, VC_STATE, VC_PRIO,
	VC_MASTER, VC_INT, VC_TRANS, VC_SENT, VC_RCVD, VC_VIPS };
enum { LC_NAME = 1, LC_SCHED, LC_METHOD, LC_WEIGHT, LC_KERNEL, LC_HEALTH,
	LC_ACTIVE, LC_INACTIVE, LC_PACKETS, LC_BYTES, LC_PERSIST, LC_QUORUM,
	LC_ANNOUNCE };
enum { CC_VS = 1, CC_RS, CC_TYPE, CC_STATE, CC_OK, CC_FAIL, CC_LATENCY,
	CC_CHANGED, CC_RESULT };
enum { TC_KIND = 1, TC_NAME, TC_STATE, TC_VALUE, TC_RISEFALL, TC_WEIGHT,
	TC_CHANGED, TC_RESULT };
enum { BC_NAME = 1, BC_NEIGHBOR, BC_STATE, BC_REMOTE, BC_LOCAL_ID,
	BC_REMOTE_ID, BC_TX, BC_RX, BC_DETECT, BC_SENT, BC_RCVD, BC_UPS,
	BC_DOWNS };
enum { EC_WHEN = 1, EC_KIND, EC_OBJECT, EC_TEXT };
#define OUT_COLS	14	/* columns of a table, at most, + 1 */

/* out_open(): what a nested member is. */
#define O_OBJ		1	/* {"a": 1, "b": 2} */
#define O_LIST		2	/* [x, y] on the row's line */
#define O_CHILDREN	3	/* the rows of depth 1 after it, a line each */

/* The metric families, in the order show metrics prints them. */
enum out_family {
	M_NONE,
	M_SCRAPE_OK,
	M_PROC_UP,
	M_PROC_RESTARTS,
	M_PROC_UPTIME,
	M_VRRP_STATE,
	M_VRRP_PRIO,
	M_VRRP_EFF_PRIO,
	M_VRRP_ADVERT_INT,
	M_VRRP_TRANSITIONS,
	M_VRRP_SENT,
	M_VRRP_RCVD,
	M_VRRP_PRIO0_SENT,
	M_VRRP_PRIO0_RCVD,
	M_VRRP_TOLERANCE,
	M_VRRP_FLAPS,
	M_VRRP_PROBES_SENT,
	M_VRRP_PROBES_ANSWERED,
	M_VRRP_DUAL_MASTER,
	M_VRRP_PATH_RCVD,
	M_VRRP_WITNESS_UP,
	M_VRRP_WITNESS_REFUSED,
	M_VRRP_WITNESS_FAULTS,
	M_VRRP_DROPPED,
	M_VS_IN_KERNEL,
	M_VS_QUORUM_UP,
	M_VS_WEIGHT,
	M_VS_ACTIVE,
	M_VS_INACTIVE,
	M_VS_CONNS,
	M_VS_PACKETS,
	M_VS_BYTES,
	M_VS_ANNOUNCED,
	M_RS_UP,
	M_RS_WEIGHT,
	M_RS_KERNEL_WEIGHT,
	M_RS_ACTIVE,
	M_RS_INACTIVE,
	M_RS_CONNS,
	M_RS_PACKETS,
	M_RS_BYTES,
	M_RS_DRAINED,
	M_CHECK_UP,
	M_CHECK_LATENCY,
	M_CHECK_ROUNDS,
	M_CHECK_LAST_CHANGE,
	M_TRACK_UP,
	M_TRACK_EXIT,
	M_TRACK_OK,
	M_TRACK_FAIL,
	M_TRACK_FILE_VALUE,
	M_VTRACK_DELTA,
	M_VTRACK_FAULT,
	M_BFD_UP,
	M_BFD_STATE,
	M_BFD_DETECT,
	M_BFD_SENT,
	M_BFD_RCVD,
	M_BFD_DOWNS,
	M_BFD_DROPPED,
	M_MAX
};

/* A back end. */
struct out_ops {
	void	(*begin)(struct hactl_out *, uint32_t);
	void	(*row)(struct hactl_out *, enum out_table, int);
	void	(*field)(struct hactl_out *, const struct fdesc *,
		    const struct fval *);
	void	(*open)(struct hactl_out *, const char *, int);
	void	(*close)(struct hactl_out *);
	void	(*row_end)(struct hactl_out *);
	void	(*line)(struct hactl_out *, const char *);
	void	(*finish)(struct hactl_out *, uint32_t);
};

extern const struct out_ops	out_text_ops, out_json_ops, out_metrics_ops;

/* output.c: what the walkers call. */
void	 out_row(struct hactl_out *, enum out_table, int);
void	 out_field(struct hactl_out *, const struct fdesc *,
	    const struct fval *);
void	 out_open(struct hactl_out *, const char *, int);
void	 out_close(struct hactl_out *);
void	 out_row_end(struct hactl_out *);
void	 out_line(struct hactl_out *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
enum out_table	 out_doc_table(uint32_t);
const char	*out_doc_kind(uint32_t);
void	 fval_str(const struct fval *, char *, size_t);

/* The sums over the real servers of a virtual server (show metrics). */
struct lvs_sums {
	uint64_t	 weight, active, inactive;
};

/* The walkers, one per row kind. */
void	 walk_proc(struct hactl_out *, const struct msg_ctl_proc *);
void	 walk_vrrp(struct hactl_out *, const struct msg_ctl_vrrp *,
	    const struct msg_ctl_vrrp_track *, size_t);
void	 walk_vrrp_track(struct hactl_out *,
	    const struct msg_ctl_vrrp_track *, int);
void	 walk_lvs(struct hactl_out *, const struct msg_ctl_lvs *,
	    const struct lvs_sums *);
void	 walk_check(struct hactl_out *, const struct msg_ctl_check *);
void	 walk_track(struct hactl_out *, const struct msg_ctl_track *);
void	 walk_bfd(struct hactl_out *, const struct msg_ctl_bfd *);

#endif /* HAD_HACTL_OUT_H */
