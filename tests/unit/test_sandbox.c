/*
 * The real seccomp filters of vrrpd, lvsd and checkd (common/sandbox.c):
 * each attempt runs in a fresh process that installs one child's filter
 * and then tries one thing a compromised child would.  Refused means the
 * process dies by SIGSYS; what a child needs must still work.  The
 * report pipe (fd 4) must name the refused call for had's log.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "msg.h"
#include "sandbox.h"

#define OUTCOME_SIGSYS	-1	/* killed by the filter */
#define OUTCOME_DENIED	1	/* the call failed */
#define OUTCOME_DONE	0	/* the call worked */

enum attempt {
	TRY_EXECVE, TRY_PTRACE, TRY_KILL_OTHER, TRY_KILL_SELF,
	TRY_TGKILL_OTHER, TRY_PRLIMIT_OTHER, TRY_PRLIMIT_SELF,
	TRY_PACKET, TRY_RAW, TRY_UDP, TRY_NETLINK_GENERIC, TRY_UNIX,
	TRY_HDRINCL, TRY_HDRINCL_HIGH, TRY_IPV6_HDRINCL, TRY_UNSHARE,
	TRY_SETUID, TRY_MOUNT, TRY_SIGSYS_HANDLER, TRY_BPF, TRY_TIME,
	TRY_SO_REUSEADDR, TRY_TIOCSTI,
};

static int
attempt(enum attempt a, pid_t other, int udp, int udp6)
{
	struct rlimit	 rl;
	char		*argv[] = { "true", NULL };
	int		 on = 1, r = 0, fd;

	switch (a) {
	case TRY_EXECVE:
		execv("/bin/true", argv);
		return (OUTCOME_DENIED);
	case TRY_PTRACE:
		r = ptrace(PTRACE_ATTACH, other, NULL, NULL);
		break;
	case TRY_KILL_OTHER:
		r = kill(other, SIGCONT);
		break;
	case TRY_KILL_SELF:
		r = kill(getpid(), 0);
		break;
	case TRY_TGKILL_OTHER:
		r = syscall(SYS_tgkill, other, other, SIGCONT);
		break;
	case TRY_PRLIMIT_OTHER:
		rl.rlim_cur = rl.rlim_max = 0;
		r = prlimit(other, RLIMIT_NOFILE, &rl, NULL);
		break;
	case TRY_PRLIMIT_SELF:
		r = prlimit(0, RLIMIT_NOFILE, NULL, &rl);
		break;
	case TRY_PACKET:
		r = socket(AF_PACKET, SOCK_DGRAM, 0);
		break;
	case TRY_RAW:
		r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		break;
	case TRY_UDP:
		r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		break;
	case TRY_NETLINK_GENERIC:
		r = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
		break;
	case TRY_UNIX:
		r = socket(AF_UNIX, SOCK_DGRAM, 0);
		break;
	case TRY_HDRINCL:
		r = setsockopt(udp, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on));
		break;
	case TRY_HDRINCL_HIGH:
		/* The kernel reads an int: bits above 32 must not help. */
		r = syscall(SYS_setsockopt, udp, 0x100000000ULL | IPPROTO_IP,
		    0x700000000ULL | IP_HDRINCL, &on, sizeof(on));
		break;
	case TRY_IPV6_HDRINCL:
		r = setsockopt(udp6, IPPROTO_IPV6, 36, &on, sizeof(on));
		break;
	case TRY_UNSHARE:
		r = unshare(CLONE_NEWUSER);
		break;
	case TRY_SETUID:
		r = setuid(0);
		break;
	case TRY_MOUNT:
		r = mount("none", "/tmp", "tmpfs", 0, NULL);
		break;
	case TRY_SIGSYS_HANDLER:
		r = (signal(SIGSYS, SIG_IGN) == SIG_ERR) ? -1 : 0;
		break;
	case TRY_BPF:
		r = syscall(SYS_bpf, 0, NULL, 0);
		break;
	case TRY_SO_REUSEADDR:
		r = setsockopt(udp, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		break;
	case TRY_TIOCSTI:
		r = ioctl(udp, TIOCSTI, "x");
		break;
	case TRY_TIME:
		fd = (int)time(NULL);
		r = fd > 0 ? 0 : -1;
		break;
	}
	return (r == -1 ? OUTCOME_DENIED : OUTCOME_DONE);
}

/* Fork, install proc's filter, attempt; the outcome and the report. */
static int
run(enum had_proc proc, enum attempt a, struct sandbox_report *rep)
{
	pid_t		 pid, other;
	int		 p[2], st, udp, udp6;
	ssize_t		 n;

	memset(rep, 0, sizeof(*rep));
	/* A sibling stand-in to attack: it only waits to be killed. */
	if ((other = fork()) == 0) {
		pause();
		_exit(0);
	}
	cr_assert_gt(other, 0);
	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (dup2(p[1], HAD_SANDBOX_FD) == -1)
			_exit(100);
		udp = socket(AF_INET, SOCK_DGRAM, 0);
		udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
		if (sandbox_enter(proc) == -1)
			_exit(101);
		_exit(attempt(a, other, udp, udp6));
	}
	cr_assert_gt(pid, 0);
	close(p[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	n = read(p[0], rep, sizeof(*rep));
	if (n != (ssize_t)sizeof(*rep))
		memset(rep, 0, sizeof(*rep));
	close(p[0]);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		return (OUTCOME_SIGSYS);
	cr_assert(WIFEXITED(st), "attempt %d: status 0x%x", a, st);
	cr_assert_lt(WEXITSTATUS(st), 100, "attempt %d: set-up failed (%d)",
	    a, WEXITSTATUS(st));
	return (WEXITSTATUS(st));
}

static void
expect(enum had_proc proc, enum attempt a, int want, int nr)
{
	struct sandbox_report	 rep;
	int			 got = run(proc, a, &rep);

	cr_expect_eq(got, want, "%s attempt %d: outcome %d, expected %d",
	    proc_name(proc), a, got, want);
	if (want == OUTCOME_SIGSYS && nr != -1) {
		cr_expect_eq(rep.magic, SANDBOX_MAGIC,
		    "%s attempt %d: no report", proc_name(proc), a);
		cr_expect_eq(rep.nr, nr, "%s attempt %d: report names %d",
		    proc_name(proc), a, rep.nr);
	}
}

/* Refused in every child whatever the build. */
static void
expect_all_children(void)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		expect(p, TRY_KILL_OTHER, OUTCOME_SIGSYS, SYS_kill);
		expect(p, TRY_TGKILL_OTHER, OUTCOME_SIGSYS, SYS_tgkill);
		expect(p, TRY_PRLIMIT_OTHER, OUTCOME_SIGSYS, SYS_prlimit64);
		expect(p, TRY_UNSHARE, OUTCOME_SIGSYS, SYS_unshare);
		expect(p, TRY_SETUID, OUTCOME_SIGSYS, SYS_setuid);
		expect(p, TRY_MOUNT, OUTCOME_SIGSYS, SYS_mount);
		expect(p, TRY_BPF, OUTCOME_SIGSYS, SYS_bpf);
		expect(p, TRY_TIOCSTI, OUTCOME_SIGSYS, SYS_ioctl);
		/* rt_sigaction of SIGSYS is killed outright: no report. */
		expect(p, TRY_SIGSYS_HANDLER, OUTCOME_SIGSYS, -1);
#if !defined(__SANITIZE_ADDRESS__)
		expect(p, TRY_EXECVE, OUTCOME_SIGSYS, SYS_execve);
		expect(p, TRY_PTRACE, OUTCOME_SIGSYS, SYS_ptrace);
#else
		/* The sanitizer may not start its symbolizer either. */
		expect(p, TRY_EXECVE, OUTCOME_DENIED, -1);
		expect(p, TRY_PTRACE, OUTCOME_DENIED, -1);
#endif
		/* What every child does. */
		expect(p, TRY_KILL_SELF, OUTCOME_DONE, -1);
		expect(p, TRY_PRLIMIT_SELF, OUTCOME_DONE, -1);
		expect(p, TRY_TIME, OUTCOME_DONE, -1);
		/* syslog()'s reconnect fails quietly. */
		expect(p, TRY_UNIX, OUTCOME_DENIED, -1);
	}
}

Test(sandbox, every_child_refuses_the_dangerous_calls)
{
	expect_all_children();
}

Test(sandbox, checkd_sockets)
{
	expect(PROC_CHECK, TRY_UDP, OUTCOME_DONE, -1);
	expect(PROC_CHECK, TRY_RAW, OUTCOME_SIGSYS, SYS_socket);
	expect(PROC_CHECK, TRY_PACKET, OUTCOME_SIGSYS, SYS_socket);
	expect(PROC_CHECK, TRY_NETLINK_GENERIC, OUTCOME_SIGSYS, SYS_socket);
	/* A forged IP header on had's raw ICMP socket. */
	expect(PROC_CHECK, TRY_HDRINCL, OUTCOME_SIGSYS, SYS_setsockopt);
	expect(PROC_CHECK, TRY_HDRINCL_HIGH, OUTCOME_SIGSYS, SYS_setsockopt);
	expect(PROC_CHECK, TRY_IPV6_HDRINCL, OUTCOME_SIGSYS, SYS_setsockopt);
	expect(PROC_CHECK, TRY_SO_REUSEADDR, OUTCOME_DONE, -1);
}

Test(sandbox, lvsd_sockets)
{
	expect(PROC_LVS, TRY_NETLINK_GENERIC, OUTCOME_DONE, -1);
	expect(PROC_LVS, TRY_UDP, OUTCOME_DONE, -1);
	expect(PROC_LVS, TRY_PACKET, OUTCOME_SIGSYS, SYS_socket);
	expect(PROC_LVS, TRY_RAW, OUTCOME_SIGSYS, SYS_socket);
}

Test(sandbox, vrrpd_sockets)
{
	/* Creating them is allowed; CAP_NET_RAW is what makes them work. */
	expect(PROC_VRRP, TRY_UDP, OUTCOME_DONE, -1);
	expect(PROC_VRRP, TRY_NETLINK_GENERIC, OUTCOME_SIGSYS, SYS_socket);
}
