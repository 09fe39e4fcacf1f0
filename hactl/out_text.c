/*
 * hactl's text back end: a row is a line of its table's columns, the
 * header written once before the first row of a table.
 */
#include <stdio.h>
#include <string.h>

#include "hactl.h"
#include "out.h"

struct col {
	const char	*head;		/* NULL: not in the header */
	int		 width;		/* < 0: left-aligned; 0: as is */
	const char	*sep;		/* before it */
	const char	*suffix;	/* after the value */
};

static const struct col cols[T_MAX][OUT_COLS] = {
	[T_PROCS] = {
		[PC_NAME] = { "NAME", -7, "", NULL },
		[PC_PID] = { "PID", 7, " ", NULL },
		[PC_USER] = { "USER", -10, " ", NULL },
		[PC_IDS] = { "UID:GID", -9, " ", NULL },
		[PC_SECCOMP] = { "SECCOMP", -8, " ", NULL },
		[PC_CAPS] = { "CAPABILITIES", -14, " ", NULL },
		[PC_ROOT] = { "ROOT", -20, " ", NULL },
		[PC_UPTIME] = { "UPTIME", 8, " ", NULL },
		[PC_RESTARTS] = { "RESTARTS", 8, " ", NULL },
		[PC_EXIT] = { "LAST EXIT", 0, "  ", NULL },
		[PC_COMPLAINTS] = { NULL, 0, "", NULL },
	},
	[T_VRRP] = {
		[VC_NAME] = { "NAME", -16, "", NULL },
		[VC_IF] = { "INTERFACE", -10, " ", NULL },
		[VC_VRID] = { "VRID", 4, " ", NULL },
		[VC_VERSION] = { "V", 2, " ", NULL },
		[VC_STATE] = { "STATE", -7, " ", NULL },
		[VC_PRIO] = { "PRIO", 8, " ", NULL },
		[VC_MASTER] = { "MASTER", -26, " ", NULL },
		[VC_INT] = { "INT", 6, " ", NULL },
		[VC_TRANS] = { "TRANS", 6, " ", NULL },
		[VC_SENT] = { "SENT", 8, " ", NULL },
		[VC_RCVD] = { "RCVD", 8, " ", NULL },
		[VC_VIPS] = { "VIPS", 0, "  ", NULL },
	},
	[T_LVS] = {
		[LC_NAME] = { "SERVICE / REAL SERVER", -30, "", NULL },
		[LC_SCHED] = { "SCHED", -6, " ", NULL },
		[LC_METHOD] = { "METHOD", -6, " ", NULL },
		[LC_WEIGHT] = { "WEIGHT", 6, " ", NULL },
		[LC_KERNEL] = { "KERNEL", 6, " ", NULL },
		[LC_HEALTH] = { "HEALTH", -7, " ", NULL },
		[LC_ACTIVE] = { "ACTIVE", 8, " ", NULL },
		[LC_INACTIVE] = { "INACTIVE", 8, " ", NULL },
		[LC_PACKETS] = { "PACKETS", 12, " ", NULL },
		[LC_BYTES] = { "BYTES", 12, " ", NULL },
		[LC_PERSIST] = { NULL, 0, "", NULL },
		[LC_QUORUM] = { NULL, 0, "", NULL },
		[LC_ANNOUNCE] = { NULL, 0, "", NULL },
	},
	[T_CHECKS] = {
		[CC_VS] = { "VIRTUAL SERVER", -22, "", NULL },
		[CC_RS] = { "REAL SERVER", -22, " ", NULL },
		[CC_TYPE] = { "TYPE", -9, " ", NULL },
		[CC_STATE] = { "STATE", -5, " ", NULL },
		[CC_OK] = { "OK", 5, " ", NULL },
		[CC_FAIL] = { "FAIL", 5, " ", NULL },
		[CC_LATENCY] = { "LATENCY", 7, " ", "ms" },
		[CC_CHANGED] = { "CHANGED", 8, " ", NULL },
		[CC_RESULT] = { "LAST RESULT", 0, "  ", NULL },
	},
	[T_TRACKS] = {
		[TC_KIND] = { "TRACKED", -12, "", NULL },
		[TC_NAME] = { "NAME", -20, " ", NULL },
		[TC_STATE] = { "STATE", -10, " ", NULL },
		[TC_VALUE] = { "VALUE", 6, " ", NULL },
		[TC_RISEFALL] = { "RISE/FALL", 9, " ", NULL },
		[TC_WEIGHT] = { "WEIGHT", 9, " ", NULL },
		[TC_CHANGED] = { "CHANGED", 8, " ", NULL },
		[TC_RESULT] = { "LAST RESULT", 0, "  ", NULL },
	},
	[T_BFD] = {
		[BC_NAME] = { "NAME", -16, "", NULL },
		[BC_NEIGHBOR] = { "NEIGHBOR", -26, " ", NULL },
		[BC_STATE] = { "STATE", -9, " ", NULL },
		[BC_REMOTE] = { "REMOTE", -9, " ", NULL },
		[BC_LOCAL_ID] = { "LOCAL ID", 10, " ", NULL },
		[BC_REMOTE_ID] = { "REMOTE ID", 10, " ", NULL },
		[BC_TX] = { "TX", 7, " ", "ms" },
		[BC_RX] = { "RX", 7, " ", "ms" },
		[BC_DETECT] = { "DETECT", 8, " ", "ms" },
		[BC_SENT] = { "SENT", 9, " ", NULL },
		[BC_RCVD] = { "RCVD", 9, " ", NULL },
		[BC_UPS] = { "UPS", 5, " ", NULL },
		[BC_DOWNS] = { "DOWNS", 5, " ", NULL },
	},
	[T_EVENTS] = {
		[EC_WHEN] = { NULL, 0, "", NULL },
		[EC_KIND] = { NULL, -7, " ", NULL },
		[EC_OBJECT] = { NULL, 0, " ", NULL },
		[EC_TEXT] = { NULL, 0, ": ", NULL },
	},
};

static void
put(const struct col *c, const char *v, const char *suffix)
{
	char	 buf[1024];

	snprintf(buf, sizeof(buf), "%s%s", v, suffix != NULL ? suffix : "");
	if (c->width < 0)
		printf("%s%-*s", c->sep, -c->width, buf);
	else
		printf("%s%*s", c->sep, c->width, buf);
}

static void
header(struct hactl_out *o, enum out_table t)
{
	int	 i, n = 0;

	o->table = t;
	for (i = 1; i < OUT_COLS; i++) {
		if (cols[t][i].head == NULL)
			continue;
		put(&cols[t][i], cols[t][i].head, NULL);
		n++;
	}
	if (n > 0)
		printf("\n");
}

static void
text_begin(struct hactl_out *o, uint32_t type)
{
	o->nrows = 0;
	o->depth = 0;
	o->table = T_NONE;
	header(o, out_doc_table(type));
}

/* A row not in the text (T_NONE) may come within one that is. */
static void
text_row(struct hactl_out *o, enum out_table t, int depth)
{
	if (t == T_NONE) {
		o->depth++;
		return;
	}
	o->depth = 0;
	o->rowtable = t;
	o->skip = depth;		/* only rows of depth 0 count */
	o->cells = 0;
	o->cused = 0;
}

static void
text_field(struct hactl_out *o, const struct fdesc *fd,
    const struct fval *v)
{
	size_t	 left;

	if (o->depth > 0 || o->rowtable == T_NONE || fd->col <= 0 ||
	    fd->col >= OUT_COLS)
		return;
	left = sizeof(o->cbuf) - o->cused;
	if (left == 0)
		return;
	fval_str(v, o->cbuf + o->cused, left);
	o->coff[fd->col] = o->cused;
	o->cells |= 1U << fd->col;
	o->cused += strlen(o->cbuf + o->cused) + 1;
	if (o->cused > sizeof(o->cbuf))
		o->cused = sizeof(o->cbuf);
}

static void
text_row_end(struct hactl_out *o)
{
	const struct col	*c;
	int			 t = o->rowtable;
	int			 i;

	if (o->depth > 0) {
		o->depth--;
		return;
	}
	if (t == T_NONE || o->cells == 0)
		return;
	if (t != o->table && cols[t][1].head != NULL) {
		if (o->nrows)
			printf("\n");
		header(o, t);
	}
	for (i = 1; i < OUT_COLS; i++) {
		c = &cols[t][i];
		if (o->cells & (1U << i))
			put(c, o->cbuf + o->coff[i], c->suffix);
	}
	printf("\n");
	if (o->skip == 0)
		o->nrows++;
	o->rowtable = T_NONE;
}

static void
text_line(struct hactl_out *o, const char *line)
{
	(void)o;
	printf("%s\n", line);
}

static void
text_finish(struct hactl_out *o, uint32_t type)
{
	if (o->nrows == 0 && type != IMSG_CTL_RELOAD && type != IMSG_CTL_LOG)
		printf("(none)\n");
}

const struct out_ops out_text_ops = {
	.begin = text_begin,
	.row = text_row,
	.field = text_field,
	.row_end = text_row_end,
	.line = text_line,
	.finish = text_finish,
};
