/*
 * TCP_CHECK: a connection that completes is a pass.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>

#include <event.h>

#include "checkd.h"

static void
tcp_connected(int fd, short ev, void *arg)
{
	struct check	*ck = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		check_result(ck, 0, "%s", check_errstr(err, 0));
		return;
	}
	check_result(ck, 1, "connected in %u ms", check_elapsed(ck));
}

static void
tcp_start(struct check *ck)
{
	if (check_connect(ck, SOCK_STREAM) == -1)
		return;
	switch (check_connect_done(ck)) {
	case 1:
		check_result(ck, 1, "connected in %u ms", check_elapsed(ck));
		return;
	case -1:
		return;
	}
	check_want(ck, EV_WRITE, tcp_connected);
}

const struct check_type check_type_tcp = {
	.name = "TCP_CHECK",
	.stream = 1,
	.keep_socket = 1,
	.start = tcp_start,
};
