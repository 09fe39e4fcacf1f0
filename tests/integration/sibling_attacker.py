#!/usr/bin/python3
"""A compromised checkd for test_sandbox.sh: attacks its siblings.

had starts it from DIR (had -X DIR) as it starts the real checkd, with
"-u USER -C CHROOT".  The first incarnation drops its privileges as the
real one does (its own user and group, no capability, not dumpable,
no_new_privs; not the chroot, python would not run there), then tries
what issue 13 reproduced: kill(SIGSTOP) of vrrpd, prlimit(lvsd, NOFILE,
0) and ptrace of vrrpd, and writes what each returned to
DIR/sibling.log.  It then plays a seccomp violation the way the real
filter's handler reports one (a struct sandbox_report for execve on fd 4,
then death by SIGSYS), so that the test sees had name the call.  Later
incarnations become the real checkd (DIR/checkd.real).
Bounded: the attacks are single system calls.
"""
import ctypes
import os
import pwd
import resource
import signal
import struct
import sys

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PTRACE_ATTACH = 16
SANDBOX_FD = 4
SANDBOX_MAGIC = 0x73656363
AUDIT_ARCH_X86_64 = 0xC000003E
NR_EXECVE = 59

home = os.path.dirname(os.path.abspath(sys.argv[0]))
libc = ctypes.CDLL(None, use_errno=True)


logf = None


def log(msg):
    logf.write("%s\n" % msg)
    logf.flush()


def siblings():
    """The pids of vrrpd and lvsd: had's other children."""
    found = {}
    ppid = os.getppid()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == ppid and comm in ("vrrpd", "lvsd"):
            found[comm] = int(d)
    return found


def outcome(fn):
    try:
        fn()
        return "ok"
    except PermissionError:
        return "EPERM"
    except OSError as e:
        return "errno %d" % e.errno


def ptrace(pid):
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == -1:
        raise OSError(ctypes.get_errno(), "ptrace")


def main():
    argv = sys.argv[1:]
    user = argv[argv.index("-u") + 1]
    count = os.path.join(home, "count")
    if os.path.exists(count):
        os.execv(os.path.join(home, "checkd.real"),
                 ["checkd"] + sys.argv[1:])
    open(count, "w").close()
    global logf
    # Opened while root: the directory is not the attacker's.
    logf = open(os.path.join(home, "sibling.log"), "a")

    sib = siblings()
    pw = pwd.getpwnam(user)
    os.setgroups([pw.pw_gid])
    os.setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid)
    os.setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    log("uid %d gid %d siblings %s" % (os.getuid(), os.getgid(),
                                       sorted(sib.items())))
    if "vrrpd" in sib:
        log("kill vrrpd SIGSTOP: %s" %
            outcome(lambda: os.kill(sib["vrrpd"], signal.SIGSTOP)))
        log("ptrace vrrpd: %s" % outcome(lambda: ptrace(sib["vrrpd"])))
    if "lvsd" in sib:
        log("prlimit lvsd NOFILE 0: %s" %
            outcome(lambda: resource.prlimit(sib["lvsd"],
                                             resource.RLIMIT_NOFILE, (0, 0))))
    rep = struct.pack("<IIi", SANDBOX_MAGIC, AUDIT_ARCH_X86_64, NR_EXECVE)
    try:
        os.write(SANDBOX_FD, rep)
    except OSError as e:
        log("report pipe: %s" % e)
    log("done")
    signal.signal(signal.SIGSYS, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGSYS)


if __name__ == "__main__":
    main()
