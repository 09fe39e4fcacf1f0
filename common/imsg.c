/*
 * had's imsg-style message framing.  Written for this project: a fixed
 * header (type, length, flags, peer id, pid) followed by one payload
 * struct, and at most one descriptor per message passed with SCM_RIGHTS.
 *
 * Everything read from the socket is untrusted: a length below the header
 * size or above IMSG_MAX_SIZE, a message that claims a descriptor that did
 * not arrive, or descriptors that no message claims, are protocol errors;
 * the caller closes the channel.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "log.h"

#define IMSG_RBUF_SIZE	(IMSG_MAX_SIZE * 2)
#define IMSG_WRITE_IOV	128	/* messages a sendmsg() at most */

int
imsgbuf_init(struct imsgbuf *ibuf, int fd)
{
	int	 flags;

	memset(ibuf, 0, sizeof(*ibuf));
	if ((ibuf->rbuf = malloc(IMSG_RBUF_SIZE)) == NULL)
		return (-1);
	ibuf->fd = fd;
	ibuf->pid = getpid();
	TAILQ_INIT(&ibuf->wq);
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		free(ibuf->rbuf);
		ibuf->rbuf = NULL;
		return (-1);
	}
	return (0);
}

void
imsgbuf_clear(struct imsgbuf *ibuf)
{
	struct imsg_wbuf	*wb;
	int			 i;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		if (wb->fd != -1)
			close(wb->fd);
		free(wb);
	}
	if (ibuf->wqtotal != NULL)
		*ibuf->wqtotal -= ibuf->wqbytes;
	ibuf->wqbytes = 0;
	ibuf->wqlen = 0;
	for (i = 0; i < ibuf->nfdq; i++)
		close(ibuf->fdq[i]);
	ibuf->nfdq = 0;
	free(ibuf->rbuf);
	ibuf->rbuf = NULL;
	ibuf->roff = ibuf->rlen = 0;
}

/*
 * Read what is there.  Returns bytes read, 0 on EOF, -1 on error (errno
 * EAGAIN when nothing was ready).  Descriptors that arrive are queued; the
 * queue is bounded so a peer cannot make us hold unlimited descriptors.
 */
ssize_t
imsg_read(struct imsgbuf *ibuf)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	} cmsgbuf;
	ssize_t		 n;
	int		*fds, nfds, i, overflow = 0;

	/* What imsg_get() left goes to the front once a read, not a message. */
	if (ibuf->roff > 0) {
		memmove(ibuf->rbuf, ibuf->rbuf + ibuf->roff, ibuf->rlen);
		ibuf->roff = 0;
	}
	if (ibuf->rlen >= IMSG_RBUF_SIZE) {
		errno = ENOBUFS;
		return (-1);
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = ibuf->rbuf + ibuf->rlen;
	iov.iov_len = IMSG_RBUF_SIZE - ibuf->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = &cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	do {
		n = recvmsg(ibuf->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fds = (int *)CMSG_DATA(cmsg);
		for (i = 0; i < nfds; i++) {
			if (ibuf->nfdq < IMSG_MAX_FDQ)
				ibuf->fdq[ibuf->nfdq++] = fds[i];
			else {
				close(fds[i]);
				overflow = 1;
			}
		}
	}
	if (msg.msg_flags & MSG_CTRUNC)
		overflow = 1;
	if (overflow) {
		errno = EBADMSG;
		return (-1);
	}
	if (n == 0)
		ibuf->eof = 1;
	ibuf->rlen += n;
	return (n);
}

/*
 * Take one complete message out of the read buffer.  Returns 1 and fills
 * imsg (the caller frees it with imsg_free), 0 when more bytes are needed,
 * IMSG_ERR_PROTO when the stream cannot be trusted any more.
 */
int
imsg_get(struct imsgbuf *ibuf, struct imsg *imsg)
{
	struct imsg_hdr	 hdr;
	size_t		 datalen;

	memset(imsg, 0, sizeof(*imsg));
	imsg->fd = -1;
	if (ibuf->rlen < IMSG_HDR_SIZE) {
		/* Descriptors that no message can claim. */
		if (ibuf->rlen == 0 && ibuf->nfdq > 0)
			return (IMSG_ERR_PROTO);
		return (0);
	}
	memcpy(&hdr, ibuf->rbuf + ibuf->roff, sizeof(hdr));
	if (hdr.len < IMSG_HDR_SIZE || hdr.len > IMSG_MAX_SIZE)
		return (IMSG_ERR_PROTO);
	if (hdr.flags & ~IMSGF_HASFD)
		return (IMSG_ERR_PROTO);
	if (ibuf->rlen < hdr.len)
		return (0);

	if (hdr.flags & IMSGF_HASFD) {
		if (ibuf->nfdq == 0)
			return (IMSG_ERR_PROTO);
		imsg->fd = ibuf->fdq[0];
		ibuf->nfdq--;
		memmove(ibuf->fdq, ibuf->fdq + 1, ibuf->nfdq * sizeof(int));
	}
	datalen = hdr.len - IMSG_HDR_SIZE;
	if (datalen > 0) {
		if ((imsg->data = malloc(datalen)) == NULL) {
			if (imsg->fd != -1)
				close(imsg->fd);
			imsg->fd = -1;
			return (IMSG_ERR_PROTO);
		}
		memcpy(imsg->data, ibuf->rbuf + ibuf->roff + IMSG_HDR_SIZE,
		    datalen);
	}
	imsg->hdr = hdr;
	imsg->datalen = datalen;
	ibuf->rlen -= hdr.len;
	ibuf->roff = ibuf->rlen == 0 ? 0 : ibuf->roff + hdr.len;
	return (1);
}

void
imsg_free(struct imsg *imsg)
{
	free(imsg->data);
	imsg->data = NULL;
	if (imsg->fd != -1)
		close(imsg->fd);
	imsg->fd = -1;
}

/* Queue one message; the descriptor, if any, is closed once sent. */
int
imsg_compose(struct imsgbuf *ibuf, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const void *data, size_t datalen)
{
	struct imsg_wbuf	*wb;
	struct imsg_hdr		 hdr;

	if (datalen > IMSG_MAX_PAYLOAD || (datalen > 0 && data == NULL)) {
		errno = ERANGE;
		return (-1);
	}
	if ((wb = malloc(sizeof(*wb) + IMSG_HDR_SIZE + datalen)) == NULL)
		return (-1);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = IMSG_HDR_SIZE + datalen;
	hdr.flags = fd != -1 ? IMSGF_HASFD : 0;
	hdr.peerid = peerid;
	hdr.pid = pid ? (uint32_t)pid : (uint32_t)ibuf->pid;
	memcpy(wb->buf, &hdr, IMSG_HDR_SIZE);
	if (datalen > 0)
		memcpy(wb->buf + IMSG_HDR_SIZE, data, datalen);
	wb->len = hdr.len;
	wb->off = 0;
	wb->fd = fd;
	TAILQ_INSERT_TAIL(&ibuf->wq, wb, entry);
	ibuf->wqlen++;
	ibuf->wqbytes += sizeof(*wb) + wb->len;
	if (ibuf->wqtotal != NULL)
		*ibuf->wqtotal += sizeof(*wb) + wb->len;
	return (0);
}

/*
 * Write as much as the socket takes.  Returns 1 when the queue is empty,
 * 0 when some remains (EAGAIN), -1 on error.  A descriptor travels with
 * the first byte of its message only.
 */
int
imsg_write(struct imsgbuf *ibuf)
{
	struct imsg_wbuf	*wb, *w;
	struct msghdr		 msg;
	struct iovec		 iov[IMSG_WRITE_IOV];
	struct cmsghdr		*cmsg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	ssize_t			 n;
	size_t			 left;
	int			 niov;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		memset(&msg, 0, sizeof(msg));
		/*
		 * Many messages a call (a config is 21000 of them), up to
		 * the next one with a descriptor: that one starts a call.
		 */
		niov = 0;
		for (w = wb; w != NULL && niov < IMSG_WRITE_IOV;
		    w = TAILQ_NEXT(w, entry)) {
			if (niov > 0 && w->fd != -1)
				break;
			iov[niov].iov_base = w->buf + w->off;
			iov[niov].iov_len = w->len - w->off;
			niov++;
		}
		msg.msg_iov = iov;
		msg.msg_iovlen = niov;
		if (wb->fd != -1 && wb->off == 0) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = &cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &wb->fd, sizeof(int));
		}
		do {
			n = sendmsg(ibuf->fd, &msg, MSG_NOSIGNAL);
		} while (n == -1 && errno == EINTR);
		if (n == -1) {
			if (errno == EAGAIN || errno == ENOBUFS)
				return (0);
			return (-1);
		}
		if (wb->fd != -1 && wb->off == 0) {
			close(wb->fd);
			wb->fd = -1;
		}
		ibuf->wsent += (uint64_t)n;
		while (n > 0 && (wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
			left = wb->len - wb->off;
			if ((size_t)n < left) {
				wb->off += n;
				break;
			}
			n -= left;
			TAILQ_REMOVE(&ibuf->wq, wb, entry);
			ibuf->wqlen--;
			ibuf->wqbytes -= sizeof(*wb) + wb->len;
			if (ibuf->wqtotal != NULL)
				*ibuf->wqtotal -= sizeof(*wb) + wb->len;
			free(wb);
		}
	}
	return (1);
}

int
imsg_flush(struct imsgbuf *ibuf)
{
	return (imsg_write(ibuf));
}

/* Used at start-up and shutdown, where waiting for the peer is fine. */
int
imsg_flush_blocking(struct imsgbuf *ibuf)
{
	struct timeval	 tv;
	fd_set		 wfds;
	int		 r, tries = 0;

	while ((r = imsg_write(ibuf)) == 0) {
		if (++tries > 50)
			return (-1);
		FD_ZERO(&wfds);
		FD_SET(ibuf->fd, &wfds);
		tv.tv_sec = 0;
		tv.tv_usec = 100000;
		if (select(ibuf->fd + 1, NULL, &wfds, NULL, &tv) == -1 &&
		    errno != EINTR)
			return (-1);
	}
	return (r == 1 ? 0 : -1);
}

int
imsg_check_size(const struct imsg *imsg, size_t want, const char *from)
{
	if (imsg->datalen != want) {
		log_warnx("%s: message type %u has %zu bytes, expected %zu",
		    from, imsg->hdr.type, imsg->datalen, want);
		return (-1);
	}
	return (imsg_check_nofd(imsg, from));
}

int
imsg_check_nofd(const struct imsg *imsg, const char *from)
{
	if (imsg->fd != -1) {
		log_warnx("%s: message type %u carries an unexpected "
		    "descriptor", from, imsg->hdr.type);
		return (-1);
	}
	return (0);
}
