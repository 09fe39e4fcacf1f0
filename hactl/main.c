/*
 * hactl: query and steer a running had over its control socket.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_misc.h"
#include "hactl.h"
#include "imsg.h"
#include "msg.h"
#include "msg_contract.h"

#define HACTL_TIMEOUT_MS	30000

static struct imsgbuf	 ibuf;

/* How long a request may wait for had; hactl serve shortens it. */
int			 hactl_timeout_ms = HACTL_TIMEOUT_MS;
/* The last error, for hactl serve; -j prints it as a JSON document. */
char			 hactl_lasterr[256];
int			 hactl_errmode;

/* drain --wait: the real server whose active connections are counted. */
static const char	*wait_rs;
static uint64_t		 wait_active;

/*
 * An error: "hactl: ..." on stderr, or with -j one JSON document on
 * stdout, or for hactl serve only kept in hactl_lasterr.  Returns 1.
 */
int
hactl_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(hactl_lasterr, sizeof(hactl_lasterr), fmt, ap);
	va_end(ap);
	if (hactl_errmode == HACTL_ERR_JSON) {
		printf("{\"schema\": %d, \"error\": ", HACTL_SCHEMA);
		json_string(stdout, hactl_lasterr);
		printf("}\n");
		fflush(stdout);
	} else if (hactl_errmode == HACTL_ERR_TEXT)
		fprintf(stderr, "hactl: %s\n", hactl_lasterr);
	return (1);
}

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr,
	    "usage: hactl [-j] [-s socket] command [argument ...]\n"
	    "commands:\n"
	    "  show procs              processes, users, capabilities, restarts\n"
	    "  show vrrp [name]        VRRP instances\n"
	    "  show lvs                virtual and real servers\n"
	    "  show checks             health checks\n"
	    "  show bfd [name]         BFD sessions\n"
	    "  show metrics            Prometheus text format\n"
	    "  reload [vrrp|lvs|check|bfd] re-read the configuration\n"
	    "  log verbose|brief       change the log level of every process\n"
	    "  drain VS RS [--wait [SECONDS]]\n"
	    "                          weight 0 for real server RS of VS\n"
	    "  undrain VS RS           its weight back\n"
	    "  show history [N]        the last N events (1000 kept)\n"
	    "  events                  new events as they come, until ^C\n"
	    "  maintenance on|off [instance|group]\n"
	    "                          hand over and stay backup, or come back\n"
	    "  serve [-c ms] [-d dir] [-l addr:port] [-u user] [-w tokenfile]\n"
	    "                          HTTP: /metrics, /api/v1, status page\n");
	exit(2);
}

int
hactl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		hactl_err("%s: socket path too long", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		hactl_err("socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EACCES || errno == EPERM)
			hactl_err("%s: permission denied (root or group _had "
			    "needed)", path);
		else
			hactl_err("cannot connect to had at %s: %s (is had "
			    "running?)", path, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

int
hactl_run(int fd, uint32_t type, const void *req, size_t reqlen, int json,
    int metrics)
{
	struct imsg		 imsg;
	struct hactl_out	 out;
	struct msg_ctl_proc	 row;
	struct msg_ctl_vrrp	 vrow;
	struct msg_ctl_lvs	 lrow;
	struct msg_ctl_check	 crow;
	struct msg_ctl_bfd	 brow;
	struct msg_ctl_event	 erow;
	struct msg_ctl_track	 trow;
	struct msg_ctl_vrrp_track vtracks[HACTL_VRRP_TRACKS];
	size_t			 nvtracks = 0;
	struct msg_ctl_text	 text;
	struct msg_ctl_end	 end;
	struct pollfd		 pfd;
	char			 why[160];
	ssize_t			 n;
	int			 r, started = 0;

	if (imsgbuf_init(&ibuf, fd) == -1 ||
	    imsg_compose(&ibuf, type, 0, 0, -1, req, reqlen) == -1 ||
	    imsg_flush_blocking(&ibuf) == -1) {
		return (hactl_err("sending the request: %s",
		    strerror(errno)));
	}
	memset(&out, 0, sizeof(out));
	out.json = json;
	out.metrics = metrics;
	out.stream = type == IMSG_CTL_EVENTS;
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((r = poll(&pfd, 1, out.stream ? -1 :
		    hactl_timeout_ms)) == -1) {
			if (errno == EINTR)
				continue;
			return (hactl_err("poll: %s", strerror(errno)));
		}
		if (r == 0) {
			return (hactl_err("no answer from had within %d ms",
			    hactl_timeout_ms));
		}
		if ((n = imsg_read(&ibuf)) == -1 && errno != EAGAIN) {
			return (hactl_err("read: %s", strerror(errno)));
		}
		while ((r = imsg_get(&ibuf, &imsg)) == 1) {
			if (msg_contract_check(&imsg, PROC_PARENT,
			    MSG_PEER_CTL, why, sizeof(why)) == -1) {
				imsg_free(&imsg);
				return (hactl_err("had: %s", why));
			}
			switch (imsg.hdr.type) {
			case IMSG_CTL_PROC:
				if (imsg.datalen != sizeof(row))
					goto bad;
				memcpy(&row, imsg.data, sizeof(row));
				row.name[sizeof(row.name) - 1] = '\0';
				row.user[sizeof(row.user) - 1] = '\0';
				row.root[sizeof(row.root) - 1] = '\0';
				row.last_exit[sizeof(row.last_exit) - 1] = '\0';
				if (metrics) {
					metrics_add_proc(&row);
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_proc(&out, &row);
				break;
			case IMSG_CTL_VRRP:
				if (imsg.datalen != sizeof(vrow))
					goto bad;
				memcpy(&vrow, imsg.data, sizeof(vrow));
				if (metrics) {
					metrics_add_vrrp(&vrow);
					nvtracks = 0;
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_vrrp(&out, &vrow, vtracks, nvtracks);
				nvtracks = 0;
				break;
			case IMSG_CTL_VRRP_TRACK:
				/* Before the row of their instance. */
				if (imsg.datalen != sizeof(vtracks[0]))
					goto bad;
				if (nvtracks == HACTL_VRRP_TRACKS)
					break;
				memcpy(&vtracks[nvtracks], imsg.data,
				    sizeof(vtracks[0]));
				vrrp_track_terminate(&vtracks[nvtracks]);
				if (metrics)
					metrics_add_vrrp_track(
					    &vtracks[nvtracks]);
				nvtracks++;
				break;
			case IMSG_CTL_TRACK:
				if (imsg.datalen != sizeof(trow))
					goto bad;
				memcpy(&trow, imsg.data, sizeof(trow));
				track_terminate(&trow);
				if (metrics) {
					metrics_add_track(&trow);
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_track(&out, &trow);
				break;
			case IMSG_CTL_CHECK:
				if (imsg.datalen != sizeof(crow))
					goto bad;
				memcpy(&crow, imsg.data, sizeof(crow));
				if (metrics) {
					metrics_add_check(&crow);
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_check(&out, &crow);
				break;
			case IMSG_CTL_BFD:
				if (imsg.datalen != sizeof(brow))
					goto bad;
				memcpy(&brow, imsg.data, sizeof(brow));
				if (metrics) {
					metrics_add_bfd(&brow);
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_bfd(&out, &brow);
				break;
			case IMSG_CTL_LVS:
				if (imsg.datalen != sizeof(lrow))
					goto bad;
				memcpy(&lrow, imsg.data, sizeof(lrow));
				if (wait_rs != NULL) {
					lrow.real[sizeof(lrow.real) - 1] = '\0';
					if (lrow.kind == LVS_ROW_REAL &&
					    lrow.drained &&
					    strcmp(lrow.real, wait_rs) == 0)
						wait_active +=
						    lrow.active_conns;
					break;
				}
				if (metrics) {
					metrics_add_lvs(&lrow);
					break;
				}
				if (!started++)
					out_begin(&out, type);
				out_lvs(&out, &lrow);
				break;
			case IMSG_CTL_EVENT:
				memcpy(&erow, imsg.data, sizeof(erow));
				if (!started++ && !out.stream)
					out_begin(&out, type);
				out_event(&out, &erow);
				break;
			case IMSG_CTL_TEXT:
				if (imsg.datalen != sizeof(text))
					goto bad;
				memcpy(&text, imsg.data, sizeof(text));
				text.text[sizeof(text.text) - 1] = '\0';
				if (metrics || wait_rs != NULL)
					break;
				/* Notes go aside when the output is JSON. */
				fprintf(text.level || json ? stderr : stdout,
				    "%s\n", text.text);
				break;
			case IMSG_CTL_END:
				if (imsg.datalen != sizeof(end))
					goto bad;
				memcpy(&end, imsg.data, sizeof(end));
				end.message[sizeof(end.message) - 1] = '\0';
				imsg_free(&imsg);
				if (metrics)
					return (end.status != 0);
				if (end.status != 0) {
					if (started)
						out_finish(&out, type);
					return (hactl_err("%s", end.message[0] ?
					    end.message : "request failed"));
				}
				if (wait_rs != NULL)
					return (0);
				if (type == IMSG_CTL_RELOAD ||
				    type == IMSG_CTL_LOG ||
				    type == IMSG_CTL_DRAIN ||
				    type == IMSG_CTL_MAINT) {
					if (json)
						out_result(end.message);
					else if (end.message[0])
						printf("%s\n", end.message);
				} else {
					if (!started)
						out_begin(&out, type);
					out_finish(&out, type);
				}
				return (0);
			default:
				goto bad;
			}
			imsg_free(&imsg);
		}
		if (r == IMSG_ERR_PROTO) {
			return (hactl_err("malformed answer from had"));
		}
		if (n == 0) {
			return (hactl_err("had closed the connection"));
		}
	}
 bad:
	imsg_free(&imsg);
	return (hactl_err("unexpected answer (type %u) from had",
	    imsg.hdr.type));
}

/* After hactl_run: its buffer freed, the connection closed unless -1. */
void
hactl_finish(int fd)
{
	imsgbuf_clear(&ibuf);
	if (fd != -1)
		close(fd);
}

/*
 * One request per part; a part whose process is down is marked failed.
 * hactl serve writes the same to its /metrics.
 */
int
hactl_metrics(const char *sock, FILE *f)
{
	static const uint32_t	 types[] = { IMSG_CTL_SHOW_PROCS,
	    IMSG_CTL_SHOW_VRRP, IMSG_CTL_SHOW_LVS, IMSG_CTL_SHOW_CHECKS,
	    IMSG_CTL_SHOW_BFD };
	struct msg_ctl_req	 req;
	size_t			 i;
	int			 fd;

	memset(&req, 0, sizeof(req));
	metrics_reset();
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if ((fd = hactl_connect(sock)) == -1)
			return (1);
		if (hactl_run(fd, types[i], &req, sizeof(req), 0, 1) != 0)
			metrics_failed(i);
		imsgbuf_clear(&ibuf);
		close(fd);
	}
	metrics_print(f);
	return (0);
}

/*
 * drain --wait: the active connections left on the drained real server,
 * polled once a second until none or `secs' have passed.
 */
static int
hactl_drain_wait(const char *sock, const char *rs, long secs)
{
	struct msg_ctl_req	 req;
	struct msg_lvs_id	 id;
	struct timespec		 t0, now;
	char			 name[64], why[160];
	int			 fd;

	if (conf_drain_parse("0.0.0.0:1", rs, &id, why, sizeof(why)) == -1)
		return (1);
	conf_addr_port(id.rs_af, id.rs_addr, id.rs_port, name, sizeof(name));
	wait_rs = name;
	memset(&req, 0, sizeof(req));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		wait_active = 0;
		if ((fd = hactl_connect(sock)) == -1)
			return (1);
		if (hactl_run(fd, IMSG_CTL_SHOW_LVS, &req, sizeof(req), 0,
		    0) != 0) {
			imsgbuf_clear(&ibuf);
			close(fd);
			return (1);
		}
		imsgbuf_clear(&ibuf);
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait_active == 0 || now.tv_sec - t0.tv_sec >= secs)
			break;
		sleep(1);
	}
	if (hactl_errmode == HACTL_ERR_JSON) {
		printf("{\"schema\": %d, \"kind\": \"drain_wait\", "
		    "\"real_server\": ", HACTL_SCHEMA);
		json_string(stdout, name);
		printf(", \"active_conns\": %llu}\n",
		    (unsigned long long)wait_active);
	} else
		printf("%llu active connections left on %s\n",
		    (unsigned long long)wait_active, name);
	return (wait_active != 0);
}

int
main(int argc, char *argv[])
{
	struct msg_ctl_drain	 drain;
	struct msg_ctl_req	 req;
	const char		*sock = RUNDIR "/had.sock";
	uint32_t		 type;
	long			 wait_secs = 300, n;
	char			*end;
	int			 ch, json = 0, i, j, fd, r;

	/* -j may also come after the command, as in `hactl show vrrp -j`. */
	for (i = 1, j = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") == 0 && i > 1 &&
		    argv[i - 1][0] != '-')
			json = 1;
		else
			argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;
	while ((ch = getopt(argc, argv, "+js:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	hactl_errmode = json ? HACTL_ERR_JSON : HACTL_ERR_TEXT;
	if (strcmp(argv[0], "serve") == 0)
		return (serve_main(argc, argv, sock));

	memset(&req, 0, sizeof(req));
	if (strcmp(argv[0], "show") == 0) {
		if (argc < 2)
			usage();
		if (strcmp(argv[1], "procs") == 0 && argc == 2)
			type = IMSG_CTL_SHOW_PROCS;
		else if (strcmp(argv[1], "vrrp") == 0 && argc <= 3) {
			type = IMSG_CTL_SHOW_VRRP;
			if (argc == 3 && strlcpy(req.name, argv[2],
			    sizeof(req.name)) >= sizeof(req.name)) {
				fprintf(stderr, "hactl: name too long\n");
				return (2);
			}
		} else if (strcmp(argv[1], "lvs") == 0 && argc == 2)
			type = IMSG_CTL_SHOW_LVS;
		else if (strcmp(argv[1], "checks") == 0 && argc == 2)
			type = IMSG_CTL_SHOW_CHECKS;
		else if (strcmp(argv[1], "bfd") == 0 && argc <= 3) {
			type = IMSG_CTL_SHOW_BFD;
			if (argc == 3 && strlcpy(req.name, argv[2],
			    sizeof(req.name)) >= sizeof(req.name)) {
				fprintf(stderr, "hactl: name too long\n");
				return (2);
			}
		}
		else if (strcmp(argv[1], "metrics") == 0 && argc == 2)
			return (hactl_metrics(sock, stdout));
		else if (strcmp(argv[1], "history") == 0 && argc <= 3) {
			type = IMSG_CTL_SHOW_HISTORY;
			if (argc == 3 && ((n = strtol(argv[2], &end, 10)) <= 0 ||
			    *end != '\0' || n > 1000))
				usage();
			req.arg = argc == 3 ? n : 0;
		}
		else
			usage();
	} else if (strcmp(argv[0], "reload") == 0) {
		type = IMSG_CTL_RELOAD;
		if (argc == 1)
			req.arg = CTL_RELOAD_ALL;
		else if (argc == 2 && strcmp(argv[1], "vrrp") == 0)
			req.arg = CTL_RELOAD_VRRP;
		else if (argc == 2 && strcmp(argv[1], "lvs") == 0)
			req.arg = CTL_RELOAD_LVS;
		else if (argc == 2 && strcmp(argv[1], "check") == 0)
			req.arg = CTL_RELOAD_CHECK;
		else if (argc == 2 && strcmp(argv[1], "bfd") == 0)
			req.arg = CTL_RELOAD_BFD;
		else
			usage();
	} else if (strcmp(argv[0], "log") == 0 && argc == 2) {
		type = IMSG_CTL_LOG;
		if (strcmp(argv[1], "verbose") == 0)
			req.arg = 1;
		else if (strcmp(argv[1], "brief") == 0)
			req.arg = 0;
		else
			usage();
	} else if (strcmp(argv[0], "events") == 0 && argc == 1) {
		type = IMSG_CTL_EVENTS;
	} else if (strcmp(argv[0], "maintenance") == 0 && argc >= 2 &&
	    argc <= 3) {
		type = IMSG_CTL_MAINT;
		if (strcmp(argv[1], "on") == 0)
			req.arg = 1;
		else if (strcmp(argv[1], "off") == 0)
			req.arg = 0;
		else
			usage();
		if (argc == 3 && strlcpy(req.name, argv[2],
		    sizeof(req.name)) >= sizeof(req.name)) {
			fprintf(stderr, "hactl: name too long\n");
			return (2);
		}
	} else if ((strcmp(argv[0], "drain") == 0 && argc >= 3 &&
	    argc <= 5) || (strcmp(argv[0], "undrain") == 0 && argc == 3)) {
		memset(&drain, 0, sizeof(drain));
		drain.req.arg = argv[0][0] == 'd';
		if (argc >= 4 && strcmp(argv[3], "--wait") != 0)
			usage();
		if (argc == 5 && ((wait_secs = strtol(argv[4], &end, 10)) <= 0 ||
		    *end != '\0' || wait_secs > 86400))
			usage();
		if (strlcpy(drain.req.name, argv[1], sizeof(drain.req.name)) >=
		    sizeof(drain.req.name) || strlcpy(drain.rs, argv[2],
		    sizeof(drain.rs)) >= sizeof(drain.rs)) {
			fprintf(stderr, "hactl: name too long\n");
			return (2);
		}
		if ((fd = hactl_connect(sock)) == -1)
			return (1);
		r = hactl_run(fd, IMSG_CTL_DRAIN, &drain, sizeof(drain), json,
		    0);
		imsgbuf_clear(&ibuf);
		close(fd);
		if (r == 0 && argc >= 4)
			r = hactl_drain_wait(sock, argv[2], wait_secs);
		return (r);
	} else
		usage();

	if ((fd = hactl_connect(sock)) == -1)
		return (1);
	r = hactl_run(fd, type, &req, sizeof(req), json, 0);
	imsgbuf_clear(&ibuf);
	close(fd);
	return (r);
}
