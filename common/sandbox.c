/*
 * A seccomp-bpf allowlist per child, built with libseccomp after the
 * child has dropped its privileges and opened what it needs at start-up.
 * OpenSSH's sandbox-seccomp-filter and OpenBSD's pledge are the models:
 * every system call not listed is refused, and so are the listed ones
 * whose arguments would reach outside the process (kill and prlimit of
 * another pid, a socket of a family the child does not use, IP_HDRINCL).
 *
 * A call not on the list traps (SIGSYS) into a handler that writes the
 * call's number to a pipe had reads when it reaps the child, then makes a
 * call the filter answers with SECCOMP_RET_KILL_PROCESS: the child dies
 * by SIGSYS and had logs the call by name.  The handler cannot be
 * replaced (rt_sigaction of SIGSYS is that killing call) nor dodged (a
 * blocked SIGSYS is forced to its default action, death), so the trap
 * only adds the report; the refused call never runs.
 *
 * Arguments compared with EQ are 64 bits wide while the kernel reads an
 * int: a value with garbage above bit 31 matches no allow rule and traps.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <linux/netlink.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "proc.h"
#include "sandbox.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA	0x53564d41
#endif

/* Every child: memory, time, events, the channels it already holds. */
static const char *const sandbox_base[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"close", "fstat", "newfstatat", "statx", "lseek", "openat",
	"fcntl", "dup", "dup3", "pipe2", "eventfd2",
	"mmap", "munmap", "mprotect", "mremap", "madvise", "brk",
	"rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getresuid", "getresgid", "getgroups", "capget",
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
	"gettimeofday", "time", "times", "getrusage", "sysinfo", "uname",
	"getcpu", "sched_getaffinity", "sched_yield",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"poll", "ppoll", "select", "pselect6",
	"timerfd_create", "timerfd_settime", "timerfd_gettime",
	"sendmsg", "recvmsg", "sendto", "recvfrom", "sendmmsg", "recvmmsg",
	"getsockopt", "getsockname", "getpeername", "shutdown",
	"getrandom", "futex", "rseq", "restart_syscall",
	"exit", "exit_group", "bind", "connect",
	NULL
};

#if defined(__SANITIZE_ADDRESS__)
/*
 * The ASan+UBSan runtime: reading its own maps, symbolising a report.
 * It may not start a symbolizer: fork and exec fail with EPERM below,
 * the report comes out unsymbolised rather than not at all.
 */
static const char *const sandbox_san[] = {
	"readlink", "readlinkat", "getdents64", "access", "faccessat",
	"mincore", "msync", "wait4", "sched_getparam", "getrlimit",
	"setrlimit", "pipe", NULL
};
static const char *const sandbox_san_eperm[] = {
	"execve", "execveat", "clone", "clone3", "fork", "vfork", "ptrace",
	NULL
};
#endif

static void
sandbox_sigsys(int sig, siginfo_t *si, void *ctx)
{
	struct sandbox_report	 r;

	memset(&r, 0, sizeof(r));
	r.magic = SANDBOX_MAGIC;
	r.arch = si->si_arch;
	r.nr = si->si_syscall;
	(void)write(HAD_SANDBOX_FD, &r, sizeof(r));
	/* The filter kills the process for this one. */
	(void)syscall(SYS_rt_sigaction, SIGSYS, NULL, NULL, sizeof(sigset_t));
	_exit(128 + SIGSYS);	/* not reached */
}

static int
sandbox_allow(scmp_filter_ctx ctx, const char *const *names)
{
	int	 nr;

	for (; *names != NULL; names++) {
		/* A call this architecture does not have needs no rule. */
		if ((nr = seccomp_syscall_resolve_name(*names)) ==
		    __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0) {
			log_warnx("sandbox: rule for %s", *names);
			return (-1);
		}
	}
	return (0);
}

/* A rule libseccomp refuses is a bug here: say which. */
#define RULE_ADD(...)	sandbox_rule_check(__LINE__, \
			    seccomp_rule_add(__VA_ARGS__))

static int
sandbox_rule_check(int line, int r)
{
	if (r < 0)
		log_warnx("sandbox: rule at sandbox.c:%d: %s", line,
		    strerror(-r));
	return (r);
}

static int
sandbox_rules(scmp_filter_ctx ctx, enum had_proc proc, pid_t self)
{
	static const int prctl_ok[] = {
		PR_SET_NAME, PR_GET_NAME, PR_CAPBSET_READ,
		PR_GET_NO_NEW_PRIVS, PR_GET_DUMPABLE, PR_GET_SECCOMP,
		PR_SET_VMA,
	};
	static const int kill_ok[] = { SCMP_SYS(kill), SCMP_SYS(tkill) };
	static const unsigned long ioctl_ok[] = {
		TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, FIONCLEX, FIOCLEX,
	};
	static const int level_ok[] = {
		SOL_SOCKET, IPPROTO_TCP, IPPROTO_UDP, SOL_RAW, IPPROTO_ICMPV6,
	};
	static const struct { int level, opt; } ip_ok[] = {
		{ IPPROTO_IP, IP_TOS }, { IPPROTO_IP, IP_TTL },
		{ IPPROTO_IP, IP_RECVERR }, { IPPROTO_IP, IP_MTU_DISCOVER },
		{ IPPROTO_IP, IP_PKTINFO }, { IPPROTO_IP, IP_RECVTTL },
		{ IPPROTO_IP, IP_FREEBIND }, { IPPROTO_IP,
		    IP_BIND_ADDRESS_NO_PORT },
		{ IPPROTO_IPV6, IPV6_V6ONLY }, { IPPROTO_IPV6,
		    IPV6_UNICAST_HOPS },
		{ IPPROTO_IPV6, IPV6_RECVERR }, { IPPROTO_IPV6, IPV6_TCLASS },
		{ IPPROTO_IPV6, IPV6_MTU_DISCOVER }, { IPPROTO_IPV6,
		    IPV6_RECVPKTINFO },
		{ IPPROTO_IPV6, IPV6_RECVHOPLIMIT },
	};
	size_t	 i;
	int	 r = 0;

	if (sandbox_allow(ctx, sandbox_base) == -1)
		return (-1);

	/* Signals and limits: this process only, never a sibling. */
	for (i = 0; i < sizeof(kill_ok) / sizeof(kill_ok[0]); i++)
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, kill_ok[i], 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self));
	r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self));
	r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1,
	    SCMP_A0(SCMP_CMP_EQ, 0));
	r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self));

	/* Handlers for the signals below SIGSYS; SIGSYS's kills. */
	r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1,
	    SCMP_A0(SCMP_CMP_LT, SIGSYS));
	r |= RULE_ADD(ctx, SCMP_ACT_KILL_PROCESS,
	    SCMP_SYS(rt_sigaction), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, SIGSYS));

	for (i = 0; i < sizeof(prctl_ok) / sizeof(prctl_ok[0]); i++)
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctl_ok[i]));

	/*
	 * Interface ioctls (SIOC*, 0x89xx) and a few harmless ones: no
	 * typing into a terminal had may have left on stderr (TIOCSTI).
	 */
	r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)0xff, 0x8900));
	for (i = 0; i < sizeof(ioctl_ok) / sizeof(ioctl_ok[0]); i++)
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, ioctl_ok[i]));

	/*
	 * Socket options: vrrpd's and lvsd's sockets are their own; bfdd
	 * needs no more than checkd (TTL, hop limit and their reception).
	 * checkd's ICMP sockets are had's raw ones: it sets the options
	 * it needs and never IP_HDRINCL, IPV6_HDRINCL or IP_OPTIONS (a
	 * forged IP header, source routing), which trap as unlisted.
	 */
	if (proc != PROC_CHECK && proc != PROC_BFD)
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 0);
	else {
		for (i = 0; i < sizeof(level_ok) / sizeof(level_ok[0]); i++)
			r |= RULE_ADD(ctx, SCMP_ACT_ALLOW,
			    SCMP_SYS(setsockopt), 1,
			    SCMP_A1(SCMP_CMP_EQ, level_ok[i]));
		for (i = 0; i < sizeof(ip_ok) / sizeof(ip_ok[0]); i++)
			r |= RULE_ADD(ctx, SCMP_ACT_ALLOW,
			    SCMP_SYS(setsockopt), 2,
			    SCMP_A1(SCMP_CMP_EQ, ip_ok[i].level),
			    SCMP_A2(SCMP_CMP_EQ, ip_ok[i].opt));
	}

	/* glibc's syslog() reconnects to /dev/log: refused, not fatal. */
	r |= RULE_ADD(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket),
	    1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	switch (proc) {
	case PROC_VRRP:
		/* Adverts per interface, ARP and neighbour advertisements. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET6));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, AF_PACKET));
		/* getifaddrs(): reading addresses, no CAP_NET_ADMIN. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
		    SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE));
		break;
	case PROC_LVS:
		/* rtnetlink and IPVS's generic netlink. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, AF_NETLINK));
		/* if_nametoindex() and the like: a datagram for ioctl. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET6),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		break;
	case PROC_CHECK:
		/* vrrp_track_process: the scan of had's copy of /proc. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getdents64), 0);
		/* TCP and UDP checks; no raw socket (the ping one is had's). */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET6),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET6),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		break;
	case PROC_BFD:
		/* UDP only: single-hop BFD, ports 3784 and 49152-65535. */
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, AF_INET6),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
		break;
	default:
		return (-1);
	}

#if defined(__SANITIZE_ADDRESS__)
	if (sandbox_allow(ctx, sandbox_san) == -1)
		return (-1);
	for (i = 0; sandbox_san_eperm[i] != NULL; i++)
		r |= RULE_ADD(ctx, SCMP_ACT_ERRNO(EPERM),
		    seccomp_syscall_resolve_name(sandbox_san_eperm[i]), 0);
	for (i = 0; i < 2; i++)
		r |= RULE_ADD(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		    SCMP_A0(SCMP_CMP_EQ, i == 0 ? PR_SET_PTRACER :
		    PR_SET_DUMPABLE));
#endif
	return (r < 0 ? -1 : 0);
}

/*
 * Install the filter of this child.  Called once, before the first event
 * from outside is read; a child that cannot must not run.
 */
int
sandbox_enter(enum had_proc proc)
{
	struct sigaction	 sa;
	scmp_filter_ctx		 ctx;
	int			 r;

#ifdef HAD_NO_SECCOMP
	/* A build to measure the filters' cost by (make SECCOMP=0). */
	log_warnx("sandbox: built without seccomp filters (SECCOMP=0)");
	return (0);
#endif

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		return (-1);

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		return (-1);
	/* A call through another ABI (i386, x32) is no call of ours. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1) < 0 ||
	    sandbox_rules(ctx, proc, getpid()) == -1) {
		seccomp_release(ctx);
		return (-1);
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		errno = -r;
		return (-1);
	}
	return (0);
}

/* had's side: what a dead child's report says, for the log. */
void
sandbox_describe(const struct sandbox_report *r, char *buf, size_t len)
{
	char	*name;

	if (r->magic != SANDBOX_MAGIC) {
		snprintf(buf, len, "a call it kills outright");
		return;
	}
	name = seccomp_syscall_resolve_num_arch(r->arch, r->nr);
	if (name != NULL)
		snprintf(buf, len, "system call %s (%d)", name, r->nr);
	else
		snprintf(buf, len, "system call %d", r->nr);
	free(name);
}
