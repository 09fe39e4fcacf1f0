/*
 * imsg framing: split reads, batched reads, descriptor passing, and the
 * protocol errors a hostile peer can cause.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "imsg.h"

static int	sp[2];
static struct imsgbuf rb;

static void
setup(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	cr_assert_eq(imsgbuf_init(&rb, sp[1]), 0);
}

static void
teardown(void)
{
	imsgbuf_clear(&rb);
	close(sp[0]);
	close(sp[1]);
}

TestSuite(imsg, .init = setup, .fini = teardown);

/* Build a raw message as a peer would put it on the wire. */
static size_t
raw_msg(uint8_t *buf, uint32_t type, uint32_t len, uint32_t flags,
    const void *payload, size_t plen)
{
	struct imsg_hdr	 h;

	memset(&h, 0, sizeof(h));
	h.type = type;
	h.len = len;
	h.flags = flags;
	h.peerid = 7;
	h.pid = 42;
	memcpy(buf, &h, sizeof(h));
	if (plen)
		memcpy(buf + sizeof(h), payload, plen);
	return (sizeof(h) + plen);
}

static void
read_all(void)
{
	ssize_t	 n;

	n = imsg_read(&rb);
	cr_assert(n > 0 || (n == -1 && errno == EAGAIN),
	    "imsg_read returned %zd (%s)", n, strerror(errno));
}

Test(imsg, compose_and_get_roundtrip)
{
	struct imsgbuf	 wb;
	struct imsg	 m;
	uint64_t	 v = 0x1122334455667788ULL;

	cr_assert_eq(imsgbuf_init(&wb, sp[0]), 0);
	cr_assert_eq(imsg_compose(&wb, 300, 9, 0, -1, &v, sizeof(v)), 0);
	cr_assert_eq(imsg_write(&wb), 1);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), 1);
	cr_assert_eq(m.hdr.type, 300);
	cr_assert_eq(m.hdr.peerid, 9);
	cr_assert_eq(m.hdr.pid, (uint32_t)getpid());
	cr_assert_eq(m.datalen, sizeof(v));
	cr_assert_eq(memcmp(m.data, &v, sizeof(v)), 0);
	cr_assert_eq(m.fd, -1);
	imsg_free(&m);
	cr_assert_eq(imsg_get(&rb, &m), 0);
	wb.fd = -1;
	imsgbuf_clear(&wb);
}

Test(imsg, message_split_across_reads)
{
	uint8_t		 buf[64];
	char		 payload[20] = "split across reads!";
	struct imsg	 m;
	size_t		 len, i;

	len = raw_msg(buf, 1, IMSG_HDR_SIZE + sizeof(payload), 0, payload,
	    sizeof(payload));
	/* One byte at a time: nothing until the last byte is in. */
	for (i = 0; i < len; i++) {
		cr_assert_eq(write(sp[0], buf + i, 1), 1);
		read_all();
		if (i + 1 < len)
			cr_assert_eq(imsg_get(&rb, &m), 0, "early at %zu", i);
	}
	cr_assert_eq(imsg_get(&rb, &m), 1);
	cr_assert_str_eq((char *)m.data, payload);
	imsg_free(&m);
}

Test(imsg, several_messages_in_one_read)
{
	uint8_t		 buf[256];
	uint32_t	 v;
	struct imsg	 m;
	size_t		 off = 0;
	int		 i;

	for (i = 0; i < 5; i++) {
		v = 1000 + i;
		off += raw_msg(buf + off, 10 + i, IMSG_HDR_SIZE + sizeof(v), 0,
		    &v, sizeof(v));
	}
	cr_assert_eq(write(sp[0], buf, off), (ssize_t)off);
	read_all();
	for (i = 0; i < 5; i++) {
		cr_assert_eq(imsg_get(&rb, &m), 1);
		cr_assert_eq(m.hdr.type, (uint32_t)(10 + i));
		memcpy(&v, m.data, sizeof(v));
		cr_assert_eq(v, (uint32_t)(1000 + i));
		imsg_free(&m);
	}
	cr_assert_eq(imsg_get(&rb, &m), 0);
}

Test(imsg, empty_payload)
{
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 5, IMSG_HDR_SIZE, 0, NULL, 0);
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), 1);
	cr_assert_null(m.data);
	cr_assert_eq(m.datalen, 0);
	imsg_free(&m);
}

Test(imsg, fd_passing)
{
	struct imsgbuf	 wb;
	struct imsg	 m;
	struct stat	 a, b;
	int		 pfd[2], fd;
	char		 c = 'x', got = 0;

	cr_assert_eq(pipe(pfd), 0);
	cr_assert_eq(fstat(pfd[1], &a), 0);
	cr_assert_eq(imsgbuf_init(&wb, sp[0]), 0);
	cr_assert_eq(imsg_compose(&wb, 77, 0, 0, pfd[1], "fd", 3), 0);
	cr_assert_eq(imsg_write(&wb), 1);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), 1);
	cr_assert_neq(m.fd, -1);
	cr_assert_eq(fstat(m.fd, &b), 0);
	cr_assert_eq(a.st_ino, b.st_ino, "a different file arrived");
	fd = m.fd;
	cr_assert_eq(write(fd, &c, 1), 1);
	cr_assert_eq(read(pfd[0], &got, 1), 1);
	cr_assert_eq(got, 'x');
	imsg_free(&m);
	/* imsg_free closed the received copy. */
	cr_assert_eq(fcntl(fd, F_GETFD), -1);
	close(pfd[0]);
	wb.fd = -1;
	imsgbuf_clear(&wb);
}

Test(imsg, oversize_rejected)
{
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 1, IMSG_MAX_SIZE + 1, 0, NULL, 0);
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), IMSG_ERR_PROTO);
}

Test(imsg, length_below_header_rejected)
{
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 1, IMSG_HDR_SIZE - 1, 0, NULL, 0);
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), IMSG_ERR_PROTO);
}

Test(imsg, unknown_flags_rejected)
{
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 1, IMSG_HDR_SIZE, 0x80, NULL, 0);
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), IMSG_ERR_PROTO);
}

Test(imsg, truncated_at_eof)
{
	uint8_t		 buf[64];
	char		 payload[16] = "truncated";
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 1, IMSG_HDR_SIZE + sizeof(payload), 0, payload,
	    sizeof(payload));
	cr_assert_eq(write(sp[0], buf, len - 4), (ssize_t)(len - 4));
	shutdown(sp[0], SHUT_WR);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), 0);
	cr_assert_eq(imsg_read(&rb), 0, "EOF not seen");
	cr_assert(rb.eof);
	cr_assert(rb.rlen > 0, "the partial message must remain visible");
}

Test(imsg, claimed_fd_missing)
{
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;

	len = raw_msg(buf, 1, IMSG_HDR_SIZE, IMSGF_HASFD, NULL, 0);
	cr_assert_eq(write(sp[0], buf, len), (ssize_t)len);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), IMSG_ERR_PROTO);
}

Test(imsg, stray_fd_rejected)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	uint8_t		 buf[64];
	struct imsg	 m;
	size_t		 len;
	int		 fd = dup(0);

	/* A message that does not claim the descriptor sent with it. */
	len = raw_msg(buf, 1, IMSG_HDR_SIZE, 0, NULL, 0);
	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	cr_assert_eq(sendmsg(sp[0], &msg, 0), (ssize_t)len);
	close(fd);
	read_all();
	cr_assert_eq(imsg_get(&rb, &m), 1);
	imsg_free(&m);
	cr_assert_eq(imsg_get(&rb, &m), IMSG_ERR_PROTO,
	    "an unclaimed descriptor must be an error");
}

Test(imsg, compose_oversize_fails)
{
	struct imsgbuf	 wb;
	static uint8_t	 big[IMSG_MAX_PAYLOAD + 1];

	cr_assert_eq(imsgbuf_init(&wb, sp[0]), 0);
	cr_assert_eq(imsg_compose(&wb, 1, 0, 0, -1, big, sizeof(big)), -1);
	cr_assert_eq(errno, ERANGE);
	cr_assert_eq(imsg_compose(&wb, 1, 0, 0, -1, big,
	    IMSG_MAX_PAYLOAD), 0);
	/* Nobody reads: the socket fills, the rest stays queued. */
	for (int i = 0; i < 40; i++)
		cr_assert_eq(imsg_compose(&wb, 1, 0, 0, -1, big,
		    IMSG_MAX_PAYLOAD), 0);
	cr_assert_eq(imsg_write(&wb), 0, "a full socket must not block");
	cr_assert(wb.wqlen > 0);
	wb.fd = -1;
	imsgbuf_clear(&wb);
}

Test(imsg, max_size_message_passes)
{
	struct imsgbuf	 wb;
	struct imsg	 m;
	static uint8_t	 big[IMSG_MAX_PAYLOAD];
	int		 got = 0, rounds = 0;

	memset(big, 0xab, sizeof(big));
	cr_assert_eq(imsgbuf_init(&wb, sp[0]), 0);
	cr_assert_eq(imsg_compose(&wb, 2, 0, 0, -1, big, sizeof(big)), 0);
	while (!got && rounds++ < 200) {
		cr_assert_neq(imsg_write(&wb), -1);
		read_all();
		got = imsg_get(&rb, &m);
		cr_assert_neq(got, IMSG_ERR_PROTO);
	}
	cr_assert_eq(got, 1, "the largest message never arrived");
	cr_assert_eq(m.datalen, sizeof(big));
	cr_assert_eq(memcmp(m.data, big, sizeof(big)), 0);
	imsg_free(&m);
	wb.fd = -1;
	imsgbuf_clear(&wb);
}
