/*
 * Control requests: what an hactl client (or anyone in group _had)
 * writes to had's control socket, through the real path: the imsgev
 * reader on a socketpair, libevent, and parentd/control.c's static
 * control_dispatch(), which this file includes so that it runs
 * unchanged.  The rest of had (children, reload) is replaced by small
 * stand-ins below that answer the way the real ones do.
 *
 * Input: [0] flags: 0x01 the client closes after writing (else it
 * stays, with whatever it half-sent), 0x02 children are down
 * (child_compose fails), 0x04 children never answer a forwarded show,
 * 0x08 a reload is refused as "in progress", 0x10 every child but lvsd
 * is not started (no work for it); then the bytes the client
 * writes, in chunks [len] + len bytes, with the event loop run between
 * chunks.
 *
 * Every answer had writes back must be a well-formed CTL_PROC, CTL_TEXT
 * or CTL_END message, and no descriptor or memory may be left behind.
 */
#include "control.c"

#include <fcntl.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct had_env	 fuzz_env;
struct had_env		*env;

static int		 f_children_down;
static int		 f_children_mute;
static int		 f_children_idle;	/* not started: no work */
static int		 f_reload_busy;

/* Forwarded show requests waiting for their child's answer. */
static uint32_t		 pending[64];
static int		 npending;

int
child_compose(enum had_proc p, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	if (fd != -1)
		close(fd);
	if ((unsigned)p >= PROC_MAX || (len > 0 && data == NULL))
		abort();
	if (f_children_down)
		return (-1);
	if (peerid != 0 && !f_children_mute &&
	    npending < (int)(sizeof(pending) / sizeof(pending[0])))
		pending[npending++] = peerid;
	return (0);
}

int
child_started(enum had_proc p)
{
	if ((unsigned)p >= PROC_MAX)
		abort();
	return (!f_children_idle || p == PROC_LVS);
}

const char *
child_idle_why(enum had_proc p)
{
	if ((unsigned)p >= PROC_MAX)
		abort();
	return ("nothing configured for it");
}

void
child_fill_ctl(enum had_proc p, struct msg_ctl_proc *row)
{
	memset(row, 0, sizeof(*row));
	strlcpy(row->name, proc_name(p), sizeof(row->name));
	row->state = 1;
}

void
reload_request(uint32_t client, enum ctl_reload_target target)
{
	if ((unsigned)target > CTL_RELOAD_BFD)
		abort();	/* control_dispatch checked it */
	if (f_reload_busy) {
		control_end(client, 1, "a reload is already in progress");
		return;
	}
	control_text(client, 0, "reloading %u", (unsigned)target);
	control_end(client, 0, NULL);
}

/* drain.c, maint.c and events.c answer at once, as reload does here. */
void
drain_request(uint32_t client, uid_t uid, const struct msg_ctl_drain *req)
{
	control_end(client, 0, NULL);
}

void
maint_request(uint32_t client, uid_t uid, const struct msg_ctl_req *req)
{
	control_end(client, 0, NULL);
}

void
events_show(uint32_t client, uint32_t n)
{
	control_end(client, 0, NULL);
}

static void
answer_children(void)
{
	struct msg_ctl_vrrp	 row;
	int			 i;

	for (i = 0; i < npending; i++) {
		memset(&row, 0, sizeof(row));
		control_reply(pending[i], IMSG_CTL_VRRP, &row, sizeof(row));
		control_end(pending[i], 0, NULL);
	}
	npending = 0;
}

/* The client side: read had's answers and check their framing. */
static void
client_read(struct imsgbuf *cb)
{
	struct imsg	 imsg;
	ssize_t		 n;
	size_t		 want;
	int		 r;

	do {
		n = imsg_read(cb);
		while ((r = imsg_get(cb, &imsg)) == 1) {
			switch (imsg.hdr.type) {
			case IMSG_CTL_PROC:
				want = sizeof(struct msg_ctl_proc);
				break;
			case IMSG_CTL_TEXT:
				want = sizeof(struct msg_ctl_text);
				break;
			case IMSG_CTL_END:
				want = sizeof(struct msg_ctl_end);
				break;
			case IMSG_CTL_VRRP:
				want = sizeof(struct msg_ctl_vrrp);
				break;
			default:
				fprintf(stderr, "fuzz_control: answer of type "
				    "%u\n", imsg.hdr.type);
				abort();
			}
			if (imsg.datalen != want || imsg.fd != -1) {
				fprintf(stderr, "fuzz_control: answer of type "
				    "%u has %zu bytes\n", imsg.hdr.type,
				    imsg.datalen);
				abort();
			}
			imsg_free(&imsg);
		}
		if (r == IMSG_ERR_PROTO) {
			fprintf(stderr, "fuzz_control: malformed answer\n");
			abort();
		}
	} while (n > 0);
}

/* What control_accept() does once the peer is allowed in (as root). */
static struct ctl_conn *
fuzz_accept(int fd)
{
	struct ctl_conn	*cc;

	if ((cc = control_add(fd, 0)) == NULL)
		abort();
	return (cc);
}

static void
spin(struct imsgbuf *cb)
{
	int	 i;

	for (i = 0; i < 4 && env->nctl > 0; i++) {
		event_base_loop(env->base, EVLOOP_NONBLOCK);
		answer_children();
		client_read(cb);
	}
}

static int
lowest_free_fd(void)
{
	int	 fd = dup(0);

	if (fd != -1)
		close(fd);
	return (fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imsgbuf	 cb;
	struct ctl_conn	*cc;
	size_t		 off, len;
	int		 sv[2], before;

	if (env == NULL) {
		env = &fuzz_env;
		TAILQ_INIT(&env->ctl_conns);
		env->ctl_fd = -1;
		env->user = "_had";
		if ((env->base = event_base_new()) == NULL)
			abort();
	}
	if (size < 1 || size > 1 << 16)
		return (0);
	before = lowest_free_fd();
	f_children_down = data[0] & 0x02;
	f_children_mute = data[0] & 0x04;
	f_children_idle = data[0] & 0x10;
	f_reload_busy = data[0] & 0x08;
	npending = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	(void)fuzz_accept(sv[0]);
	if (imsgbuf_init(&cb, sv[1]) == -1)
		abort();

	for (off = 1; off < size && env->nctl > 0; off += len) {
		len = data[off++];
		if (len > size - off)
			len = size - off;
		if (len > 0 && write(sv[1], data + off, len) == -1)
			break;
		spin(&cb);
	}
	if (data[0] & 0x01) {
		shutdown(sv[1], SHUT_WR);
		spin(&cb);
	}
	/* A client that stays: hang up on it as a shutdown would. */
	if ((cc = TAILQ_FIRST(&env->ctl_conns)) != NULL) {
		imsgev_close(&cc->iev);
		control_closed(&cc->iev, "EOF");
	}
	if (env->nctl != 0 || !TAILQ_EMPTY(&env->ctl_conns))
		abort();
	client_read(&cb);
	imsgbuf_clear(&cb);
	close(sv[1]);
	if (lowest_free_fd() != before) {
		fprintf(stderr, "fuzz_control: descriptor leak\n");
		abort();
	}
	return (0);
}
