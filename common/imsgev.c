/*
 * Driving an imsgbuf from libevent: read, dispatch every complete message,
 * write when there is something queued, and report the channel closed on
 * EOF or on anything that cannot be trusted.
 */
#include <sys/types.h>

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "imsg.h"
#include "log.h"
#include "msg_contract.h"

static void	imsgev_handler(int, short, void *);

/*
 * A queue that held this many messages (a show of a few thousand rows)
 * gives its memory back to the kernel once written: glibc keeps freed
 * heap otherwise, megabytes a show.
 */
#define IMSGEV_TRIM_QUEUE	1024

static void
imsgev_arm(struct imsgev *iev)
{
	short	 events = EV_READ;

	if (!iev->active)
		return;
	if (iev->ibuf.wqlen > 0)
		events |= EV_WRITE;
	if (iev->ev != NULL && events == iev->events)
		return;
	if (iev->ev != NULL) {
		event_del(iev->ev);
		event_free(iev->ev);
	}
	iev->events = events;
	iev->ev = event_new(iev->base, iev->ibuf.fd, events | EV_PERSIST,
	    imsgev_handler, iev);
	if (iev->ev == NULL || event_add(iev->ev, NULL) == -1)
		fatal("%s: event_add", iev->name);
}

int
imsgev_init(struct imsgev *iev, struct event_base *base, int fd,
    const char *name, int self, int peer, imsgev_dispatch_cb dispatch,
    imsgev_closed_cb closed, void *arg)
{
	memset(iev, 0, sizeof(*iev));
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		return (-1);
	iev->base = base;
	iev->dispatch = dispatch;
	iev->closed = closed;
	iev->arg = arg;
	iev->self = self;
	iev->peer = peer;
	iev->active = 1;
	strlcpy(iev->name, name, sizeof(iev->name));
	imsgev_arm(iev);
	return (0);
}

void
imsgev_close(struct imsgev *iev)
{
	if (!iev->active)
		return;
	iev->active = 0;
	if (iev->ev != NULL) {
		event_del(iev->ev);
		event_free(iev->ev);
		iev->ev = NULL;
	}
	iev->events = 0;
	imsgbuf_clear(&iev->ibuf);
	close(iev->ibuf.fd);
	iev->ibuf.fd = -1;
}

static void
imsgev_fail(struct imsgev *iev, const char *why)
{
	imsgev_closed_cb	 cb = iev->closed;

	if (iev->on_error != NULL && strcmp(why, "EOF") != 0) {
		iev->on_error(iev, why);
		(void)imsg_write(&iev->ibuf);
	}
	imsgev_close(iev);
	if (cb != NULL)
		cb(iev, why);
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	if (!iev->active) {
		if (fd != -1)
			close(fd);
		errno = ENOTCONN;
		return (-1);
	}
	if (imsg_compose(&iev->ibuf, type, peerid, 0, fd, data, len) == -1) {
		if (fd != -1)
			close(fd);
		return (-1);
	}
	iev->nsent++;
	if (iev->ibuf.wqlen > iev->wqpeak)
		iev->wqpeak = iev->ibuf.wqlen;
	imsgev_arm(iev);
	return (0);
}

void
imsgev_flush_blocking(struct imsgev *iev)
{
	if (iev->active)
		(void)imsg_flush_blocking(&iev->ibuf);
}

static void
imsgev_handler(int fd, short events, void *arg)
{
	struct imsgev	*iev = arg;
	struct imsg	 imsg;
	char		 why[160];
	ssize_t		 n;
	int		 r;

	if (events & EV_WRITE) {
		if (imsg_write(&iev->ibuf) == -1) {
			imsgev_fail(iev, errno == EPIPE || errno == ECONNRESET ?
			    "EOF" : "write error");
			return;
		}
		if (iev->ibuf.wqlen == 0 && iev->wqpeak >= IMSGEV_TRIM_QUEUE) {
			iev->wqpeak = 0;
			malloc_trim(0);
		}
	}
	if (events & EV_READ) {
		n = imsg_read(&iev->ibuf);
		/* A peer that died with our data unread: that is an EOF. */
		if (n == -1 && errno == ECONNRESET) {
			imsgev_fail(iev, "EOF");
			return;
		}
		if (n == -1 && errno != EAGAIN) {
			imsgev_fail(iev, errno == EBADMSG ?
			    "unexpected descriptors" : "read error");
			return;
		}
		for (;;) {
			r = imsg_get(&iev->ibuf, &imsg);
			if (r == 0)
				break;
			if (r == IMSG_ERR_PROTO) {
				imsgev_fail(iev, "malformed message");
				return;
			}
			iev->nrecv++;
			/* The contract first: a violation is the sender's. */
			if (msg_contract_check(&imsg, iev->peer, iev->self,
			    why, sizeof(why)) == -1) {
				log_warnx("%s: %s", iev->name, why);
				imsg_free(&imsg);
				imsgev_fail(iev, "invalid message");
				return;
			}
			r = iev->dispatch(iev, &imsg);
			imsg_free(&imsg);
			if (!iev->active)
				return;
			if (r == -1) {
				imsgev_fail(iev, "invalid message");
				return;
			}
		}
		if (n == 0) {
			imsgev_fail(iev, iev->ibuf.rlen > 0 ?
			    "truncated message at EOF" : "EOF");
			return;
		}
	}
	imsgev_arm(iev);
}
