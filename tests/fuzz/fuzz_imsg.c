/*
 * imsg reader: what a peer process writes into one of our socketpairs.
 *
 * Input byte 0 picks the mode:
 *   even: socket mode.  The rest is a list of chunks, each
 *         [len][nfd] then len bytes; every chunk is sent with sendmsg()
 *         carrying nfd % 8 descriptors (SCM_RIGHTS), then read with
 *         imsg_read() and drained with imsg_get().  The writer closes at
 *         the end (EOF).
 *   odd:  direct mode.  The rest is put in the read buffer as if read,
 *         with (byte 0 >> 1) % 4 descriptors queued, and drained.
 * Every message taken out is checked the way the dispatchers do
 * (imsg_check_size() against the type's payload struct).  No descriptor
 * may be left open afterwards.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
payload_size(uint32_t type)
{
	switch (type) {
	case IMSG_CHILD_READY:		return (sizeof(struct msg_ready));
	case IMSG_PING:
	case IMSG_PONG:			return (sizeof(struct msg_ping));
	case IMSG_PEER_FD:
	case IMSG_PEER_BAD:		return (sizeof(struct msg_peer));
	case IMSG_LOG_VERBOSE:		return (sizeof(struct msg_verbose));
	case IMSG_RECONF_START:
	case IMSG_RECONF_END:		return (sizeof(struct msg_reconf));
	case IMSG_RECONF_DONE:		return (sizeof(struct msg_reconf_done));
	case IMSG_CTL_SHOW_PROCS:
	case IMSG_CTL_SHOW_VRRP:
	case IMSG_CTL_SHOW_LVS:
	case IMSG_CTL_SHOW_CHECKS:
	case IMSG_CTL_RELOAD:
	case IMSG_CTL_LOG:		return (sizeof(struct msg_ctl_req));
	case IMSG_CTL_PROC:		return (sizeof(struct msg_ctl_proc));
	case IMSG_CTL_TEXT:		return (sizeof(struct msg_ctl_text));
	case IMSG_CTL_END:		return (sizeof(struct msg_ctl_end));
	case IMSG_SCRIPT_RUN:		return (sizeof(struct msg_script_run));
	case IMSG_SCRIPT_RESULT:	return (sizeof(struct msg_script_result));
	case IMSG_NOTIFY:		return (sizeof(struct msg_notify));
	case IMSG_VIP_ADD:
	case IMSG_VIP_DEL:
	case IMSG_VIP_RESULT:
	case IMSG_ADDR_GONE:		return (sizeof(struct msg_vip));
	case IMSG_VMAC_UP:
	case IMSG_VMAC_DOWN:
	case IMSG_VMAC_RESULT:		return (sizeof(struct msg_vmac));
	case IMSG_VROUTES:		return (sizeof(struct msg_vroutes));
	case IMSG_LINK_STATE:
	case IMSG_LINK_QUERY:		return (sizeof(struct msg_link));
	case IMSG_RS_STATE:		return (sizeof(struct msg_rs_state));
	case IMSG_TRACK_STATE:		return (sizeof(struct msg_track));
	case IMSG_TRACK_QUERY:		return (0);
	case IMSG_VS_PRESENCE:		return (sizeof(struct msg_vs_presence));
	default:			return ((size_t)-1);
	}
}

static int devnull = -1;
static int dgram = -1;		/* the fd of direct mode's imsgbuf */

/* Drain complete messages; -1 once the stream is not to be trusted. */
static int
drain(struct imsgbuf *ib)
{
	struct imsg	 imsg;
	size_t		 want;
	int		 r;

	for (;;) {
		r = imsg_get(ib, &imsg);
		if (r == 0)
			return (0);
		if (r != 1)
			return (-1);
		if (imsg.datalen != imsg.hdr.len - IMSG_HDR_SIZE ||
		    (imsg.datalen > 0) != (imsg.data != NULL)) {
			fprintf(stderr, "fuzz_imsg: inconsistent imsg\n");
			abort();
		}
		if (imsg.datalen > 0)	/* ASan checks the whole payload */
			(void)((volatile uint8_t *)imsg.data)[imsg.datalen - 1];
		want = payload_size(imsg.hdr.type);
		if (imsg.hdr.type == IMSG_PEER_FD)
			r = imsg.datalen == want && imsg.fd != -1 ? 0 : -1;
		else if (want == (size_t)-1)
			r = -1;
		else
			r = imsg_check_size(&imsg, want, "fuzz");
		imsg_free(&imsg);
		if (r == -1)
			return (-1);
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

static void
send_chunk(int fd, const uint8_t *buf, size_t len, int nfd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 8)];
	} cm;
	struct cmsghdr	*c;
	int		 fds[8], i;
	uint8_t		 dummy = 0;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = len ? (void *)buf : &dummy;
	iov.iov_len = len ? len : 1;	/* descriptors need a byte */
	if (len == 0 && nfd == 0)
		return;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	for (i = 0; i < nfd; i++)
		fds[i] = dup(devnull);
	if (nfd > 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfd);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfd);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfd);
	}
	(void)sendmsg(fd, &msg, MSG_NOSIGNAL);
	for (i = 0; i < nfd; i++)
		close(fds[i]);
}

static void
socket_mode(const uint8_t *data, size_t size)
{
	struct imsgbuf	 ib;
	int		 sv[2], bad = 0;
	size_t		 off = 0, len;
	ssize_t		 n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return;
	if (imsgbuf_init(&ib, sv[0]) == -1) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	while (!bad && off + 2 <= size) {
		len = data[off];
		if (len > size - off - 2)
			len = size - off - 2;
		send_chunk(sv[1], data + off + 2, len, data[off + 1] % 8);
		off += 2 + len;
		n = imsg_read(&ib);
		if (n == -1 && errno != EAGAIN)
			bad = 1;
		else if (drain(&ib) == -1)
			bad = 1;
	}
	close(sv[1]);
	while (!bad) {
		n = imsg_read(&ib);
		if (n == -1 && errno != EAGAIN)
			break;
		if (drain(&ib) == -1 || n <= 0)
			break;
	}
	imsgbuf_clear(&ib);
	close(sv[0]);
}

static void
direct_mode(const uint8_t *data, size_t size, int nfd)
{
	struct imsgbuf	 ib;
	int		 i;

	if (size > 2 * IMSG_MAX_SIZE || imsgbuf_init(&ib, dgram) == -1)
		return;
	memcpy(ib.rbuf, data, size);
	ib.rlen = size;
	for (i = 0; i < nfd; i++)
		ib.fdq[ib.nfdq++] = dup(devnull);
	(void)drain(&ib);
	imsgbuf_clear(&ib);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	 before, after;

	if (devnull == -1 &&
	    ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    (dgram = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1))
		abort();
	if (size < 1)
		return (0);
	before = lowest_free_fd();
	if (data[0] & 1)
		direct_mode(data + 1, size - 1, (data[0] >> 1) % 4);
	else
		socket_mode(data + 1, size - 1);
	after = lowest_free_fd();
	if (before != after) {
		fprintf(stderr, "fuzz_imsg: descriptor leak (lowest free "
		    "fd %d before, %d after)\n", before, after);
		abort();
	}
	return (0);
}
