"""Part 5 of bench/bench.py: where the hook's time goes.

- perf sampling (cpu-clock: this VM has no hardware counters) over many
  createRuntime + poststop rounds and /bin/true, every sample of the hook's
  processes (and of its namespace children, found from fork events)
  classified: dynamic loader, exec, exit, page faults, syscalls by family,
  user code by library;
- the dynamic loader's own statistics (LD_DEBUG=statistics);
- empty programs linked like the hook, one library at a time, and the hook
  itself relinked from the tree's objects (-z now, --as-needed, static
  libraries, without libselinux, fully static), timed against each other;
- callgrind (instructions by object and function) on the stages valgrind
  can run (plan, precreate, poststop; valgrind 3.19 lacks pidfd_open and the
  new mount API, so createRuntime's acting part cannot run under it);
- massif: what the peak heap of precreate on 8 MiB is made of.
Nothing in the project's sources is changed: relinked variants are built in
the private work directory from the objects `make` left in the tree.
"""

import collections
import os
import re
import shutil
import subprocess
import time

from bench import ENV, BenchError, fmt_x, med, paired_ratio, pct, ratio

KERNEL = "[kernel.kallsyms]"

SYSCALL_FAMILIES = [
    ("mount API (fsopen/fsconfig/fsmount/open_tree/move_mount/mount_setattr/umount2)",
     "fsopen fsconfig fsmount move_mount open_tree mount_setattr umount2 umount mount"),
    ("namespaces, pidfd (setns, pidfd_*)", "setns pidfd_open pidfd_send_signal pidfd_getfd"),
    ("fork (parent side: clone) and wait", "clone clone3 fork vfork wait4 waitid"),
    ("file create/remove (mkdirat, unlinkat, renameat, fchmod, fsync)",
     "mkdirat mkdir unlinkat unlink rmdir renameat renameat2 rename fchmod fchmodat fsync fdatasync"),
    ("open, read, write, stat, close", "openat openat2 open read pread64 readv write pwrite64 writev newfstatat statx "
     "fstat fstatfs statfs lseek close close_range readlink readlinkat getdents64 access faccessat faccessat2"),
    ("memory (mmap, mprotect, munmap, brk)", "mmap munmap mprotect brk madvise mremap"),
    ("syslog (socket, connect, sendto)", "socket connect sendto sendmsg"),
    ("capabilities (capget/capset/prctl)", "capget capset prctl"),
]
FAMILY = {name: fam for fam, names in SYSCALL_FAMILIES for name in names.split()}


def dso_kind(dso):
    base = os.path.basename(dso)
    if base.startswith("ld-linux"):
        return "loader"
    if base.startswith(("libselinux", "libpcre2")):
        return "selinux"
    if base.startswith("libyajl"):
        return "yajl"
    if base.startswith("libcap-ng"):
        return "capng"
    if base.startswith(("libc.so", "libc-", "libm.so")):
        return "libc"
    if base.startswith("oci-sandbox-hook") or base.startswith("hook-"):
        return "hook"
    if base in ("[vdso]",):
        return "vdso"
    return "other"


def sym_kind(sym, dso):
    """Library of a user frame: by object, or by symbol prefix when the
    library is linked statically into the hook."""
    kind = dso_kind(dso)
    if kind == "hook":
        if sym.startswith("yajl_"):
            return "yajl"
        if sym.startswith(("pcre2_", "selinux", "is_selinux", "security_", "init_selinuxmnt", "fini_selinuxmnt",
                           "set_selinuxmnt", "verify_selinuxmnt", "fsetfilecon", "getfilecon")):
            return "selinux"
        if sym.startswith("capng_"):
            return "capng"
    return kind


USER_LABEL = {
    "loader": "dynamic loader: relocation, symbol lookup (user)",
    "selinux": "libselinux + libpcre2 (user: constructor)",
    "yajl": "yajl (user)",
    "capng": "libcap-ng (user)",
    "libc": "libc (user)",
    "hook": "the hook's own code (user)",
    "vdso": "vdso",
    "other": "other user",
}


SYSCALL_ALIASES = {"mmap_pgoff": "mmap", "vm_mmap_pgoff": "mmap", "kernel_clone": "clone", "openat2_how": "openat2", "group_exit": "exit_group"}


def syscall_name(ksyms):
    """The system call of a kernel stack (innermost first): the function
    do_syscall_64 called (6.x kernels inline the __x64_sys_ wrappers into
    x64_sys_call, so look for the first frame inside it)."""
    if "do_syscall_64" not in ksyms:
        return None
    i = ksyms.index("do_syscall_64")
    for j in range(i - 1, -1, -1):
        s = ksyms[j]
        if s in ("x64_sys_call",) or s.startswith("__pfx"):
            continue
        if s.startswith(("exit_to_user_mode", "syscall_exit", "irqentry", "__irq_exit")):
            return None
        s = re.sub(r"\.(isra|constprop|part|cold)\.\d+", "", s)
        for prefix in ("__x64_sys_", "__ia32_sys_", "__do_sys_", "__se_sys_", "ksys_", "do_sys_", "__sys_", "do_"):
            if s.startswith(prefix):
                s = s[len(prefix):]
                break
        return SYSCALL_ALIASES.get(s, s)
    return None


READ_DETAIL = [
    ("show_mountinfo", "read /proc/*/mountinfo"),
    ("show_vfsmnt", "read /proc/*/mounts"),
    ("proc_cgroup_show", "read /proc/PID/cgroup"),
    ("proc_pid_status", "read /proc/PID/status"),
    ("filesystems_proc_show", "read /proc/filesystems (libselinux constructor)"),
    ("proc_sys_call_handler", "sysctl files"),
    ("proc_ns_get_link", "/proc/*/ns links"),
    ("proc_pid_get_link", "/proc/PID/{root,cwd,exe} links"),
    ("path_openat", "open: path lookup"),
    ("do_filp_open", "open: path lookup"),
    ("filename_lookup", "stat: path lookup"),
    ("vfs_statx", "stat"),
]


def io_detail(frames):
    """What an open/read/stat sample was doing, from its kernel stack."""
    ks = [f[0] for f in frames if f[1] == KERNEL]
    for key, label in READ_DETAIL:
        if key in ks:
            return label
    return syscall_name(ks) or "?"


def classify(frames):
    """FRAMES: innermost first, (sym, dso).  A category for one sample."""
    if not frames:
        return "unknown"
    user = [f for f in frames if f[1] != KERNEL and f[1] != "[unknown]"]
    first_user = sym_kind(*user[0]) if user else None
    if frames and frames[0][1] != KERNEL:
        return USER_LABEL[sym_kind(*frames[0])] if frames[0][1] != "[unknown]" else "other user"
    syms = [f[0] for f in frames if f[1] == KERNEL]
    sysname = syscall_name(syms)
    if sysname in ("execve", "execveat") or any(s in ("bprm_execve", "load_elf_binary", "begin_new_exec") for s in syms):
        return "exec: execve (kernel: mapping the ELF, new mm)"
    if sysname in ("exit_group", "exit") or any(s in ("do_exit", "do_group_exit", "exit_mmap") for s in syms):
        return "exit: process teardown (kernel: unmap, close)"
    if sysname is None:
        if "asm_exc_page_fault" in syms or "exc_page_fault" in syms:
            return "page faults during dynamic loading" if first_user == "loader" else "page faults (hook, libc, libraries)"
        if "ret_from_fork" in syms or "schedule_tail" in syms:
            return "kernel: first run after fork"
        return "kernel: other (interrupts, scheduling)"
    if first_user == "loader":
        return "dynamic loader: open/mmap/mprotect of the libraries (kernel)"
    if first_user == "selinux":
        return "libselinux constructor: syscalls (kernel)"
    return "syscalls: " + FAMILY.get(sysname, "other (%s)" % sysname)


def perf_samples(path):
    """Yield ('event', text) and ('sample', comm, pid, period, frames)."""
    p = subprocess.Popen(
        ["perf", "script", "-i", path, "-F", "comm,pid,tid,period,ip,sym,dso", "--show-task-events"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV, text=True, errors="replace")
    head = None
    frames = []
    for line in p.stdout:
        line = line.rstrip("\n")
        if not line.strip():
            if head:
                yield ("sample",) + head + (frames,)
            head, frames = None, []
            continue
        if line.startswith("\t") or line.startswith("    ") and head:
            m = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line)
            if m:
                frames.append((re.sub(r"\+0x[0-9a-f]+$", "", m.group(1)), m.group(2)))
            continue
        if "PERF_RECORD_" in line:
            if head:
                yield ("sample",) + head + (frames,)
                head, frames = None, []
            yield ("event", line)
            continue
        m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s+(\d+)\s*$", line)
        if m:
            if head:
                yield ("sample",) + head + (frames,)
            head, frames = (m.group(1), int(m.group(2)), int(m.group(4))), []
    if head:
        yield ("sample",) + head + (frames,)
    p.wait()


class Profile:
    def __init__(self, bench):
        self.b = bench
        self.work = os.path.join(bench.work, "profile")
        os.makedirs(self.work, exist_ok=True)
        self.tmp = bench.p2["tmp"] if hasattr(bench, "p2") else None
        self.rows = []
        self.notes = []

    def table(self, title, rows):
        self.rows.append("#### " + title)
        self.rows.append("")
        self.rows.extend(rows)
        self.rows.append("")

    # ------------------------------------------------------------ perf

    def perf_rounds(self):
        b = self.b
        n = b.rounds(300, 100)
        live = self.tmp
        script = os.path.join(self.work, "loop.sh")
        pol = b.policy
        with open(script, "w") as f:
            f.write("set -e\n")
            f.write("i=0\nwhile [ $i -lt %d ]; do\n" % n)
            f.write("  %s --policy %s createRuntime <%s\n" % (b.hook, pol, live["create"]))
            f.write("  %s --policy %s poststop <%s\n" % (b.hook, pol, live["stop"]))
            f.write("  /bin/true <%s\n  /bin/true <%s\n" % (live["create"], live["stop"]))
            f.write("  %s -t %d -m /bin/busybox umount %s\n" % (
                b.nsenter, live["pid"], " ".join(["/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/dev/shm"])))
            f.write("  i=$((i+1))\ndone\n")
        data = os.path.join(self.work, "perf-rounds.data")
        r = subprocess.run(["perf", "record", "-q", "-o", data, "-e", "cpu-clock", "-F", "10000", "-g", "--",
                            "/bin/sh", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=ENV)
        if r.returncode != 0:
            self.notes.append("perf record failed: %s" % r.stderr.decode()[-300:])
            return
        self.analyse_rounds(data, n)

    def analyse_rounds(self, data, n):
        stage_of = {}  # pid -> "createRuntime" | "poststop" | "/bin/true"
        hook_seq = []
        child_of = {}
        samples = []
        for rec in perf_samples(data):
            if rec[0] == "event":
                line = rec[1]
                m = re.search(r"PERF_RECORD_COMM exec: (.+?):(\d+)/", line)
                if m:
                    comm, pid = m.group(1), int(m.group(2))
                    if comm.startswith("oci-sandbox-ho"):
                        stage_of[pid] = "createRuntime" if len(hook_seq) % 2 == 0 else "poststop"
                        hook_seq.append(pid)
                    elif comm == "true":
                        stage_of[pid] = "/bin/true"
                    continue
                m = re.search(r"PERF_RECORD_FORK\((\d+):\d+\):\((\d+):", line)
                if m:
                    child_of[int(m.group(1))] = int(m.group(2))
                continue
            samples.append(rec[1:])
        by = collections.defaultdict(lambda: collections.Counter())
        io = collections.defaultdict(lambda: collections.Counter())
        procs = collections.Counter(stage_of.values())
        for comm, pid, period, frames in samples:
            if pid in stage_of:
                stage = stage_of[pid]
                if comm in ("sh",):
                    cat = "exec: execve (kernel: mapping the ELF, new mm)" if any(
                        "execve" in s for s, _ in frames) else "launcher side of fork (sh)"
                    if cat.startswith("launcher"):
                        continue
                else:
                    cat = classify(frames)
                    if cat.startswith("syscalls: open, read"):
                        io[stage][io_detail(frames)] += period
            elif pid in child_of and child_of[pid] in stage_of and pid not in stage_of:
                stage = stage_of[child_of[pid]]
                cat = ("namespace children: exit" if classify(frames).startswith("exit")
                       else "namespace children: fork, setns, their work")
            else:
                continue
            by[stage][cat] += period
        stages = ("createRuntime", "poststop", "/bin/true")
        per = {st: (procs[st] or 1) for st in stages}
        us = lambda st, c: by[st][c] / per[st] / 1e3
        tot = {st: sum(by[st].values()) / per[st] / 1e3 for st in stages}
        rows = ["| category | createRuntime µs | share | poststop µs | share | `/bin/true` µs |",
                "|---|---:|---:|---:|---:|---:|"]
        cats = sorted(set(c for st in stages for c in by[st]), key=lambda c: -(us("createRuntime", c) + us("poststop", c)))
        for c in cats:
            v = [us(st, c) for st in stages]
            if max(v) < 8:
                continue
            rows.append("| %s | %.0f | %.0f %% | %.0f | %.0f %% | %.0f |" % (
                c, v[0], 100 * v[0] / (tot["createRuntime"] or 1), v[1], 100 * v[1] / (tot["poststop"] or 1), v[2]))
        rows.append("| **total on-CPU per process (under perf)** | **%.0f** | | **%.0f** | | **%.0f** |" % (
            tot["createRuntime"], tot["poststop"], tot["/bin/true"]))
        groups = [
            ("starting and ending a process: exec, dynamic loading (user, kernel, page faults), libselinux, exit",
             lambda c: c.startswith(("exec:", "dynamic loader", "page faults during dynamic", "exit:", "libselinux"))),
            ("namespace children: fork, their work and exit, wait", lambda c: c.startswith("namespace children")
             or c.startswith("syscalls: fork") or c.startswith("kernel: first run after fork")),
            ("the work itself: other syscalls", lambda c: c.startswith("syscalls:") and not c.startswith("syscalls: fork")),
            ("the work itself: user code (hook, libc, yajl, libcap-ng) and its page faults",
             lambda c: c.startswith(("the hook", "libc", "yajl", "libcap-ng", "page faults (hook"))),
        ]
        for name, pred in groups:
            v = [sum(us(st, c) for c in by[st] if pred(c)) for st in stages]
            rows.append("| *group: %s* | *%.0f* | *%.0f %%* | *%.0f* | *%.0f %%* | *%.0f* |" % (
                name, v[0], 100 * v[0] / (tot["createRuntime"] or 1), v[1], 100 * v[1] / (tot["poststop"] or 1), v[2]))
        self.cpu = tot
        wall = ""
        if "part2" in self.b.results:
            t = self.b.results["part2"]["cr_ps"]
            cr, ps = med([x[0] for x in t]) / 1e3, med([x[1] for x in t]) / 1e3
            tr = med([x for pair in self.b.results["part2"]["true2"] for x in pair]) / 1e3
            rows.append("| wall time per process without perf (part 2 median) | %.0f | | %.0f | | %.0f |" % (cr, ps, tr))
        self.table("CPU of one createRuntime and one poststop by category: perf cpu-clock sampling at 10 kHz over %d rounds, "
                   "µs per process (sampling inflates absolute numbers: read the shares); children = the namespace "
                   "processes the hook forks" % n, rows)
        rows = ["| open/read/stat samples of createRuntime, by what the kernel was doing | µs | share of createRuntime |",
                "|---|---:|---:|"]
        for c, v in io["createRuntime"].most_common(10):
            rows.append("| %s | %.0f | %.0f %% |" % (c, v / per["createRuntime"] / 1e3,
                                                   100 * v / per["createRuntime"] / 1e3 / (tot["createRuntime"] or 1)))
        self.table("createRuntime's file I/O syscalls in detail (same samples)", rows)

    def perf_precreate(self, path, label):
        b = self.b
        n = b.rounds(20, 8)
        script = os.path.join(self.work, "loop-precreate.sh")
        with open(script, "w") as f:
            f.write("i=0\nwhile [ $i -lt %d ]; do\n  %s --policy %s precreate <%s >/dev/null\n  i=$((i+1))\ndone\n"
                    % (n, b.hook, b.policy, path))
        data = os.path.join(self.work, "perf-precreate.data")
        r = subprocess.run(["perf", "record", "-q", "-o", data, "-e", "cpu-clock", "-F", "20000", "-g", "--",
                            "/bin/sh", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=ENV)
        if r.returncode != 0:
            self.notes.append("perf record (precreate) failed: %s" % r.stderr.decode()[-300:])
            return
        hook_pids = set()
        cats = collections.Counter()
        syms = collections.Counter()
        total = 0
        for rec in perf_samples(data):
            if rec[0] == "event":
                m = re.search(r"PERF_RECORD_COMM exec: (.+?):(\d+)/", rec[1])
                if m and m.group(1).startswith("oci-sandbox-ho"):
                    hook_pids.add(int(m.group(2)))
                continue
            comm, pid, period, frames = rec[1:]
            if pid not in hook_pids or comm == "sh":
                continue
            total += period
            c = classify(frames)
            cats[c] += period
            if frames:
                sym, dso = frames[0]
                syms["%s [%s]" % (sym, os.path.basename(dso))] += period
        if not total:
            return
        rows = ["| category | ms per run | share |", "|---|---:|---:|"]
        for c, v in cats.most_common(8):
            rows.append("| %s | %.2f | %.0f %% |" % (c, v / n / 1e6, 100.0 * v / total))
        rows.append("| **total on-CPU** | **%.2f** | |" % (total / n / 1e6))
        self.table("precreate on %s: CPU by category (perf, %d runs)" % (label, n), rows)
        rows = ["| innermost function | ms per run | share |", "|---|---:|---:|"]
        for s, v in syms.most_common(12):
            rows.append("| `%s` | %.2f | %.0f %% |" % (s, v / n / 1e6, 100.0 * v / total))
        self.table("precreate on %s: hottest functions, self time (perf)" % label, rows)

    # ------------------------------------------------ loader and linking

    def loader_stats(self, binaries):
        self.mhz = 1.0
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    self.mhz = float(line.split(":")[1])
                    break
        rows = ["| binary | ld.so startup cycles (median of 15) | relocations | time to load objects |",
                "|---|---:|---:|---:|"]
        for name, argv in binaries:
            cyc, rel, load = [], [], []
            for _ in range(15):
                r = subprocess.run(argv, env=dict(ENV, LD_DEBUG="statistics"), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                e = r.stderr
                m = re.search(r"total startup time in dynamic loader: ([\d,]+) cycles", e)
                if m:
                    cyc.append(int(m.group(1).replace(",", "")))
                m = re.search(r"final number of relocations: (\d+)", e)
                if m:
                    rel.append(int(m.group(1)))
                m = re.search(r"time needed to load objects: ([\d,]+) cycles", e)
                if m:
                    load.append(int(m.group(1).replace(",", "")))
            if cyc:
                rows.append("| %s | %d (%.0f µs) | %d | %d cycles |" % (name, med(cyc), med(cyc) / self.mhz, med(rel) if rel else 0,
                                                                     med(load) if load else 0))
            else:
                rows.append("| %s | (static: no dynamic loader) | | |" % name)
        self.table("Dynamic loader, as it reports itself (LD_DEBUG=statistics; TSC cycles, µs at %.0f MHz); "
                   "excludes library constructors and page faults" % self.mhz, rows)

    def build(self):
        """Empty programs linked like the hook, and the hook relinked from
        the tree's objects in several ways."""
        b = self.b
        d = os.path.join(self.work, "link")
        os.makedirs(d, exist_ok=True)
        if not shutil.which("gcc", path=ENV["PATH"]):
            self.notes.append("gcc missing: no link probes")
            return [], []
        with open(os.path.join(d, "empty.c"), "w") as f:
            f.write("int main (void) { return 0; }\n")
        cc = ["gcc", "-O2"]

        def link(out, args):
            r = subprocess.run(cc + ["-o", os.path.join(d, out)] + args, cwd=d, capture_output=True, env=ENV)
            if r.returncode != 0:
                self.notes.append("link %s failed: %s" % (out, r.stderr.decode().strip().splitlines()[-1:]))
                return None
            return os.path.join(d, out)

        probes = []
        for name, libs in (("empty, libc only", []), ("+ libyajl", ["-lyajl"]), ("+ libcap-ng", ["-lcap-ng"]),
                           ("+ libselinux (+ libpcre2)", ["-lselinux"]),
                           ("+ all three + libm (like the hook)", ["-lyajl", "-lselinux", "-lcap-ng", "-lm"]),
                           ("+ all three, -z now", ["-lyajl", "-lselinux", "-lcap-ng", "-lm", "-Wl,-z,now"])):
            out = link("probe-%d" % len(probes), ["-Wl,--no-as-needed", "empty.c"] + libs)
            if out:
                probes.append((name, out))
        objs = [os.path.join(b.top, "src", "main.o"), os.path.join(b.top, "libsandboxhook.a")]
        relinks = []
        if all(os.path.exists(o) for o in objs):
            for o in objs:
                shutil.copy2(o, d)
            main_o, lib_a = "main.o", "libsandboxhook.a"
            self.selinux_stub(d, [main_o, lib_a])
            dyn = ["-lyajl", "-lselinux", "-lcap-ng", "-lm"]
            failed = []
            for name, args in (
                ("shared yajl, libselinux, libcap-ng (default ./configure)", [main_o, lib_a] + dyn),
                ("-Wl,-z,now", [main_o, lib_a] + dyn + ["-Wl,-z,now"]),
                ("-Wl,--as-needed", ["-Wl,--as-needed", main_o, lib_a] + dyn),
                ("static yajl + libcap-ng", [main_o, lib_a, "-Wl,-Bstatic", "-lyajl_s", "-lcap-ng", "-Wl,-Bdynamic", "-lselinux", "-lm"]),
                ("static yajl, libselinux, libpcre2, libcap-ng; libc dynamic (./configure --enable-static-deps)",
                 [main_o, lib_a, "-Wl,-Bstatic", "-lyajl_s", "-lselinux", "-lpcre2-8", "-lcap-ng", "-Wl,-Bdynamic", "-lm"]),
                ("no libselinux (stub: SELinux off), yajl + libcap-ng dynamic", [main_o, lib_a, "selinux_stub.o", "-lyajl", "-lcap-ng", "-lm"]),
                ("no libselinux (stub) + static yajl, libcap-ng", [main_o, lib_a, "selinux_stub.o", "-Wl,-Bstatic", "-lyajl_s", "-lcap-ng", "-Wl,-Bdynamic", "-lm"]),
                ("fully static (-static, not PIE)", ["-static", main_o, lib_a, "-lyajl_s", "-lselinux", "-lpcre2-8", "-lcap-ng", "-lm"]),
                ("fully static PIE (-static-pie)", ["-static-pie", main_o, lib_a, "-lyajl_s", "-lselinux", "-lpcre2-8", "-lcap-ng", "-lm"]),
                ("static-pie, no libselinux (stub)", ["-static-pie", main_o, lib_a, "selinux_stub.o", "-lyajl_s", "-lcap-ng", "-lm"]),
            ):
                out = link("hook-%d" % (len(relinks) + len(failed)), ["-g"] + args)
                if out:
                    relinks.append((name, out))
                else:
                    failed.append(name)
            if relinks:
                same = [n for n, p in relinks if subprocess.run(["cmp", "-s", p, b.hook]).returncode == 0]
                self.notes.append("relinked from src/main.o and libsandboxhook.a as found at %s (-g -O2, the tree's objects); "
                                  "the measured binary is %s" % (time.strftime("%H:%M:%S"), "byte-identical to the relink \"%s\"" % same[0]
                                                                 if same else "identical to none of them (objects rebuilt since, or other link flags)"))
        else:
            self.notes.append("no objects in the tree (src/main.o, libsandboxhook.a): no relinked variants")
        return probes, relinks

    def fork_probe(self):
        """fork + _exit + waitpid, in a process linked like the hook, against
        clone(CLONE_VM | CLONE_VFORK): what one namespace child costs."""
        d = os.path.join(self.work, "link")
        src = os.path.join(d, "fork_probe.c")
        with open(src, "w") as f:
            f.write(FORK_PROBE_C)
        variants = [("shared yajl, libselinux, libcap-ng", ["-Wl,--no-as-needed", "-lyajl", "-lselinux", "-lcap-ng", "-lm"]),
                    ("static yajl, libselinux, libcap-ng; libc dynamic",
                     ["-Wl,-Bstatic", "-lyajl_s", "-lselinux", "-lpcre2-8", "-lcap-ng", "-Wl,-Bdynamic", "-lm"]),
                    ("fully static PIE", ["-static-pie"])]
        rows = ["| process linked like | fork + exit + wait µs | clone(CLONE_VM\|CLONE_VFORK) + exit + wait µs |",
                "|---|---:|---:|"]
        for name, libs in variants:
            out = os.path.join(d, "fork-probe-%d" % len(rows))
            r = subprocess.run(["gcc", "-O2", "-o", out, src] + libs, capture_output=True, env=ENV)
            if r.returncode != 0:
                continue
            vals = {}
            for mode in ("fork", "vfork"):
                got = []
                for _ in range(5):
                    o = subprocess.run([out, mode], capture_output=True, text=True, env=ENV).stdout.split()
                    if o:
                        got.append(float(o[0]))
                vals[mode] = med(got) if got else float("nan")
            rows.append("| %s | %.0f | %.0f |" % (name, vals["fork"], vals["vfork"]))
        self.table("What one namespace child costs: 2000 × (create a child that exits at once, wait), median of 5", rows)

    def selinux_stub(self, d, objs):
        """Every libselinux function the objects use, as a stub with SELinux
        off: what the hook would pay if it loaded libselinux only when a
        label is needed (is_selinux_enabled answers 0; nothing else is
        called then)."""
        undef = set(subprocess.run(["nm", "-u", "--format=just-symbols"] + objs, cwd=d, capture_output=True,
                                   text=True, env=ENV).stdout.split())
        lib = subprocess.run(["sh", "-c", "nm -D --defined-only --format=just-symbols $(gcc -print-file-name=libselinux.so)"],
                             capture_output=True, text=True, env=ENV).stdout.split()
        funcs = sorted(undef & set(x.split("@")[0] for x in lib))
        with open(os.path.join(d, "selinux_stub.c"), "w") as f:
            f.write("/* Generated by bench/profile_hook.py: libselinux with SELinux off.  */\n#include <errno.h>\n")
            for fn in funcs:
                if fn == "is_selinux_enabled":
                    f.write("int is_selinux_enabled (void) { return 0; }\n")
                else:
                    f.write("int %s (void) { errno = ENOTSUP; return -1; }\n" % fn)
        subprocess.run(["gcc", "-O2", "-fno-builtin", "-c", "selinux_stub.c"], cwd=d, check=True, env=ENV,
                       capture_output=True)
        self.notes.append("libselinux functions stubbed: %s" % ", ".join(funcs))

    def time_links(self, probes, relinks):
        b = self.b
        n = b.rounds(150, 60)
        live = self.tmp
        runner = b.runner
        items = []
        for name, path in probes:
            items.append(("probe", name, "run", lambda p=path: runner.run([p])))
        for name, path in relinks:
            items.append(("relink", name, "--version", lambda p=path: runner.run([p, "--version"])))
            items.append(("relink", name, "not a sandbox", lambda p=path: runner.run(
                [p, "--policy", b.policy_annot, "createRuntime"], stdin=b.p2.get("app_state", live["create"]))))
            items.append(("relink", name, "cr+ps", lambda p=path: sum(b.cr_ps(live, b.policy, hook=p))))
        if not items:
            return
        times = collections.defaultdict(list)
        for it in items:
            it[3]()
        for r in range(n):
            for i in range(len(items)):
                it = items[(r + i) % len(items)]
                times[(it[1], it[2])].append(it[3]())
        if probes:
            base = times[(probes[0][0], "run")]
            rows = ["| empty `main` linked with | median µs | p10 | p90 | + µs over libc only | ratio (paired) |",
                    "|---|---:|---:|---:|---:|---:|"]
            for name, _ in probes:
                t = times[(name, "run")]
                rows.append("| %s | %.0f | %.0f | %.0f | %+.0f | %s (%s) |" % (
                    name, med(t) / 1e3, pct(t, 10) / 1e3, pct(t, 90) / 1e3, (med(t) - med(base)) / 1e3,
                    fmt_x(ratio(med(t), med(base))), fmt_x(paired_ratio(t, base))))
            self.table("What each library costs a process start: empty programs, spawn to reap, %d rounds interleaved" % n, rows)
        if relinks:
            base = relinks[0][0]
            rows = ["| hook linked | `--version` µs | Δ | not a sandbox µs | Δ | createRuntime+poststop µs | Δ | size KiB | libraries loaded |",
                    "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
            for name, path in relinks:
                cells = []
                for stage in ("--version", "not a sandbox", "cr+ps"):
                    t, t0 = times[(name, stage)], times[(base, stage)]
                    cells.append("%.0f" % (med(t) / 1e3))
                    cells.append("%+.0f (%s)" % ((med(t) - med(t0)) / 1e3, fmt_x(paired_ratio(t, t0))) if name != base else "–")
                libs = subprocess.run(["ldd", path], capture_output=True, text=True, env=ENV).stdout
                nlibs = [l.split()[0] for l in libs.splitlines() if "=>" in l]
                rows.append("| %s | %s | %d | %s |" % (name, " | ".join(cells), os.path.getsize(path) // 1024,
                                                     " ".join(x.split(".so")[0] for x in nlibs) or "none (static)"))
            self.table("The hook relinked (same objects), timed against each other, %d rounds interleaved; "
                       "Δ = median difference (paired ratio)" % n, rows)
            self.relink_times = times

    # ----------------------------------------------------------- valgrind

    def callgrind(self, label, argv, stdin=None, before=None, after=None):
        self.n_callgrind = getattr(self, "n_callgrind", 0) + 1
        out = os.path.join(self.work, "callgrind.%d" % self.n_callgrind)
        if before:
            before()
        f_in = open(stdin, "rb") if stdin else subprocess.DEVNULL
        try:
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + argv,
                               stdin=f_in, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        finally:
            if stdin:
                f_in.close()
        if after:
            after()
        if r.returncode != 0 or not os.path.exists(out):
            self.notes.append("callgrind %s failed: %s" % (label, r.stderr.decode()[-400:]))
            return None
        return parse_callgrind(out)

    def callgrind_all(self, cases):
        if not shutil.which("valgrind", path=ENV["PATH"]):
            self.notes.append("valgrind missing: no callgrind")
            return
        b = self.b
        live = self.tmp
        res = []
        for label, argv, stdin, before, after in cases:
            r = self.callgrind(label, argv, stdin, before, after)
            if r:
                res.append((label, r))
        if not res:
            return
        groups = [("ld.so", ("ld-linux",)), ("libc + libm", ("libc.so", "libm.so")), ("yajl", ("libyajl",)),
                  ("libselinux + pcre2", ("libselinux", "libpcre2")), ("libcap-ng", ("libcap-ng",)),
                  ("the hook", ("oci-sandbox-hook",))]
        rows = ["| stage | instructions | " + " | ".join(g for g, _ in groups) + " |",
                "|---|---:|" + "---:|" * len(groups)]
        kind_group = {"loader": "ld.so", "libc": "libc + libm", "yajl": "yajl", "selinux": "libselinux + pcre2",
                      "capng": "libcap-ng", "hook": "the hook"}
        for label, (total, by_obj, by_fn) in res:
            per_group = collections.Counter()
            for (obj, fn), c in by_fn.items():
                per_group[kind_group.get(sym_kind(fn, obj), "other")] += c
            cells = ["%.0f %%" % (100.0 * per_group[g] / total) if total else "–" for g, _ in groups]
            rows.append("| %s | %s | %s |" % (label, "{:,}".format(total), " | ".join(cells)))
        self.table("Instructions by library (callgrind; statically linked libraries counted by function name)", rows)
        for label, (total, by_obj, by_fn) in res:
            rows = ["| function (self) | object | instructions | share |", "|---|---|---:|---:|"]
            for (obj, fn), c in sorted(by_fn.items(), key=lambda x: -x[1])[:10]:
                rows.append("| `%s` | %s | %s | %.1f %% |" % (fn[:70], os.path.basename(obj), "{:,}".format(c), 100.0 * c / total))
            self.table("Hottest functions, %s (callgrind, self instructions)" % label, rows)

    def massif(self, label, argv, stdin):
        if not shutil.which("valgrind", path=ENV["PATH"]):
            return
        out = os.path.join(self.work, "massif.out")
        with open(stdin, "rb") as f_in:
            r = subprocess.run(["valgrind", "--tool=massif", "--massif-out-file=" + out, "--depth=12"] + argv,
                               stdin=f_in, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        if r.returncode != 0:
            self.notes.append("massif failed: %s" % r.stderr.decode()[-300:])
            return
        peak, sites = parse_massif(out)
        size = os.path.getsize(stdin)
        rows = ["| allocation site at the peak (depth 1, then its callers) | bytes | ÷ input |", "|---|---:|---:|"]
        for depth, desc, nbytes in sites:
            rows.append("| %s%s | %s | %.2f× |" % ("&nbsp;&nbsp;&nbsp;&nbsp;" * (depth - 1), desc, "{:,}".format(nbytes), nbytes / size))
        rows.append("| **peak heap** | **%s** | **%.2f×** |" % ("{:,}".format(peak), peak / size))
        self.table("Peak heap of %s, input %s bytes (massif)" % (label, "{:,}".format(size)), rows)

    # ---------------------------------------------------------------- all

    def run(self):
        b = self.b
        if self.tmp is None:
            raise BenchError("profile: no live sandbox")
        t0 = time.monotonic()
        b.log("part 5: profile (perf sampling)")
        perf_ok = shutil.which("perf", path=ENV["PATH"]) and subprocess.run(
            ["perf", "stat", "-e", "task-clock", "true"], capture_output=True, env=ENV).returncode == 0
        hw = subprocess.run(["perf", "stat", "-x,", "-e", "instructions", "true"], capture_output=True, text=True,
                            env=ENV).stderr if perf_ok else ""
        self.notes.append("perf hardware counters: %s" % ("available" if perf_ok and "not supported" not in hw and "<not" not in hw
                                                        else "not supported here (VM): software cpu-clock sampling and callgrind instead"))
        if perf_ok:
            self.perf_rounds()
        cases8 = [c for c in getattr(b, "p3_cases", []) if c[0] == "8 MiB"]
        if not cases8:
            text, _ = b.generate_config(8 * (1 << 20))
            d = os.path.join(b.fs, "scale-profile")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "config.json"), "w") as f:
                f.write(text)
            cases8 = [("8 MiB", 8 << 20, len(text), d, os.path.join(d, "config.json"), 0)]
        big = cases8[0][4]
        if perf_ok:
            self.perf_precreate(big, "8 MiB")
        b.log("part 5: loader statistics, link probes and relinked hooks")
        probes, relinks = self.build()
        self.loader_stats([("`/bin/true`", ["/bin/true"]), ("hook `--version`", [b.hook, "--version"])] +
                          [("relinked: " + n, [p, "--version"]) for n, p in relinks if "static" in n or "now" in n or "stub" in n])
        self.time_links(probes, relinks)
        self.fork_probe()
        b.log("part 5: callgrind, massif")
        live = self.tmp
        create = lambda: b.runner.run([b.hook, "--policy", b.policy, "createRuntime"], stdin=live["create"])
        reset = lambda: b.reset_live(live)
        cases = [
            ("`--version`", [b.hook, "--version"], None, None, None),
            ("not a sandbox (default policy)", [b.hook, "--policy", b.policy, "createRuntime"], b.p2.get("app_state"), None, None),
            ("`plan --bundle` (typical)", [b.hook, "--policy", b.policy, "plan", "--bundle", live["bundle"]], None, None, None),
            ("poststop (after a real createRuntime)", [b.hook, "--policy", b.policy, "poststop"], live["stop"], create, reset),
            ("precreate 8 MiB", [b.hook, "--policy", b.policy, "precreate"], big, None, None),
        ]
        if cases[1][2] is None:
            del cases[1]
        self.callgrind_all(cases)
        self.massif("precreate on 8 MiB", [b.hook, "--policy", b.policy, "precreate"], big)
        if self.notes:
            self.rows.append("Notes: " + "; ".join(self.notes) + ".")
            self.rows.append("")
        b.rows["profile"] = ("Profile (part 5, %.0f s)" % (time.monotonic() - t0), self.rows)


FORK_PROBE_C = r"""
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static char stack[65536];
static int child (void *arg) { (void)arg; return 0; }
int main (int argc, char **argv)
{
  int n = 2000, vf = argc > 1 && strcmp (argv[1], "vfork") == 0;
  struct timespec a, b;
  clock_gettime (CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++)
    {
      pid_t p;
      if (vf)
        p = clone (child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
      else if ((p = fork ()) == 0)
        _exit (0);
      waitpid (p, NULL, 0);
    }
  clock_gettime (CLOCK_MONOTONIC, &b);
  printf ("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
  return 0;
}
"""


def parse_callgrind(path):
    """Self cost (Ir) by object and by (object, function) from a callgrind
    out file, name compression and call lines handled."""
    names = {"ob": {}, "fl": {}, "fn": {}}
    kind_of = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl", "fn": "fn", "cfn": "fn"}
    cur_ob = cur_fn = "?"
    skip = False
    by_obj = collections.Counter()
    by_fn = collections.Counter()
    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            if not line or line[0] == "\n":
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if skip:
                    skip = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    cost = int(parts[1])
                    by_obj[cur_ob] += cost
                    by_fn[(cur_ob, cur_fn)] += cost
                    total += cost
                continue
            key, _, val = line.rstrip("\n").partition("=")
            if key in kind_of:
                table = names[kind_of[key]]
                m = re.match(r"\((\d+)\)(?: (.*))?$", val)
                if m:
                    if m.group(2) is not None:
                        table[m.group(1)] = m.group(2)
                    name = table.get(m.group(1), val)
                else:
                    name = val
                if key == "ob":
                    cur_ob = name
                elif key == "fn":
                    cur_fn = name
            elif key == "calls":
                skip = True
    return total, by_obj, by_fn


def parse_massif(path):
    """Peak heap bytes and the sites at the peak: depth 1 (direct callers of
    the allocator) above 3 %, with their first distinct caller."""
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    peak_at = None
    for i, l in enumerate(lines):
        if l == "heap_tree=peak":
            peak_at = i
    if peak_at is None:  # no detailed peak: the largest detailed snapshot
        best = -1
        for i, l in enumerate(lines):
            if l.startswith("mem_heap_B="):
                v = int(l.split("=")[1])
                if v > best and i + 3 < len(lines) and lines[i + 3] == "heap_tree=detailed":
                    best, peak_at = v, i + 3
    sites = []
    if peak_at is None:
        return 0, sites
    m = re.match(r"n\d+: (\d+)", lines[peak_at + 1])
    peak = int(m.group(1))
    node = re.compile(r"^( *)n\d+: (\d+) (?:0x[0-9A-F]+: )?(.*)$")
    for l in lines[peak_at + 2:]:
        m = node.match(l)
        if not m:
            break
        depth = len(m.group(1))
        nbytes = int(m.group(2))
        desc = m.group(3)
        if depth <= 2 and nbytes >= 0.03 * peak:
            desc = re.sub(r" \(in /.*?/([^/]+)\)", r" (\1)", desc)
            sites.append((depth, "`%s`" % desc, nbytes))
    return peak, sites


def run(bench):
    Profile(bench).run()
