/*
 * had's own imsg-style framing: a fixed header, a payload of one C struct
 * per message type, optional descriptor passing with SCM_RIGHTS, buffered
 * non-blocking I/O.  imsgev_* glue it to libevent.
 */
#ifndef HAD_IMSG_H
#define HAD_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

struct event;
struct event_base;

struct imsg_hdr {
	uint32_t	type;
	uint32_t	len;		/* header + payload */
	uint32_t	flags;
	uint32_t	peerid;
	uint32_t	pid;
};

#define IMSG_HDR_SIZE		sizeof(struct imsg_hdr)
#define IMSG_MAX_SIZE		65536	/* header included */
#define IMSG_MAX_PAYLOAD	(IMSG_MAX_SIZE - IMSG_HDR_SIZE)
#define IMSGF_HASFD		0x1
#define IMSG_MAX_FDQ		16	/* pending received descriptors */

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 if none */
	void		*data;		/* NULL if no payload */
	size_t		 datalen;
};

struct imsg_wbuf {
	TAILQ_ENTRY(imsg_wbuf)	 entry;
	size_t			 len;
	size_t			 off;
	int			 fd;
	uint8_t			 buf[];
};

struct imsgbuf {
	int			 fd;
	pid_t			 pid;
	uint8_t			*rbuf;		/* IMSG_MAX_SIZE * 2 */
	size_t			 roff;		/* where unread bytes start */
	size_t			 rlen;		/* how many */
	int			 fdq[IMSG_MAX_FDQ];
	int			 nfdq;
	TAILQ_HEAD(, imsg_wbuf)	 wq;
	size_t			 wqlen;		/* queued messages */
	size_t			 wqbytes;	/* their bytes, overhead too */
	size_t			*wqtotal;	/* optional: a shared sum */
	uint64_t		 wsent;		/* bytes written, ever */
	int			 eof;
};

/* Return codes of imsg_get() besides 0 (none yet) and 1 (got one). */
#define IMSG_ERR_PROTO	(-1)	/* bad length, oversize, fd mismatch */

int	 imsgbuf_init(struct imsgbuf *, int);
void	 imsgbuf_clear(struct imsgbuf *);
ssize_t	 imsg_read(struct imsgbuf *);
int	 imsg_get(struct imsgbuf *, struct imsg *);
void	 imsg_free(struct imsg *);
int	 imsg_compose(struct imsgbuf *, uint32_t, uint32_t, pid_t, int,
	    const void *, size_t);
int	 imsg_flush(struct imsgbuf *);
int	 imsg_write(struct imsgbuf *);
int	 imsg_flush_blocking(struct imsgbuf *);
const char *imsg_strerror(int);

/* libevent glue. */
struct imsgev;
typedef int	(*imsgev_dispatch_cb)(struct imsgev *, struct imsg *);
typedef void	(*imsgev_closed_cb)(struct imsgev *, const char *);

struct imsgev {
	struct imsgbuf		 ibuf;
	struct event		*ev;
	struct event_base	*base;
	short			 events;
	imsgev_dispatch_cb	 dispatch;
	imsgev_closed_cb	 closed;
	/* Optional: a last word on a protocol error, before the close. */
	void			(*on_error)(struct imsgev *, const char *);
	void			*arg;
	char			 name[32];
	int			 self;		/* ends, for the contract */
	int			 peer;
	int			 active;
	uint64_t		 nrecv;
	uint64_t		 nsent;
	size_t			 wqpeak;	/* most queued since trimmed */
};

int	 imsgev_init(struct imsgev *, struct event_base *, int, const char *,
	    int, int, imsgev_dispatch_cb, imsgev_closed_cb, void *);
int	 imsgev_compose(struct imsgev *, uint32_t, uint32_t, int,
	    const void *, size_t);
void	 imsgev_close(struct imsgev *);
void	 imsgev_flush_blocking(struct imsgev *);

/*
 * imsgev_init() takes the two ends (enum had_proc, or MSG_PEER_CTL):
 * every message read is checked against the message contract
 * (msg_contract.h) before the dispatch function sees it.
 */

/*
 * Payload checks for dispatchers: a message carries exactly one struct of
 * its type.  IMSG_EXPECT() fails (returns -1 from the dispatcher) and logs
 * when the size is wrong; the caller then closes the channel.
 */
int	 imsg_check_size(const struct imsg *, size_t, const char *);
int	 imsg_check_nofd(const struct imsg *, const char *);

#endif /* HAD_IMSG_H */
