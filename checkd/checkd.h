/*
 * checkd: health checks and the scheduling of track scripts.
 */
#ifndef HAD_CHECKD_H
#define HAD_CHECKD_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>
#include <time.h>

#include "conf.h"

struct imsg;
struct event_base;

/* check_wheel.c: the timer of each check's next round. */
struct wheel_entry {
	TAILQ_ENTRY(wheel_entry)	 entry;
	uint64_t			 when;	/* ms, CLOCK_MONOTONIC */
	void				(*cb)(void *);
	void				*arg;
	int				 armed;
};
TAILQ_HEAD(wheel_list, wheel_entry);

void	check_wheel_init(struct event_base *);
void	check_clock(struct timespec *);
void	check_wheel_set(struct wheel_entry *, void (*)(void *), void *);
void	check_wheel_add(struct wheel_entry *, uint64_t);
void	check_wheel_del(struct wheel_entry *);
int	check_wheel_pending(const struct wheel_entry *);

struct track_script {
	TAILQ_ENTRY(track_script)	 entry;
	struct vrrp_script_conf		 c;
	struct event			*timer;
	uint32_t			 id;		/* of the running request */
	int				 running;
	int				 up;
	uint32_t			 successes;	/* in a row */
	uint32_t			 failures;	/* in a row */
	uint64_t			 runs;
	int32_t				 last_status;
	uint32_t			 last_duration_ms;
	int				 last_timed_out;
	time_t				 last_change;
	/* track_file: its number, 0 while unreadable; -1 unknown yet. */
	int				 file_state;
	int64_t				 value;
	char				 reason[HAD_REASONLEN];
};
TAILQ_HEAD(track_scripts, track_script);

/* check_script.c */
void	check_script_init(struct event_base *);
void	check_script_reconf(const struct had_conf *);
int	check_script_result(struct imsg *);
void	check_script_send_all(void);
int	check_track_file(struct imsg *);
int	check_track_file_get(const char *, int64_t *, int32_t *, int *);
int	check_script_ctl(uint32_t, const char *);
int	track_file_parse(const char *, size_t, int64_t *);
void	check_event(const char *, const char *, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));
void	check_track_send(const struct vrrp_script_conf *, int);

/* check_proc.c: vrrp_track_process. */
void	check_proc_init(struct event_base *);
void	check_proc_reconf(const struct had_conf *);
int	check_proc_fd(struct imsg *);
void	check_proc_send_all(void);
int	check_proc_ctl(uint32_t, const char *);
int	tproc_uses_cmdline(const struct vrrp_script_conf *);
int	tproc_match(const struct vrrp_script_conf *, const char *,
	    const char *, size_t);
int	tproc_quorum_ok(const struct vrrp_script_conf *, uint32_t);


/*
 * Health checks of real servers.
 */
struct check;
struct check_rs;
struct ssl_ctx_st;

/* One kind of check: start an attempt, release what it holds. */
struct check_type {
	const char	*name;
	int		 stream;	/* SOCK_STREAM, else datagram */
	int		 keep_socket;	/* reuse it: check_sock.c */
	void		(*start)(struct check *);
	void		(*cleanup)(struct check *);
	/* The deadline passed; NULL: a generic failure. */
	void		(*timeout)(struct check *);
};

/* A real server of a virtual server and the checks that judge it. */
struct check_rs {
	TAILQ_ENTRY(check_rs)	 entry;
	struct msg_lvs_id	 id;		/* identity */
	TAILQ_HEAD(, check)	 checks;
	int			 sent;		/* lvsd has been told */
	int			 smtp_alert;	/* mail its transitions */
	int			 witness;	/* check_witness.c's */
	int			 up;
	int32_t			 weight;
	char			 vs_str[80];
	char			 rs_str[64];
};
TAILQ_HEAD(check_rss, check_rs);

struct check {
	TAILQ_ENTRY(check)	 entry;		/* all checks */
	TAILQ_ENTRY(check)	 rs_entry;	/* checks of one real server */
	struct check_rs		*rs;
	const struct check_conf	*c;	/* in the running config */
	struct check_url_conf	*urls;
	size_t			 nurls;
	const struct check_type	*type;
	const char		*vhost;	/* vs default, in the config */

	union {				/* not a sockaddr_storage: 100 */
		struct sockaddr		sa;	/* bytes less a check */
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	}			 dst;
	socklen_t		 dstlen;
	char			 dst_str[64];

	/* Scheduling and state. */
	struct wheel_entry	 timer;		/* next attempt */
	struct event		*tmo;		/* attempt deadline */
	int			 fd;
	/* check_poll.c: the wait on fd. */
	void			(*poll_cb)(int, short, void *);
	short			 poll_what;
	int			 poll_armed;	/* one-shot not reported yet */
	int			 poll_fd;	/* in the set under this number */
	int			 keep_fd;	/* idle, reset, for the next */
	int			 running;
	int			 retrying;	/* the timer retries */
	uint32_t		 tries;		/* attempts in this round */
	struct timespec		 round_start;
	struct timespec		 planned;	/* start of the next round */
	struct timespec		 att_start;
	struct timespec		 answered;	/* before the close; 0: not */
	int			 up;
	int			 connected;
	uint32_t		 successes;	/* rounds in a row */
	uint32_t		 failures;
	uint64_t		 rounds;
	uint32_t		 latency_ms;
	int32_t			 weight;	/* misc_dynamic, else -1 */
	uint32_t		 rs_weight;	/* configured: FILE_CHECK */
	int			 bfd_state;	/* BFD_CHECK: -1 unknown */
	time_t			 last_change;
	char			 reason[HAD_REASONLEN];
	uint32_t		 script_id;
	char			*misc_name;	/* MISC_CHECK: conf_misc_name */

	/* PING_CHECK: identifier of the check, sequence of the attempt. */
	uint64_t		 ping_cookie;
	uint16_t		 ping_id;
	uint16_t		 ping_seq;
	int			 ping_have_id;

	/* Per-attempt state of the check type. */
	void			*priv;
};
TAILQ_HEAD(checks, check);

/* check_mail.c */
void	 check_mail_init(struct event_base *);
void	 check_mail_reconf(const struct had_conf *);
int	 check_mail_rs_wanted(const struct rs_conf *);
int	 check_mail_msg(struct imsg *);
void	 check_mail_rs(const char *, const char *, int, const char *);
void	 check_mail_shutdown(void);

/* check_passive.c: BFD_CHECK and FILE_CHECK. */
int	 check_bfd_msg(struct imsg *);
void	 check_bfd_query(int);

/* check_sched.c */
void	 check_init_privileged(void);
int	 check_ssl_init(void);
const char *check_ssl_errstr(void);
int	 check_passive_update(uint32_t, const char *, int);
socklen_t check_sockaddr(const struct conf_addr *, uint16_t,
	    struct sockaddr_storage *);
void	 check_init(struct event_base *);
void	 check_reconf(const struct had_conf *);
void	 check_send_all(void);
int	 check_ctl(struct imsg *);
int	 check_misc_result(struct imsg *);
void	 check_shutdown(void);
void	 check_result(struct check *, int, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));
int	 check_connect(struct check *, int);
struct check *check_new(const struct conf_vs *, const struct conf_rs *,
	    const struct conf_check *);
void	 check_free(struct check *);
void	 check_schedule_first(struct check *);
void	 check_release(struct check *);

/* check_poll.c */
void	 check_poll_init(struct event_base *);
void	 check_want(struct check *, short, void (*)(int, short, void *));
void	 check_unwant(struct check *);
int	 check_poll_drain(void);
size_t	 check_poll_waiting(void);
void	 check_poll_park(int);
int	 check_poll_parked(void);
void	 check_poll_closed(struct check *);

/* check_sock.c */
void	 check_sock_init(void);
int	 check_sock_reset(int);
void	 check_sock_take(void);
void	 check_sock_close(int);
void	 check_sock_budget(size_t);
size_t	 check_sock_kept(void);
int	 check_connect_done(struct check *);
const char *check_errstr(int, int);
const char *check_secs(uint32_t, char *, size_t);
uint32_t check_elapsed(const struct check *);
int	 check_hex_decode(const char *, uint8_t *, size_t);
extern struct event_base	*check_base;
extern struct ssl_ctx_st	*check_ssl_ctx, *check_ssl_ctx_verify;

/* check_suspend.c: ha_suspend, from what lvsd says. */
struct msg_ctl_check;
struct msg_vs_presence;
int	 check_suspend_valid(const struct msg_vs_presence *);
int	 check_suspend_msg(struct imsg *);
void	 check_suspend_reconf(const struct had_conf *);
int	 check_suspend_skip(struct check *);
void	 check_suspend_row(const struct check *, struct msg_ctl_check *);
void	 check_suspend_shutdown(void);

/* check_witness.c: vrrp instances' witnesses. */
void	 check_witness_reconf(const struct had_conf *);
void	 check_witness_result(struct check *, int);
void	 check_witness_send_all(void);
void	 check_witness_shutdown(void);

/* check_tcp.c */
extern const struct check_type	check_type_tcp;

/* check_http.c: HTTP_GET and SSL_GET, and the response parser. */
extern const struct check_type	check_type_http;
extern const struct check_type	check_type_ssl;

enum http_pstate {
	HTTP_P_STATUS = 0, HTTP_P_HEADERS, HTTP_P_BODY_LEN, HTTP_P_BODY_EOF,
	HTTP_P_CHUNK_SIZE, HTTP_P_CHUNK_DATA, HTTP_P_CHUNK_END,
	HTTP_P_TRAILERS, HTTP_P_DONE, HTTP_P_ERROR
};
#define HTTP_LINE_MAX		1024
#define HTTP_BODY_MAX		(64ULL << 20)
#define HTTP_PARSE_ERR		(-1)
#define HTTP_PARSE_MORE		0
#define HTTP_PARSE_DONE		1

struct http_parser {
	int		 state;
	int		 status;	/* of the final response */
	int		 head_only;	/* done after the headers */
	int		 chunked;
	int64_t		 content_length;	/* -1: none */
	uint64_t	 remaining;	/* of the body or the chunk */
	uint64_t	 body_len;
	size_t		 linelen;
	int		 overflow;	/* skipping an over-long header */
	char		 line[HTTP_LINE_MAX];
	const char	*error;
	void		(*body)(void *, const uint8_t *, size_t);
	void		*arg;
};
void	 http_parser_init(struct http_parser *, int,
	    void (*)(void *, const uint8_t *, size_t), void *);
int	 http_parse(struct http_parser *, const uint8_t *, size_t);
int	 http_parse_eof(struct http_parser *);
int	 http_status_line(const char *, int *);
int	 http_status_ok(const struct check_url_conf *, int);

/* check_ping.c: PING_CHECK over the raw sockets had passes. */
extern const struct check_type	check_type_ping;
int	 check_ping_fd(struct imsg *);
void	 check_ping_shutdown(void);

/* check_udp.c */
extern const struct check_type	check_type_udp;

/* check_dns.c: DNS_CHECK, and query building and reply parsing. */
extern const struct check_type	check_type_dns;
#define DNS_RCODE_NONE	(-1)
struct dns_reply {
	int		 rcode;
	unsigned int	 ancount;
	unsigned int	 matching;	/* answers of the asked type */
	const char	*error;
};
uint16_t dns_qtype(uint32_t);
size_t	 dns_query_build(uint8_t *, size_t, uint16_t, const char *,
	    uint16_t);
int	 dns_reply_parse(const uint8_t *, size_t, const uint8_t *, size_t,
	    struct dns_reply *);
const char *dns_rcode_name(int);

/* check_smtp.c: SMTP_CHECK, and the reply parser. */
extern const struct check_type	check_type_smtp;
extern const struct check_type	check_type_bfd;
extern const struct check_type	check_type_file;
#define SMTP_LINE_MAX	1024
int	 smtp_reply_parse(const uint8_t *, size_t, int *, size_t *,
	    const char **);

#endif /* HAD_CHECKD_H */
