#!/bin/bash
# LVS benchmark (issue 4), in the tests/vm guest since the host kernel
# has no IPVS; prints figures, not pass/fail.
#
# Boots the VM once (tests/vm/run.sh tests/vm/bench_lvs.sh) with the
# build as /opt/build, keepalived from the host (VM_EXTRA_BINS) and a
# small netlink counter, nlcount (built here from the C below, run on an
# nlmon device in the guest).  In the guest, had and then keepalived
# (keepalived --check -n -l -D -f CONF, pidfiles under /tmp, reload by
# SIGHUP) each:
#   apply     program BENCH_VS (1000) virtual servers x BENCH_RS (20) real
#             servers from an empty IPVS table (no health checks)
#   reload1   a reload that changes one real server's weight in 1% of the
#             virtual servers (10 writes needed)
#   reload2   a reload that changes the weight of 1% of the real servers
#             (200 writes needed)
#   reload0   a reload of the same file (no write needed)
# and for each: the time until /proc/net/ip_vs holds the wanted table
# (polled every 0.1 s), the time to the last IPVS write, the IPVS write
# requests of every process as nlmon sees them (and had's own counters
# from `hactl show lvs', which must agree), and the CPU seconds of the
# daemon's processes, and VmRSS of each of them and their sum.
# Ratios had/keepalived below 1: had is faster, writes less or takes
# less memory.
#
# Times are under TCG (no KVM here): slower than on hardware, for both.
#
# Env: BENCH_VS, BENCH_RS, BENCH_IMPLS ("had keepalived"),
# BENCH_LVS_TIMEOUT (400 s per phase), BENCH_VM_MEM (3072 MiB),
# BENCH_OUT (lvs.json goes there), BUILD (build).
# Exit: non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/bench_vm.sh bench_lvs_vm
command -v cc >/dev/null || { echo "bench_lvs_vm: no C compiler for nlcount" >&2; exit 1; }
T=$(mktemp -d /tmp/had-bench-lvs.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/build"
# A copy: a rebuild during the run changes nothing.
for p in had lvsd checkd vrrpd bfdd hactl; do cp "$BUILD/$p" "$T/build/$p"; done

cat >"$T/nlcount.c" <<'CEOF'
/*
 * nlcount IFACE: count the generic netlink requests to the kernel's IPVS
 * family that an nlmon device (ip link add IFACE type nlmon) sees, from
 * every process of the network namespace.  On SIGUSR1 it prints one line
 * of cumulative counts:
 *   writes=N svc_add= svc_edit= svc_del= dest_add= dest_edit= dest_del=
 *   other= dumps= nacks= drops= first=EPOCH last=EPOCH
 * (first/last: kernel receive time of the first and the latest write;
 * nacks: netlink errors returned to any generic netlink socket; drops:
 * packets the capture socket lost).  Exits on SIGTERM.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t report, stop;
static void on_sig(int s) { if (s == SIGUSR1) report = 1; else stop = 1; }

static int
resolve(const char *name)
{
	struct { struct nlmsghdr n; struct genlmsghdr g; char buf[256]; } req;
	char buf[8192];
	struct nlattr *a;
	struct nlmsghdr *n;
	int fd, len, alen;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if ((fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC)) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	a = (struct nlattr *)req.buf;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + strlen(name) + 1;
	strcpy((char *)a + NLA_HDRLEN, name);
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1 || (len = recv(fd, buf, sizeof(buf), 0)) <= 0) {
		close(fd);
		return -1;
	}
	close(fd);
	n = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(n, len) || n->nlmsg_type != GENL_ID_CTRL)
		return -1;
	alen = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	a = (struct nlattr *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
	while (alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	    a->nla_len <= alen) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)a + NLA_HDRLEN);
		alen -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static unsigned char buf[1 << 17];
	unsigned long cnt[16] = { 0 }, writes = 0, other = 0, dumps = 0,
	    nacks = 0, drops = 0;
	double first = 0, last = 0;
	struct sockaddr_ll sll;
	struct sigaction sa;
	struct tpacket_stats st;
	socklen_t sl;
	int fd, fam, one = 1, sz = 256 << 20;
	struct timeval tv = { 0, 200000 };

	if (argc != 2) {
		fprintf(stderr, "usage: nlcount IFACE\n");
		return 2;
	}
	if ((fam = resolve("IPVS")) < 0) {
		fprintf(stderr, "nlcount: no IPVS genl family\n");
		return 1;
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))) == -1) {
		perror("nlcount: socket");
		return 1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if ((sll.sll_ifindex = if_nametoindex(argv[1])) == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		perror("nlcount: bind");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "nlcount: IPVS family %d on %s\n", fam, argv[1]);
	while (!stop) {
		char cbuf[256];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &sll, .msg_namelen = sizeof(sll),
		    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
		    .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;
		struct nlmsghdr *h;
		double ts = 0;
		ssize_t n = recvmsg(fd, &mh, report ? MSG_DONTWAIT : 0);
		int len;

		if (n < 0) {
			/* Report once the queue is empty. */
			if (report && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				sl = sizeof(st);
				if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS,
				    &st, &sl) == 0)
					drops += st.tp_drops;
				printf("writes=%lu svc_add=%lu svc_edit=%lu "
				    "svc_del=%lu dest_add=%lu dest_edit=%lu "
				    "dest_del=%lu other=%lu dumps=%lu nacks=%lu "
				    "drops=%lu first=%.6f last=%.6f\n", writes,
				    cnt[1], cnt[2], cnt[3], cnt[5], cnt[6],
				    cnt[7], other, dumps, nacks, drops, first,
				    last);
				fflush(stdout);
				report = 0;
			}
			continue;
		}
		if (sll.sll_protocol != htons(NETLINK_GENERIC))
			continue;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec t;
				memcpy(&t, CMSG_DATA(c), sizeof(t));
				ts = t.tv_sec + t.tv_nsec / 1e9;
			}
		len = n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		    h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g;

			/* To a user socket: errors; else to the kernel. */
			if (sll.sll_pkttype == PACKET_USER) {
				if (h->nlmsg_type == NLMSG_ERROR &&
				    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
				    ((struct nlmsgerr *)NLMSG_DATA(h))->error != 0)
					nacks++;
				continue;
			}
			if (h->nlmsg_type != fam || !(h->nlmsg_flags & NLM_F_REQUEST) ||
			    h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				continue;
			g = NLMSG_DATA(h);
			if (h->nlmsg_flags & NLM_F_DUMP) {
				dumps++;
				continue;
			}
			switch (g->cmd) {
			case 1: case 2: case 3: case 5: case 6: case 7:
				cnt[g->cmd]++;
				writes++;
				if (first == 0)
					first = ts;
				last = ts;
				break;
			default:
				other++;
			}
		}
	}
	return 0;
}
CEOF
if ! cc -O2 -Wall -o "$T/bin/nlcount" "$T/nlcount.c" 2>"$T/cc.err"; then
	echo "bench_lvs_vm: nlcount does not build: $(head -3 "$T/cc.err")" >&2
	exit 1
fi

export VM_EXTRA_BINS="${VM_EXTRA_BINS:-} keepalived"
export VM_EXTRA_MODULES="${VM_EXTRA_MODULES:-} nlmon"
export VM_MEM=${BENCH_VM_MEM:-3072}
export VM_TIMEOUT=${VM_TIMEOUT:-1800}
export VMENV_BENCH_VS=${BENCH_VS:-1000}
export VMENV_BENCH_RS=${BENCH_RS:-20}
export VMENV_BENCH_IMPLS=${BENCH_IMPLS:-had keepalived}
export VMENV_BENCH_LVS_TIMEOUT=${BENCH_LVS_TIMEOUT:-400}
command -v keepalived >/dev/null ||
    { VM_EXTRA_BINS=${VM_EXTRA_BINS% keepalived}; echo "bench_lvs_vm: keepalived is not installed: had alone"; }

echo "LVS benchmark in the VM: $VMENV_BENCH_VS virtual servers x $VMENV_BENCH_RS real servers, $(keepalived --version 2>&1 | head -1), guest ${VM_MEM} MiB"
LOG=$T/console.log
: >"$LOG"
VM_LOG=$LOG VM_PREFIX="  vm| " tests/vm/run.sh tests/vm/bench_lvs.sh \
    "$T/build:/opt/build" "$T/bin:/opt/benchbin"
rc=$?
case $rc in
0) ;;
77) echo "bench_lvs_vm: not measured: the VM is not available here (scripts/vm-deps.sh)"; exit 1 ;;
*) echo "bench_lvs_vm: the guest exited with status $rc" ;;
esac

$PY - "$LOG" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, sys
res, same = {}, {}
for l in open(sys.argv[1], errors="replace"):
    l = l.strip()
    if l.startswith("BENCH-LVS-SAME "):
        f = l.split()
        same[f[1].split("=")[1]] = f[2]
    elif l.startswith("BENCH-LVS "):
        d = dict(kv.split("=", 1) for kv in l.split()[1:] if "=" in kv)
        res.setdefault(d["impl"], {})[d["phase"]] = d
if not any(p.get("ok") == "yes" for r in res.values() for p in r.values()):
    print("bench_lvs_vm: nothing measured")
    sys.exit(1)
names = {"apply": "apply from empty", "reload1": "reload, 1% of VS (1 weight each)",
         "reload2": "reload, 1% of RS (weights)", "reload0": "reload, unchanged"}
def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None
print()
print("poll s: start or SIGHUP -> /proc/net/ip_vs as wanted (0.1 s polls); last s: -> the last IPVS write;")
print("writes: IPVS write requests seen on nlmon; own cnt: had's counters (hactl show lvs); cpu s: all the daemon's processes")
print("%-34s %-10s %8s %8s %7s %8s %7s %8s %s" % ("phase", "impl", "poll s", "last s",
      "writes", "own cnt", "cpu s", "RSS kB", "detail (nlmon)"))
for ph in ("apply", "reload1", "reload2", "reload0"):
    for impl in ("had", "keepalived"):
        d = res.get(impl, {}).get(ph)
        if d is None:
            continue
        if "note" in d:
            print("%-34s %-10s %s" % (names[ph], impl, d["note"]))
            continue
        det = "svc +%s ~%s -%s, rs +%s ~%s -%s, dumps %s, nacks %s, lost %s%s" % (
            d.get("svc_add"), d.get("svc_edit"), d.get("svc_del"), d.get("dest_add"),
            d.get("dest_edit"), d.get("dest_del"), d.get("dumps"), d.get("nacks"),
            d.get("drops"), "" if d.get("ok") == "yes" else "; DID NOT CONVERGE")
        print("%-34s %-10s %8s %8s %7s %8s %7s %8s %s" % (names[ph], impl, d.get("poll"),
              d.get("last"), d.get("writes"), d.get("own_writes", "-").replace("-", "n/a"),
              d.get("cpu"), d.get("rss_kb"), det))
        if d.get("cpu_by_proc") or d.get("rss_by_proc"):
            print("%-45s by process: CPU s %s; RSS kB %s" % ("", d.get("cpu_by_proc", "-"),
                  d.get("rss_by_proc", "-")))
print()
for ph in ("apply", "reload1", "reload2", "reload0"):
    h, k = res.get("had", {}).get(ph), res.get("keepalived", {}).get(ph)
    if not h or not k or h.get("ok") != "yes" or k.get("ok") != "yes":
        continue
    out = []
    keys = (("poll", "time to table"), ("last", "time to last write"),
                      ("writes", "writes"), ("cpu", "CPU"),
                      ("rss_kb", "RSS of all processes"))
    # An unchanged reload has no table to wait for: writes and CPU only.
    if ph == "reload0":
        keys = keys[2:]
    for key, what in keys:
        a, b = num(h.get(key)), num(k.get(key))
        if a is not None and b:
            out.append("%s %.3f" % (what, a / b))
        elif a is not None and b == 0:
            out.append("%s %s vs 0" % (what, h.get(key)))
    print("%-34s had/keepalived: %s" % (names[ph], ", ".join(out) if out else "-"))
for ph, v in same.items():
    print("%-34s same table in the kernel after had and after keepalived: %s" % (names[ph], v))
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "lvs.json"), "w") as fh:
        json.dump({"results": res, "same_table": same}, fh, indent=1)
PYEOF
