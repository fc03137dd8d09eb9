#!/usr/bin/env python3
"""What oci-sandbox-hook costs a pod start: markdown tables on stdout.

Run through bench/run.sh, which makes the private work directory, starts
the syslog listener and cleans up on any exit.  Every ratio is against a
baseline measured in the same run: the variants of a table alternate round
by round, in an order shuffled every round, after one untimed warm-up round.  A table
gives the median, p10 and p90, the ratio of the medians and, in
parentheses, the paired ratio (the median of the per-round ratios).
Nothing here asserts a time.

Every container goes in a cgroup of its own inside a pod cgroup, as
kubelet places a pod's containers (kubepods/.../pod<uid>/<container>):
a sandbox's cpu_shares of 2 then weigh against its own pod's other
containers only, not against every busy process of the machine.

Parts (--parts, default all):
  start     `runc run` of a busybox sandbox: no hooks, /bin/true hooks, the hook
  hook      the hook on a live `runc create`d sandbox: createRuntime + poststop
            against two /bin/true spawns and against bench/floor.c; the
            not-a-sandbox fast path (a plain container, a pod's app
            container) against one /bin/true; peak RSS; the listener's CPU
            time for each record; the floor on one CPU with another idle
            and with a process spinning there (how independent the CPUs are)
  scaling   precreate on 4 KiB to 8 MiB configs: time, peak RSS, linearity
  parallel  16 sandboxes started at once, with the hook and without hooks
  pods      a pod member's createRuntime + poststop (its sandbox's files and
            /dev/shm bound in) against two /bin/true and against a sandbox's
            round, with 1, 100 and 1000 registered pods (--quick: 1, 10, 100),
            every pod a live `runc run -d` sandbox registered by the hook
  builds    the default (dynamically linked) build against the static-pie
            one, both built from this tree in the work directory (or
            --hook-static, --hook-dynamic; --compare LABEL=PATH adds more):
            a round and the not-a-sandbox fast path of each on a live
            sandbox, two and one /bin/true; and bench/floor.c linked both
            ways (a round, and `floor exit`): what the loader alone costs
"""

import argparse
import concurrent.futures
import contextlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
SANDBOX = {"io.kubernetes.cri.container-type": "sandbox"}
APP = {"io.kubernetes.cri.container-type": "container"}
SANDBOX_ID = "io.kubernetes.cri.sandbox-id"
PORTS = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
TARGETS = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/dev/shm"]
PARTS = ["start", "hook", "scaling", "parallel", "pods", "builds"]
MiB = 1 << 20
med = statistics.median


class BenchError(Exception):
    pass


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def pct(values, p):
    """The p-th percentile, interpolated."""
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def spread(t):
    """The median, p10 and p90 cells, in ms."""
    return "%.2f | %.2f | %.2f" % (med(t) / 1e6, pct(t, 10) / 1e6, pct(t, 90) / 1e6)


def ratio(t, base):
    """The ratio of the medians and, in parentheses, the paired ratio."""
    return "%.2f× (%.2f×)" % (med(t) / med(base), med([x / y for x, y in zip(t, base)]))


def difference_ratio(a, b, c, d):
    """How much A costs more than B against how much C costs more than D:
    the medians' differences in ms, their ratio and, in parentheses, the
    ratio of the medians of the per-round differences (paired)."""
    paired = med([x - y for x, y in zip(a, b)]) / med([x - y for x, y in zip(c, d)])
    return "%.2f ms vs %.2f ms, %.2f× (%.2f×)" % (
        (med(a) - med(b)) / 1e6, (med(c) - med(d)) / 1e6, (med(a) - med(b)) / (med(c) - med(d)), paired)


def lowest_ratio(base, c, d, target):
    """BASE plus what C costs more than D, ÷ BASE: the lowest ratio to BASE
    that a variant paying that difference can read; and whether TARGET is
    within it."""
    lowest = (med(base) + med(c) - med(d)) / med(base)
    return "%.2f×: %.2f× is %s" % (lowest, target, "out of reach" if lowest > target else "within reach")


def alternate(variants, rounds):
    """Each variant once per round, in an order shuffled every round (seeded:
    runs repeat), after an untimed warm-up round: no variant always follows
    the same one (a round that unmounts leaves the kernel work of freeing
    to whatever runs next).  A variant returns a tuple of nanoseconds, one
    per stage."""
    names = list(variants)
    order = random.Random(1)
    for name in names:
        variants[name]()
    times = {name: [] for name in names}
    for _ in range(rounds):
        for name in order.sample(names, len(names)):
            times[name].append(variants[name]())
    return times


def stage(times, i):
    return [t[i] for t in times]


def total(times):
    return [sum(t) for t in times]


def row(*cells):
    return "| %s |" % " | ".join(str(c) for c in cells)


def section(title, header, rows, numbers=True):
    align = "|---|" + ("---:|" if numbers else "---|") * (len(header) - 1)
    return "### %s\n\n%s\n%s\n%s\n" % (title, row(*header), align, "\n".join(rows))


def output(argv, stdin=None):
    """The stdout and stderr of an untimed command."""
    with open(stdin or os.devnull, "rb") as f:
        r = subprocess.run(argv, stdin=f, capture_output=True, env=ENV)
    if r.returncode != 0:
        raise BenchError("%s: exit %d\n%s" % (" ".join(argv), r.returncode, r.stderr.decode()))
    return r.stdout.decode() + r.stderr.decode()


def tool(name):
    path = shutil.which(name, path=ENV["PATH"])
    if path is None:
        raise BenchError("%s is missing (contrib/setup.sh installs it)" % name)
    return path


# A process that spins on CPU argv[1], saying so once it does; it dies with
# the bench (argv[2]), and after 30 s whatever happens.
SPIN = """import ctypes, os, signal, sys, time
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[2]):
    sys.exit(1)
os.sched_setaffinity(0, {int(sys.argv[1])})
os.write(1, b"x")
end = time.monotonic() + 30
while time.monotonic() < end:
    pass
"""


@contextlib.contextmanager
def spinning(cpu):
    """A process spinning on CPU for the length of the `with`."""
    with subprocess.Popen([sys.executable, "-c", SPIN, str(cpu), str(os.getpid())], stdout=subprocess.PIPE) as proc:
        try:
            if proc.stdout.read(1) != b"x":
                raise BenchError("the spinning process did not start on CPU %d" % cpu)
            yield
        finally:
            proc.kill()


def sees_sandbox(port, mountinfo):
    """A container with the sandbox's sysctl and its four mounts, /dev/shm
    a 64 MiB tmpfs: PORT as read in its netns, MOUNTINFO its lines."""
    mounted = {line.split()[4]: line for line in mountinfo}
    return port == "0" and all(t in mounted for t in TARGETS) and "size=65536k" in mounted["/dev/shm"]


class Runner:
    """posix_spawn and wait4.  A timed run goes from just before the spawn
    to the reap; its stdin and stdout files are opened before the clock
    starts.  Every child's stderr goes to one file, shown when one fails."""

    def __init__(self, work):
        self.err_path = os.path.join(work, "children.err")
        self.err = os.open(self.err_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.null = os.open(os.devnull, os.O_RDWR)

    def files(self, stdin=None, stdout=None):
        """Spawn file actions for STDIN and STDOUT, and the fds to close."""
        io = [self.null, self.null, self.err]
        if stdin:
            io[0] = os.open(stdin, os.O_RDONLY)
        if stdout:
            io[1] = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        return [(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(io)], [fd for fd in io[:2] if fd != self.null]

    def done(self, argv, status, fds):
        for fd in fds:
            os.close(fd)
        if status != 0:
            with open(self.err_path, errors="replace") as f:
                tail = "".join(f.readlines()[-8:])
            raise BenchError("%s: wait status %d\n%s" % (" ".join(argv), status, tail))

    def run(self, argv, stdin=None, stdout=None):
        """Run ARGV to its end; returns the nanoseconds it took."""
        actions, fds = self.files(stdin, stdout)
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
        status = os.wait4(pid, 0)[1]
        t1 = time.perf_counter_ns()
        self.done(argv, status, fds)
        return t1 - t0


class Bench:
    def __init__(self, args):
        self.args = args
        self.parts = args.parts.split(",")
        self.work = os.path.realpath(args.work)
        self.fs = os.path.join(self.work, "fs")
        self.ids = 0
        self.sections = []
        self.targets = []

    def rounds(self, full, quick):
        return quick if self.args.quick else full

    def target(self, name, measured, met=None):
        self.targets.append(row(name, measured, "reported" if met is None else "met" if met else "missed"))

    def write_json(self, path, obj):
        path = os.path.join(self.work, path)
        with open(path, "w") as f:
            json.dump(obj, f, indent="\t")
        return path

    def setup(self):
        self.load = os.getloadavg()[0]
        self.runc, self.nsenter = tool("runc"), tool("nsenter")
        # Bundles live on a tmpfs, as under /run on a node.
        os.makedirs(self.fs)
        output(["mount", "-t", "tmpfs", "-o", "size=2g,mode=0755", "oshb", self.fs])
        self.runner = Runner(self.work)
        self.run = self.runner.run
        # A copy: a rebuild during the run changes nothing.  The floor is
        # linked as the hook is for measurement.
        self.hook = os.path.join(self.fs, "oci-sandbox-hook")
        if self.args.hook:
            shutil.copy2(self.args.hook, self.hook)
        else:  # part builds alone, from a tree never built: it sets the hook
            self.hook = None
        self.floor = os.path.join(self.fs, "floor")
        output([tool("cc"), "-O2", "-static-pie", "-o", self.floor, os.path.join(self.args.top, "bench/floor.c")])
        sock = self.args.log_socket
        # A private pod registry, on the tmpfs as /run/oci-sandbox-hook is on
        # a node: the node's own is never touched.
        self.state_dir = os.path.join(self.fs, "state")
        private = {"state_dir": self.state_dir}
        self.policy = self.write_json("policy.json", dict(private, log_socket=sock))
        self.policy_quiet = self.write_json("policy-quiet.json", dict(private, log_socket=sock + ".nobody"))
        self.policy_annotations = self.write_json(
            "policy-annotations.json", dict(private, log_socket=sock, sandbox_match={"annotations": SANDBOX})
        )
        subprocess.run([self.runc, "spec"], cwd=self.work, check=True, env=ENV)
        with open(os.path.join(self.work, "config.json")) as f:
            self.spec = json.load(f)
        self.spec["process"]["terminal"] = False

    def hook_argv(self, stage, policy=None):
        return [self.hook, "--policy", policy or self.policy, stage]

    def rootfs(self, root):
        """A busybox root file system at ROOT."""
        for d in ("bin", "proc", "dev", "sys", "etc", "tmp"):
            os.makedirs(os.path.join(root, d))
        shutil.copy2("/bin/busybox", os.path.join(root, "bin"))
        for applet in ("sh", "cat", "true", "sleep"):
            os.symlink("busybox", os.path.join(root, "bin", applet))
        for f in TARGETS[:3]:  # as in most images: the targets exist
            open(root + f, "w").close()
        return root

    def bundle(self, name, hooks=None, args=("true",), annotations=SANDBOX, root=None, namespaces=None, pod=None):
        """A busybox bundle on the tmpfs; HOOKS: "true", "hook" or none.
        ROOT: a shared root file system (default: the bundle's own).
        NAMESPACES: {type: path} joined instead of made.  POD: the bundle
        whose pod cgroup the container joins (default: a pod of its own).
        No two containers of one bundle ever run at once, so the bundle's
        name names its cgroup."""
        directory = os.path.join(self.fs, name)
        if root is None:
            root = self.rootfs(os.path.join(directory, "rootfs"))
        else:
            os.makedirs(directory)
        cfg = json.loads(json.dumps(self.spec))
        cfg["root"]["path"] = root
        cfg["process"]["args"] = list(args)
        cfg["annotations"] = dict(annotations)
        pod_name = os.path.basename(pod or directory)
        cfg["linux"]["cgroupsPath"] = "/%s/%s/%s" % (self.args.cgroup_parent, pod_name, name)
        if namespaces:
            spaces = [ns for ns in cfg["linux"]["namespaces"] if ns["type"] not in namespaces]
            cfg["linux"]["namespaces"] = spaces + [{"type": t, "path": p} for t, p in namespaces.items()]
        env = ["PATH=" + ENV["PATH"]]
        for st in ("createRuntime", "poststop") if hooks in ("true", "hook") else ():
            argv = ["true"] if hooks == "true" else ["oci-sandbox-hook", "--policy", self.policy, st]
            hook = {"path": "/bin/true" if hooks == "true" else self.hook, "args": argv, "env": env}
            cfg.setdefault("hooks", {})[st] = [hook]
        with open(os.path.join(directory, "config.json"), "w") as f:
            json.dump(cfg, f, indent="\t")
        return directory

    def new_id(self):
        self.ids += 1
        return "%s%d" % (self.args.id_prefix, self.ids)

    def runc_run(self, bundle, stdout=None):
        return (self.run([self.runc, "run", "-b", bundle, self.new_id()], stdout=stdout),)

    def clean(self, bundle):
        if os.path.exists(os.path.join(bundle, "oci-sandbox-hook")):
            raise BenchError("%s/oci-sandbox-hook left behind" % bundle)

    def machine(self):
        with open("/proc/cpuinfo") as f:
            cpu = next((x.split(":", 1)[1].strip() for x in f if x.startswith("model name")), "?")
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / MiB
        cgroups = "v1"
        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            cgroups = "v2"
        elif os.path.exists("/sys/fs/cgroup/unified"):
            cgroups = "hybrid (v1 controllers, cgroup2 at /sys/fs/cgroup/unified)"
        with open(self.hook, "rb") as f:
            build = "test build (fault injection)" if b"OCI_SANDBOX_HOOK_FAIL_AFTER" in f.read() else "release build"
        linked = "=>" in subprocess.run(["ldd", self.hook], capture_output=True, env=ENV).stdout.decode()
        # configure links with lld only to put the hot functions first.
        comment = subprocess.run([tool("readelf"), "-p", ".comment", self.hook], capture_output=True)
        layout = "hot functions first (lld)" if b"LLD" in comment.stdout else "default layout"
        git = subprocess.run(["git", "-C", self.args.top, "describe", "--always", "--dirty"], capture_output=True)
        rows = [
            row("CPU", "%s, %d cores, %.0f GiB" % (cpu, os.cpu_count(), mem)),
            row("kernel", platform.release()),
            row("cgroups", "%s; each container in a pod cgroup below /%s" % (cgroups, self.args.cgroup_parent)),
            row("runc", output([self.runc, "--version"]).splitlines()[0]),
            row("hook", "%s, %s, %s, %s" % (output([self.hook, "--version"]).strip(), build,
                                             "dynamically linked" if linked else "static-pie", layout)),
            row("floor", "`cc -O2 -static-pie`%s, %s" % (
                "; part builds: also `cc -O2 -DFLOOR_DYNAMIC`, linked as the dynamic build"
                if "builds" in self.parts else "", output([tool("cc"), "--version"]).splitlines()[0])),
            row("source", git.stdout.decode().strip() or "?"),
            row("load average (1 min) at start, at end", "%.2f, %.2f" % (self.load, os.getloadavg()[0])),
            row("run", "%s, %s" % ("--quick" if self.args.quick else "full",
                                   time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))),
        ]
        return section("Machine", ["", ""], rows, numbers=False)

    # ------------------------------------------------- part: container start

    def part_start(self):
        n = self.rounds(150, 40)
        log("start: runc run, 3 variants x %d rounds" % n)
        # What the container sees with the hook, once.
        probe = self.bundle("probe", hooks="hook", args=["sh", "-c", "cat %s /proc/self/mountinfo" % PORTS])
        seen = os.path.join(self.work, "probe.out")
        self.runc_run(probe, stdout=seen)
        with open(seen) as f:
            port, *mountinfo = f.read().splitlines()
        if not sees_sandbox(port, mountinfo):
            raise BenchError("start: the container sees port %s and mounts\n%s" % (port, "\n".join(mountinfo)))
        self.clean(probe)
        names = {
            "none": "no hooks",
            "true": "`/bin/true` as createRuntime and poststop hooks",
            "hook": "oci-sandbox-hook (syslog listener)",
        }
        bundles = {v: self.bundle("start-" + v, hooks=v) for v in names}
        t = alternate({v: lambda b=bundles[v]: self.runc_run(b) for v in names}, n)
        t = {v: total(x) for v, x in t.items()}
        for b in bundles.values():
            self.clean(b)
        delta = {v: "%+.2f" % ((med(t[v]) - med(t["true"])) / 1e6) for v in names}
        rows = [row(names[v], spread(t[v]), ratio(t[v], t["none"]), ratio(t[v], t["true"]), delta[v]) for v in names]
        self.sections.append(section(
            "Container start: `runc run` (create, start, `true`, delete), %d rounds" % n,
            ["variant", "median ms", "p10", "p90", "× no hooks (paired)", "× `/bin/true` hooks (paired)",
             "Δ `/bin/true` hooks ms"], rows))
        self.target(
            "`runc run` with the hook ≤ 1.10× `runc run` with `/bin/true` hooks",
            "%s, %s ms on %.1f ms" % (ratio(t["hook"], t["true"]), delta["hook"], med(t["true"]) / 1e6),
            med(t["hook"]) <= 1.10 * med(t["true"]),
        )

    # -------------------------------------------- part: the hook in isolation

    def created(self, bundle):
        """`runc create` BUNDLE (never started); the states a runtime gives
        its createRuntime and poststop hooks, and its mounts."""
        cid = self.new_id()
        self.run([self.runc, "create", "-b", bundle, cid])
        st = json.loads(output([self.runc, "state", cid]))
        state = {"ociVersion": st["ociVersion"], "id": cid, "status": "creating", "pid": st["pid"],
                 "bundle": st["bundle"], "annotations": st["annotations"]}
        stopped = {k: v for k, v in state.items() if k != "pid"}
        live = {
            "id": cid,
            "pid": st["pid"],
            "bundle": bundle,
            "state": state,
            "create": self.write_json("state-create-%s.json" % cid, state),
            "stop": self.write_json("state-stop-%s.json" % cid, dict(stopped, status="stopped")),
        }
        live["mounts"] = self.mountinfo(live)
        return live

    def live_sandbox(self):
        """A `runc create`d sandbox, and the states of two containers that
        are not sandboxes: a pod's app container (CRI annotations, no
        sandbox id) and a plain one (no annotations: podman's, runc's)."""
        live = self.created(self.bundle("live-%d" % (self.ids + 1)))
        app = dict(live["state"], id=live["id"] + "-app", bundle=self.bundle(live["id"] + "-app", annotations=APP),
                   annotations=APP)
        live["app"] = self.write_json("state-app-%s.json" % live["id"], app)
        plain = dict(live["state"], id=live["id"] + "-plain",
                     bundle=self.bundle(live["id"] + "-plain", annotations={}), annotations={})
        live["plain"] = self.write_json("state-plain-%s.json" % live["id"], plain)
        return live

    def mountinfo(self, live):
        with open("/proc/%d/mountinfo" % live["pid"]) as f:
            return f.read().splitlines()

    def reset(self, live):
        """Poststop undoes the host side only (the container's mount
        namespace dies with it): detach the container-side mounts so that
        every round starts from the same container (untimed)."""
        self.run([self.nsenter, "-t", str(live["pid"]), "-m", "/bin/busybox", "umount"] + TARGETS)
        if [m.split()[4] for m in self.mountinfo(live)] != [m.split()[4] for m in live["mounts"]]:
            raise BenchError("live sandbox: its mounts differ after a reset")

    def undo(self, live, stop):
        t = self.run(stop, stdin=live["stop"])
        self.clean(live["bundle"])
        self.reset(live)
        return t

    def round(self, live, create, stop):
        return self.run(create, stdin=live["create"]), self.undo(live, stop)

    def check_effects(self, live, create, stop, cgroup=None):
        """CREATE gives the container the sandbox's sysctl and mounts (and
        CGROUP, (file, value), its value); STOP cleans up.  Returns CREATE's
        output."""
        netns = [self.nsenter, "-t", str(live["pid"]), "-n", "/bin/busybox"]
        self.run(netns + ["sh", "-c", "echo 1024 >" + PORTS])
        if cgroup:
            with open(cgroup[0], "w") as f:
                f.write("1024")
        out = output(create, stdin=live["create"])
        port = output(netns + ["cat", PORTS]).strip()
        if not sees_sandbox(port, self.mountinfo(live)):
            raise BenchError("%s: the container sees port %s and mounts\n%s" % (create, port, self.mountinfo(live)))
        if cgroup:
            with open(cgroup[0]) as f:
                if f.read().strip() != cgroup[1]:
                    raise BenchError("%s did not write %s to %s" % (create, cgroup[1], cgroup[0]))
        self.undo(live, stop)
        return out

    def hook_choices(self, live, create, stop):
        """What the hook chose for LIVE, read from one debug run of CREATE
        (undone by STOP): its OOM score, the cgroup file it wrote and the
        value, which the floor repeats."""
        debug = self.check_effects(live, create + ["--log-level", "debug", "--log-stderr"], stop)
        oom = re.search(r"oom_score_adj: (-?\d+) \(", debug)
        cpu = re.search(r"cpu_shares: (\S+) = (\d+)", debug)
        if not oom or not cpu:
            raise BenchError("no oom_score_adj or cpu_shares line in the hook's debug log:\n" + debug)
        return oom.group(1), cpu.group(1), cpu.group(2)

    def floor_for(self, live, choices, stages, binary=None, load=None):
        """The floor's argv for LIVE (a function of its stage) and its
        poststop, repeating the hook's CHOICES (hook_choices); each of
        STAGES is checked to have the hook's effects.  BINARY is another
        build of the floor; its createRuntime loads the library LOAD
        (--load)."""
        binary = binary or self.floor
        options = ["--load", load] if load else []

        def floor(st):
            return [binary] + options + [st, self.policy, self.state_dir] + list(choices)

        floor_stop = [binary, "poststop", self.policy, self.state_dir]
        for st in stages:
            self.check_effects(live, floor(st), floor_stop, choices[1:])
        return floor, floor_stop

    def info_lines(self):
        """The text of the hook's info line of each stage (after its
        container id), from the listener's log of the debug run that
        hook_choices made: what the floor sends with --log."""
        path = os.path.join(self.work, "hook.log")
        pattern = re.compile(r"^<\d+>oci-sandbox-hook\[\d+\]: \S+: ((sandbox ready|poststop): .*)$")
        for _ in range(100):  # the listener writes what it receives a moment later
            found = {}
            with open(path, errors="replace") as f:
                for line in f:
                    m = pattern.match(line.rstrip("\n"))
                    if m:
                        found[m.group(2)] = m.group(1)
            if len(found) == 2:
                return found["sandbox ready"], found["poststop"]
            time.sleep(0.05)
        raise BenchError("no 'sandbox ready' and 'poststop' info lines in " + path)

    def listener_state(self):
        """The listener's CPU time so far (ns, /proc/PID/schedstat) and the
        records it has written, once it has written all it was sent."""
        lines = -1
        while True:
            with open(os.path.join(self.work, "hook.log"), "rb") as f:
                now = f.read().count(b"\n")
            if now == lines:
                break
            lines = now
            time.sleep(0.2)
        with open("/proc/%d/schedstat" % self.args.listener_pid) as f:
            return int(f.read().split()[0]), lines

    def pinned(self, cpu, run, spin=None):
        """RUN() with this process and its children on CPU alone, while
        a process spins on CPU SPIN (None: nothing started)."""
        saved = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})
        try:
            with spinning(spin) if spin is not None else contextlib.nullcontext():
                return run()
        finally:
            os.sched_setaffinity(0, saved)

    def with_log(self, argv, line):
        """The floor's ARGV, sending LINE to the listener once its work is done."""
        return [argv[0], "--log", self.args.log_socket, line] + argv[1:]

    def rss(self, argv, stdin=None, before=None, after=None):
        """Peak RSS in KiB, median of 3, as GNU time reports it: a child of
        this Python process would start with Python's high-water mark."""
        if not os.path.exists("/usr/bin/time"):
            return None
        got = []
        for _ in range(3):
            if before:
                before()
            self.run(["/usr/bin/time", "-f", "%M", "-o", self.work + "/rss"] + argv, stdin=stdin)
            with open(self.work + "/rss") as f:
                got.append(int(f.read().split()[-1]))
            if after:
                after()
        return med(got)

    def part_hook(self):
        n = self.rounds(600, 200)
        live = self.live_sandbox()
        create, stop = self.hook_argv("createRuntime"), self.hook_argv("poststop")
        floor, floor_stop = self.floor_for(live, self.hook_choices(live, create, stop),
                                           ("createRuntime", "createRuntime-fork"))
        ready, stopped = self.info_lines()
        floor_log = [self.with_log(floor("createRuntime"), ready), self.with_log(floor_stop, stopped)]
        quiet = [self.hook_argv(st, self.policy_quiet) for st in ("createRuntime", "poststop")]
        # The same binary again, as another file: what two identical builds
        # differ by in this run is the smallest difference it can show.
        copy = self.hook + "-copy"
        shutil.copy2(self.hook, copy)
        quiet_copy = [[copy] + argv[1:] for argv in quiet]
        true = ["/bin/true"]
        variants = {
            "hook": lambda: self.round(live, create, stop),
            "quiet": lambda: self.round(live, *quiet),
            "quiet_copy": lambda: self.round(live, *quiet_copy),
            "floor": lambda: self.round(live, floor("createRuntime"), floor_stop),
            "fork": lambda: self.round(live, floor("createRuntime-fork"), floor_stop),
            "floor_log": lambda: self.round(live, *floor_log),
            "true2": lambda: (self.run(true, stdin=live["create"]), self.run(true, stdin=live["stop"])),
            "fast": lambda: (self.run(create, stdin=live["plain"]),),
            "fast_cri": lambda: (self.run(create, stdin=live["app"]),),
            "fast_annotations": lambda: (
                self.run(self.hook_argv("createRuntime", self.policy_annotations), stdin=live["plain"]),),
            "true1": lambda: (self.run(true, stdin=live["app"]),),
        }
        # How independent this machine's CPUs are: the floor's round on one
        # CPU, the others idle, and while a process spins on another.  Where
        # two virtual CPUs share one core, whatever runs on the other (the
        # listener, woken by the hook's records) slows the hook down.
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) > 1:
            here, other = cpus[-1], cpus[-2]
            variants["floor_pinned"] = lambda: self.pinned(here, variants["floor"])
            variants["floor_spin"] = lambda: self.pinned(here, variants["floor"], spin=other)
        log("hook: isolated cost on a live sandbox, %d variants x %d rounds" % (len(variants), n))
        listener_before = self.listener_state()
        t = alternate(variants, n)
        listener_after = self.listener_state()
        T = {k: total(v) for k, v in t.items()}
        rows = [
            row("round: " + name, spread(T[k]), ratio(T[k], T["true2"]), ratio(T[k], T["floor"]))
            for k, name in (
                ("hook", "oci-sandbox-hook, syslog listener"),
                ("quiet", "oci-sandbox-hook, nobody listening"),
                ("quiet_copy", "oci-sandbox-hook, nobody listening, a second copy of the binary (the run's noise)"),
                ("floor", "floor (`bench/floor.c`: the hook's kernel work, nothing else)"),
                ("fork", "floor with a forked child (the hook's path under a user namespace)"),
                ("floor_log", "floor sending the hook's two info lines to the listener (what any program pays it)"),
                ("floor_pinned", "floor, on one CPU, the others idle"),
                ("floor_spin", "floor, on one CPU, while a process spins on another"),
                ("true2", "two `/bin/true`"),
            ) if k in T
        ]
        for i, st in enumerate(("createRuntime", "poststop")):
            for k, name in (("hook", "oci-sandbox-hook"), ("floor", "floor")):
                x = stage(t[k], i)
                rows.append(row("%s alone: %s" % (st, name), spread(x), ratio(x, stage(t["true2"], i)),
                                ratio(x, stage(t["floor"], i))))
        for k, name in (
            ("fast", "plain container, default policy (scans config.json for its command rule)"),
            ("fast_cri", "a pod's app container, default policy (its CRI annotation decides)"),
            ("fast_annotations", "plain container, annotations-only policy (the state decides)"),
            ("true1", "one `/bin/true`"),
        ):
            rows.append(row(name, spread(T[k]), ratio(T[k], T["true1"]), "–"))
        self.sections.append(section(
            "Hook process cost, isolated: a live `runc create`d sandbox, %d rounds" % n,
            ["measurement (a round: createRuntime + poststop)", "median ms", "p10", "p90",
             "× `/bin/true`: two per round, one per stage (paired)", "× floor, same stage (paired)"], rows))
        for k, name in (("hook", "syslog listener"), ("quiet", "nobody listening")):
            self.target("sandbox round ≤ 1.3× the floor, %s" % name, "%s, %.2f ms vs %.2f ms" % (
                ratio(T[k], T["floor"]), med(T[k]) / 1e6, med(T["floor"]) / 1e6), med(T[k]) <= 1.3 * med(T["floor"]))
        self.target("(reference) the same build, a second copy ÷ the first (nobody listening): "
                    "differences within it are noise", ratio(T["quiet_copy"], T["quiet"]))
        self.target("(reference) sandbox round, syslog listener ÷ the floor sending the same two lines to it",
                    ratio(T["hook"], T["floor_log"]))
        records = listener_after[1] - listener_before[1]
        if records > 0:
            self.target("(reference) the listener: its CPU time for each record it receives; what a round with it "
                        "costs more than with nobody listening",
                        "%.0f µs a record (%d records, 2 a round); %+.2f ms a round" % (
                            (listener_after[0] - listener_before[0]) / records / 1e3, records,
                            (med(T["hook"]) - med(T["quiet"])) / 1e6))
        if "floor_spin" in T:
            self.target("(reference) this machine's CPUs: the floor's round while a process spins on another CPU ÷ "
                        "with that CPU idle (1.00× where CPUs share nothing)", ratio(T["floor_spin"], T["floor_pinned"]))
        self.target("(reference) sandbox round ÷ two `/bin/true`", ratio(T["hook"], T["true2"]))
        self.target("(reference) floor ÷ two `/bin/true`", ratio(T["floor"], T["true2"]))
        for k, name in (("fast", "plain container, default policy"), ("fast_cri", "app container, default policy"),
                        ("fast_annotations", "plain container, annotations-only policy")):
            met = med(T[k]) <= 1.05 * med(T["true1"])
            self.target("not a sandbox ≤ 1.05× one `/bin/true`, " + name, ratio(T[k], T["true1"]), met)

        log("hook: peak RSS")
        got = [
            ("`/bin/true`", self.rss(true)),
            ("floor createRuntime", self.rss(floor("createRuntime"), live["create"],
                                             after=lambda: self.undo(live, floor_stop))),
            ("oci-sandbox-hook createRuntime", self.rss(create, live["create"],
                                                        after=lambda: self.undo(live, stop))),
            ("oci-sandbox-hook poststop", self.rss(stop, live["stop"], after=lambda: self.reset(live),
                                                   before=lambda: self.run(create, stdin=live["create"]))),
            ("oci-sandbox-hook, not a sandbox", self.rss(create, live["plain"])),
        ]
        self.sections.append(section("Peak RSS of one process (GNU time; namespace children included)",
                                     ["process", "peak RSS KiB (median of 3)"],
                                     [row(name, v or "n/a (no GNU time)") for name, v in got]))
        if got[2][1]:
            self.target("peak RSS ≤ 4 MiB on a typical config", "%d KiB" % got[2][1], got[2][1] <= 4096)

    # ----------------------------------------------------- part: scaling

    def grown_spec(self, size):
        """runc's spec as a sandbox, grown to about SIZE bytes with as many
        annotations as tmpfs mounts and env entries."""

        def grow(n):
            cfg = json.loads(json.dumps(self.spec))
            cfg["annotations"] = dict(SANDBOX)
            for i in range(n):
                cfg["annotations"]["example.com/bench-%07d" % i] = "value-%07d-%s" % (i, "x" * 40)
                cfg["mounts"].append({"destination": "/mnt/bench/%07d" % i, "type": "tmpfs", "source": "tmpfs",
                                      "options": ["nosuid", "nodev", "mode=755", "size=65536k"]})
                cfg["process"]["env"].append("BENCH_%07d=%s" % (i, "v" * 40))
            return json.dumps(cfg, indent="\t")

        base = len(grow(0))
        n = max(0, round((size - base) / ((len(grow(100)) - base) / 100)))
        path = os.path.join(self.fs, "spec-%d.json" % size)
        with open(path, "w") as f:
            f.write(grow(n))
        return path, n

    def part_scaling(self):
        n = self.rounds(25, 9)
        sizes = {"4 KiB": 4 << 10, "256 KiB": 256 << 10, "1 MiB": MiB, "8 MiB": 8 * MiB}
        log("scaling: precreate on %s, %d rounds" % (", ".join(sizes), n))
        precreate = self.hook_argv("precreate")
        path, size = {}, {}
        for label in sizes:
            path[label], entries = self.grown_spec(sizes[label])
            size[label] = os.path.getsize(path[label])
            self.run(precreate, stdin=path[label], stdout=self.work + "/precreate.json")
            with open(self.work + "/precreate.json") as f:
                spec = json.load(f)
            if spec["linux"].get("sysctl", {}).get("net.ipv4.ip_unprivileged_port_start") != "0" or len(
                spec["mounts"]
            ) != len(self.spec["mounts"]) + entries:
                raise BenchError("precreate on %s: no sysctl added, or mounts lost" % label)
        times = alternate({label: lambda p=path[label]: (self.run(precreate, stdin=p),) for label in sizes}, n)
        times = {label: total(v) for label, v in times.items()}
        t = {label: med(v) for label, v in times.items()}
        rss = {label: self.rss(precreate, path[label]) for label in sizes}
        rows = [
            row("%s (%d bytes)" % (label, size[label]), spread(times[label]), "%.0f" % (size[label] / t[label] * 1e3),
                "%.1f" % (rss[label] / 1024) if rss[label] else "n/a",
                "%.1f×" % (rss[label] * 1024 / size[label]) if rss[label] and size[label] > MiB / 8 else "–")
            for label in sizes
        ]
        per_byte = (t["8 MiB"] / size["8 MiB"]) / (t["1 MiB"] / size["1 MiB"])
        marginal = ((t["8 MiB"] - t["1 MiB"]) / (size["8 MiB"] - size["1 MiB"])) / (
            (t["1 MiB"] - t["4 KiB"]) / (size["1 MiB"] - size["4 KiB"]))
        self.sections.append(section(
            "Scaling: precreate (config.json on stdin, the sandbox's on stdout), %d rounds" % n,
            ["input", "median ms", "p10", "p90", "MB/s", "peak RSS MiB", "RSS ÷ input"], rows)
            + "\nLinearity: the time per byte at 8 MiB is %.2f× that at 1 MiB; the marginal time per byte "
            "from 1 to 8 MiB is %.2f× that from 4 KiB to 1 MiB.\n" % (per_byte, marginal))
        self.target("precreate on 1 MiB ≤ 20 ms", "%.1f ms" % (t["1 MiB"] / 1e6), t["1 MiB"] <= 20e6)
        self.target("precreate grows linearly to 8 MiB", "marginal %.2f×" % marginal, 0.8 <= marginal <= 1.25)
        if rss["8 MiB"]:
            r = rss["8 MiB"] * 1024 / size["8 MiB"]
            self.target("peak RSS ≤ 4× the input on large configs", "%.1f× at 8 MiB" % r, r <= 4)

    # --------------------------------------------------- part: parallel starts

    def part_parallel(self, k=16):
        reps = self.rounds(10, 4)
        log("parallel: %d sandboxes at once, with and without the hook, %d repetitions" % (k, reps))
        names = {"none": "no hooks", "hook": "oci-sandbox-hook"}
        sets = {v: [self.bundle("par-%s-%d" % (v, i), hooks=v, args=["cat", PORTS]) for i in range(k)] for v in names}
        outs = [os.path.join(self.work, "par-%d.out" % i) for i in range(k)]

        def batch(v):
            argvs = [[self.runc, "run", "-b", b, self.new_id()] for b in sets[v]]
            files = [self.runner.files(stdout=o) for o in outs]
            t0 = time.perf_counter_ns()
            pids = [os.posix_spawn(a[0], a, ENV, file_actions=f[0]) for a, f in zip(argvs, files)]
            statuses = [os.wait4(pid, 0)[1] for pid in pids]
            t1 = time.perf_counter_ns()
            for argv, status, f, out, b in zip(argvs, statuses, files, outs, sets[v]):
                self.runner.done(argv, status, f[1])
                with open(out) as f:
                    if v == "hook" and f.read().strip() != "0":
                        raise BenchError("parallel: a container started with the hook does not see port 0")
                self.clean(b)
            return (t1 - t0,)

        t = {v: total(x) for v, x in alternate({v: lambda v=v: batch(v) for v in names}, reps).items()}
        rows = [row(names[v], spread(t[v]), "%.2f" % (med(t[v]) / k / 1e6), ratio(t[v], t["none"])) for v in names]
        self.sections.append(section(
            "Parallel starts: %d × `runc run` at once (with the hook each prints port 0), %d repetitions"
            % (k, reps),
            ["variant", "median ms (all %d)" % k, "p10", "p90", "per container ms", "× no hooks (paired)"], rows))

    # ------------------------------------------------------ part: pod members

    def start_pods(self, n, root):
        """N more live pods: `runc run -d` sandboxes on ROOT that the hook
        sets up and registers, started as many at a time as there are CPUs.
        Returns their ids and bundles."""

        def start(cid):
            b = self.bundle("pod-" + cid, hooks="hook", args=["sleep", "1000000"], root=root,
                            annotations=dict(SANDBOX, **{SANDBOX_ID: cid}))
            self.run([self.runc, "run", "-d", "-b", b, cid])
            return cid, b

        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
            return list(pool.map(start, [self.new_id() for _ in range(n)]))

    def delete_pods(self, pods):
        """`runc delete -f` every pod (its poststop hook unregisters it)."""

        def delete(pod):
            self.run([self.runc, "delete", "-f", pod[0]])
            self.clean(pod[1])

        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(delete, pods))

    def registered(self):
        return sorted(os.listdir(self.state_dir)) if os.path.isdir(self.state_dir) else []

    def check_member(self, member, pod_bundle, create, stop):
        """CREATE gives MEMBER its sandbox's files and /dev/shm: it reads
        what the host wrote into the pod's tmpfs; STOP leaves nothing."""
        marker = os.path.join(pod_bundle, "oci-sandbox-hook", "shm", "bench-marker")
        with open(marker, "w") as f:
            f.write("from the pod\n")
        self.run(create, stdin=member["create"])
        got = output([self.nsenter, "-t", str(member["pid"]), "-m", "/bin/busybox", "cat", "/dev/shm/bench-marker"])
        mounted = {line.split()[4] for line in self.mountinfo(member)}
        if got != "from the pod\n" or not set(TARGETS) <= mounted:
            raise BenchError("pod member: /dev/shm/bench-marker reads %r, mounts %s" % (got, sorted(mounted)))
        os.unlink(marker)
        self.undo(member, stop)

    def part_pods(self):
        n = self.rounds(300, 100)
        counts = [1, 10, 100] if self.args.quick else [1, 100, 1000]
        log("pods: a member's round with %s registered pods, 4 variants x %d rounds each"
            % (", ".join(map(str, counts)), n))
        # The pods' root file system on a mount of its own, as an engine's
        # overlay is: a root bound from a directory of the bundles' tmpfs
        # would put every container's root in that tmpfs's peer group, and
        # make each mount the hook makes there visit every pod.
        rootfs_mount = os.path.join(self.work, "pods-rootfs")
        os.makedirs(rootfs_mount)
        output(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "oshb-rootfs", rootfs_mount])
        root = self.rootfs(os.path.join(rootfs_mount, "root"))
        create, stop = self.hook_argv("createRuntime"), self.hook_argv("poststop")
        true = ["/bin/true"]
        pods = []
        try:
            pods = self.start_pods(1, root)
            pod_id, pod_bundle = pods[0]
            pod_pid = json.loads(output([self.runc, "state", pod_id]))["pid"]
            joined = {t: "/proc/%d/ns/%s" % (pod_pid, f) for t, f in (("network", "net"), ("ipc", "ipc"),
                                                                     ("uts", "uts"))}
            member = self.created(self.bundle("member", annotations=dict(APP, **{SANDBOX_ID: pod_id}), root=root,
                                              namespaces=joined, pod=pod_bundle))
            sandbox = self.created(self.bundle("pods-sandbox", root=root))
            floor, floor_stop = self.floor_for(sandbox, self.hook_choices(sandbox, create, stop), ("createRuntime",))
            rows, t = [], {}
            for count in counts:
                pods += self.start_pods(count - len(pods), root)
                if len(self.registered()) != count:
                    raise BenchError("pods: %d pods started, %d registered" % (count, len(self.registered())))
                log("pods: %d registered" % count)
                self.check_member(member, pod_bundle, create, stop)
                x = alternate({
                    "member": lambda: self.round(member, create, stop),
                    "sandbox": lambda: self.round(sandbox, create, stop),
                    "floor": lambda: self.round(sandbox, floor("createRuntime"), floor_stop),
                    "true2": lambda: (self.run(true, stdin=member["create"]), self.run(true, stdin=member["stop"])),
                }, n)
                t[count] = {k: total(v) for k, v in x.items()}
                T = t[count]
                for k, name in (("member", "pod member"), ("sandbox", "sandbox"),
                                ("floor", "floor of the sandbox round"), ("true2", "two `/bin/true`")):
                    rows.append(row("%d: %s" % (count, name), spread(T[k]), ratio(T[k], T["true2"]),
                                    ratio(T[k], T["sandbox"]), ratio(T[k], T["floor"])))
                for i, st in enumerate(("createRuntime", "poststop")):
                    x_member = stage(x["member"], i)
                    rows.append(row("%d: pod member, %s alone" % (count, st), spread(x_member),
                                    ratio(x_member, stage(x["true2"], i)), ratio(x_member, stage(x["sandbox"], i)),
                                    "–"))
        finally:
            self.delete_pods(pods)
        if self.registered():
            raise BenchError("pods: entries left in the registry: %s" % " ".join(self.registered()))
        self.sections.append(section(
            "Pod members: createRuntime + poststop of an app container joining its sandbox, "
            "with 1 to %d live registered pods, %d rounds each" % (counts[-1], n),
            ["registered pods: measurement", "median ms", "p10", "p90", "× two `/bin/true` (paired)",
             "× sandbox round (paired)", "× floor (paired)"], rows))
        lo, hi = t[counts[0]], t[counts[-1]]
        self.target("pod member round ≤ the sandbox round (1 pod)", ratio(lo["member"], lo["sandbox"]),
                    med(lo["member"]) <= med(lo["sandbox"]))
        flat = (med(hi["member"]) / med(hi["true2"])) / (med(lo["member"]) / med(lo["true2"]))
        self.target("pod member round flat: its ratio to two `/bin/true` with %d pods ÷ with 1 ≤ 1.10"
                    % counts[-1], "%.2f×" % flat, flat <= 1.10)
        # The kernel's mount calls slow down as a node's mounts grow (the
        # floor's round with them): the hook must add no growth of its own.
        flat = (med(hi["sandbox"]) / med(hi["floor"])) / (med(lo["sandbox"]) / med(lo["floor"]))
        self.target("sandbox round flat against its floor: its ratio to the floor with %d pods ÷ with 1 ≤ 1.10"
                    % counts[-1], "%.2f×" % flat, flat <= 1.10)
        self.target("(reference) the floor of the sandbox round with %d pods ÷ with 1" % counts[-1],
                    "%.2f×" % (med(hi["floor"]) / med(lo["floor"])))

    # ------------------------------------- part: the dynamic and static builds

    def build_hook(self, name, configure_flags):
        """Build the hook from this tree (the working tree's files, as git
        lists them) out of tree in the work directory: configure with
        CONFIGURE_FLAGS, `make oci-sandbox-hook`.  Returns the binary."""
        src = os.path.join(self.work, "builds", "src")
        if not os.path.isdir(src):
            ls = subprocess.run(["git", "-C", self.args.top, "ls-files", "-co", "--exclude-standard", "-z"],
                                capture_output=True)
            if ls.returncode != 0:
                raise BenchError("builds: %s is not a git checkout: give --hook-static and --hook-dynamic"
                                 % self.args.top)
            for rel in ls.stdout.decode().split("\0"):
                if rel and os.path.isfile(os.path.join(self.args.top, rel)):
                    os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
                    shutil.copy2(os.path.join(self.args.top, rel), os.path.join(src, rel))
            self.build_step(src, ["./autogen.sh"], "autogen")
        build = os.path.join(self.work, "builds", name)
        os.makedirs(build)
        self.build_step(build, [os.path.join(src, "configure")] + configure_flags, name + " configure")
        self.build_step(build, ["make", "-j%d" % os.cpu_count(), "oci-sandbox-hook"], name + " make")
        return os.path.join(build, "oci-sandbox-hook")

    def build_step(self, cwd, argv, what):
        logfile = os.path.join(self.work, "builds", "build.log")
        with open(logfile, "a") as f:
            f.write("== %s: %s\n" % (what, " ".join(argv)))
            f.flush()
            r = subprocess.run(argv, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=dict(ENV, LC_ALL="C"))
        if r.returncode != 0:
            with open(logfile, errors="replace") as f:
                raise BenchError("builds: %s failed:\n%s" % (what, "".join(f.readlines()[-15:])))

    def linkage(self, binary):
        """What BINARY loads at start (DT_NEEDED) and what its .note.dlopen
        says it may dlopen()."""
        dynamic = output(["readelf", "-dW", binary])
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", dynamic)
        notes = output(["readelf", "-W", "-p", ".note.dlopen", binary]) if ".note.dlopen" in output(
            ["readelf", "-SW", binary]) else ""
        dlopen = re.findall(r'"soname":\["([^"]+)"', notes)
        flags = "BIND_NOW" if re.search(r"\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW", dynamic) else "lazy"
        relr = "RELR" if "(RELR)" in dynamic else ""
        return needed, dlopen, " ".join(x for x in (flags, relr) if x) if needed else "static-pie"

    def ld_statistics(self, argv, stdin):
        """ld.so's own count for one run of ARGV (LD_DEBUG=statistics):
        relocations processed at start and the objects loaded, untimed."""
        with open(stdin, "rb") as f:
            r = subprocess.run(argv, stdin=f, capture_output=True, env=dict(ENV, LD_DEBUG="statistics,files"))
        err = r.stderr.decode(errors="replace")
        relocs = re.findall(r"final number of relocations: (\d+)", err)
        loaded = sorted(set(re.findall(r"file=(\S+) \[0\];  generating link map", err)))
        return (relocs[-1] if relocs else "0"), loaded

    def part_builds(self):
        n = self.rounds(600, 200)
        binaries = {}
        for name, flags, given in (("static", ["--enable-static-binary"], self.args.hook_static),
                                   ("dynamic", [], self.args.hook_dynamic)):
            if given is None:
                log("builds: building the %s build (./configure %s)" % (name, " ".join(flags)))
                given = self.build_hook(name, flags)
            binaries[name] = given
        # The static build again, as another file: the run's noise.
        binaries["static-copy"] = binaries["static"]
        for spec in self.args.compare:
            label, _, path = spec.partition("=")
            if not path or label in binaries or not re.fullmatch(r"[\w.+-]+", label):
                raise BenchError("--compare %s: expected a new LABEL=PATH" % spec)
            binaries[label] = path
        for b, given in binaries.items():
            binaries[b] = os.path.join(self.fs, "oci-sandbox-hook-" + b)
            shutil.copy2(given, binaries[b])
        if self.hook is None or self.parts == ["builds"]:
            self.hook = binaries["static"]  # the machine table's: the one this run measured
        live = self.live_sandbox()
        argv = {(b, st): [binaries[b], "--policy", self.policy, st]
                for b in binaries for st in ("createRuntime", "poststop")}
        rows = []
        linkage = {}
        for b in binaries:
            if b == "static-copy":
                continue
            self.check_effects(live, argv[b, "createRuntime"], argv[b, "poststop"])
            needed, dlopen, binding = linkage[b] = self.linkage(binaries[b])
            relocs_fast, loaded_fast = self.ld_statistics(argv[b, "createRuntime"], live["app"])
            rows.append(row(b, " ".join(needed) or "–", " ".join(dlopen) or "–", binding,
                            relocs_fast if needed else "–", len(loaded_fast) if needed else "–"))
        # What a sandbox's createRuntime loads on top (it dlopen()s libcap-ng):
        # counted by ld.so on a real one, then undone.
        relocs_create, loaded_create = self.ld_statistics(argv["dynamic", "createRuntime"], live["create"])
        self.undo(live, argv["dynamic", "poststop"])
        # The loader's own cost: the floor linked as the dynamic build is
        # (its DT_NEEDED libraries and binding, and the libraries its
        # sandbox's createRuntime dlopen()s) against the static-pie floor
        # that starts the same libraries as the static build does.
        needed, _, binding = linkage["dynamic"]
        loads = [so for so in loaded_create if os.path.basename(so) not in needed]
        if len(loads) > 1:
            raise BenchError("builds: the floor loads one library, the dynamic build's createRuntime %s" % loads)
        load = loads[0] if loads else None
        floor_dynamic = os.path.join(self.fs, "floor-dynamic")
        output([tool("cc"), "-O2", "-DFLOOR_DYNAMIC", "-o", floor_dynamic, os.path.join(self.args.top, "bench/floor.c")]
               + (["-Wl,-z,relro", "-Wl,-z,now"] if binding.startswith("BIND_NOW") else [])
               + ["-Wl,--no-as-needed"] + ["-l:" + so for so in needed if so != "libc.so.6"])
        floor_needed, _, floor_binding = self.linkage(floor_dynamic)
        if (floor_needed, floor_binding.split()[0]) != (needed, binding.split()[0]):
            raise BenchError("builds: the dynamic floor links %s (%s), the dynamic build %s (%s)"
                             % (floor_needed, floor_binding, needed, binding))
        relocs_exit, loaded_exit = self.ld_statistics([floor_dynamic, "exit"], live["app"])
        rows.append(row("floor, linked as the dynamic build", " ".join(floor_needed),
                        "(`--load` %s)" % load if load else "–", floor_binding, relocs_exit,
                        len(loaded_exit)))
        self.sections.append(section(
            "The builds: what ld.so does at start (untimed, `LD_DEBUG=statistics,files`)",
            ["build", "DT_NEEDED", ".note.dlopen", "binding", "relocations, not-a-sandbox",
             "objects loaded, not-a-sandbox"], rows, numbers=False)
            + "\nA sandbox's createRuntime of the dynamic build: %s relocations, %d objects loaded (%s).\n"
            % (relocs_create, len(loaded_create), ", ".join(os.path.basename(x) for x in loaded_create)))
        choices = self.hook_choices(live, argv["static", "createRuntime"], argv["static", "poststop"])
        floors = {"floor-static": self.floor_for(live, choices, ("createRuntime",), load=load),
                  "floor-dynamic": self.floor_for(live, choices, ("createRuntime",), binary=floor_dynamic, load=load)}
        true = ["/bin/true"]
        variants = {}
        for b in binaries:
            variants[b] = lambda b=b: self.round(live, argv[b, "createRuntime"], argv[b, "poststop"])
            variants[b + " fast"] = lambda b=b: (self.run(argv[b, "createRuntime"], stdin=live["app"]),)
        for f, (floor, floor_stop) in floors.items():
            variants[f] = lambda floor=floor, floor_stop=floor_stop: self.round(
                live, floor("createRuntime"), floor_stop)
        variants["exit-static"] = lambda: (self.run([self.floor, "exit"], stdin=live["app"]),)
        variants["exit-dynamic"] = lambda: (self.run([floor_dynamic, "exit"], stdin=live["app"]),)
        variants["true2"] = lambda: (self.run(true, stdin=live["create"]), self.run(true, stdin=live["stop"]))
        variants["true1"] = lambda: (self.run(true, stdin=live["app"]),)
        log("builds: %d builds and the floor linked both ways on a live sandbox, %d variants x %d rounds"
            % (len(binaries), len(variants), n))
        t = alternate(variants, n)
        T = {k: total(v) for k, v in t.items()}
        loading = "; its createRuntime `dlopen()`s " + load if load else ""
        names = {"static": "static-pie build", "dynamic": "dynamic build",
                 "static-copy": "static-pie build, a second copy of the binary (the run's noise)",
                 "floor-static": "floor, static-pie" + ("; its createRuntime starts %s as the static build does"
                                                        % load if load else ""),
                 "floor-dynamic": "floor, linked as the dynamic build: %s%s" % (", ".join(needed), loading),
                 "exit-static": "a `main` that returns at once (`floor exit`), static-pie",
                 "exit-dynamic": "a `main` that returns at once, linked as the dynamic build"}
        name = lambda b: names.get(b, "`%s`" % b)  # noqa: E731
        rounds = list(binaries) + list(floors)
        rows = [row("round: " + name(b), spread(T[b]), ratio(T[b], T["static"]), ratio(T[b], T["true2"]))
                for b in rounds]
        rows.append(row("round: two `/bin/true`", spread(T["true2"]), ratio(T["true2"], T["static"]), "1.00×"))
        for i, st in enumerate(("createRuntime", "poststop")):
            for b in rounds:
                x = stage(t[b], i)
                rows.append(row("%s alone: %s" % (st, name(b)), spread(x), ratio(x, stage(t["static"], i)),
                                ratio(x, stage(t["true2"], i))))
        for b in binaries:
            k = b + " fast"
            rows.append(row("not a sandbox: " + name(b), spread(T[k]), ratio(T[k], T["static fast"]),
                            ratio(T[k], T["true1"])))
        for k in ("exit-static", "exit-dynamic"):
            rows.append(row(name(k), spread(T[k]), ratio(T[k], T["static fast"]), ratio(T[k], T["true1"])))
        rows.append(row("one `/bin/true`", spread(T["true1"]), ratio(T["true1"], T["static fast"]), "1.00×"))
        self.sections.append(section(
            "The dynamic build against the static-pie build: a live `runc create`d sandbox, %d rounds" % n,
            ["measurement (a round: createRuntime + poststop)", "median ms", "p10", "p90",
             "× static-pie build, same measurement (paired)",
             "× `/bin/true`: two per round, one per stage or fast path (paired)"], rows))
        goal = 1.25
        self.target("dynamic build ≤ %.2f× the static build (round)" % goal, ratio(T["dynamic"], T["static"]),
                    med(T["dynamic"]) <= goal * med(T["static"]))
        self.target("(reference) dynamic ÷ static build, not a sandbox",
                    ratio(T["dynamic fast"], T["static fast"]))
        # What the same linking costs the floor is what the loader costs any
        # program doing this work: the part of the builds' difference that
        # no change to the hook can remove.
        self.target("(reference) the floor linked as the dynamic build ÷ static-pie (round): the loader's own cost",
                    ratio(T["floor-dynamic"], T["floor-static"]))
        self.target("(reference) dynamic − static build ÷ the same for the floor (round): the share that is the "
                    "loader's", difference_ratio(T["dynamic"], T["static"], T["floor-dynamic"], T["floor-static"]))
        self.target("(reference) the lowest the target can read here: the static build's round plus the floor's "
                    "loader cost, ÷ the static build's round",
                    lowest_ratio(T["static"], T["floor-dynamic"], T["floor-static"], goal))
        self.target("(reference) dynamic − static build ÷ the same for a `main` that returns at once (not a sandbox)",
                    difference_ratio(T["dynamic fast"], T["static fast"], T["exit-dynamic"], T["exit-static"]))
        self.target("(reference) the static build, a second copy ÷ the first (round): "
                    "differences within it are noise", ratio(T["static-copy"], T["static"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="private work directory (bench/run.sh makes it)")
    ap.add_argument("--top", required=True, help="source tree")
    ap.add_argument("--hook", required=True, help="hook binary to measure ('': only part builds, which builds one)")
    ap.add_argument("--hook-static", help="part builds: the static-pie build (default: built from --top)")
    ap.add_argument("--hook-dynamic", help="part builds: the default, dynamic build (default: built from --top)")
    ap.add_argument("--compare", action="append", default=[], metavar="LABEL=PATH",
                    help="part builds: one more build to alternate with the two (repeatable)")
    ap.add_argument("--log-socket", required=True, help="a listening syslog socket")
    ap.add_argument("--listener-pid", required=True, type=int,
                    help="the process listening on it, which writes each record to WORK/hook.log")
    ap.add_argument("--id-prefix", required=True, help="prefix of this run's container ids")
    ap.add_argument("--cgroup-parent", required=True,
                    help="this run's cgroup, below every hierarchy's root: the pods' cgroups go in it")
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--parts", default=",".join(PARTS), help="comma-separated, of: " + " ".join(PARTS))
    args = ap.parse_args()
    parts = args.parts.split(",")
    if not set(parts) <= set(PARTS):
        ap.error("--parts: expected some of " + ",".join(PARTS))
    if not args.hook and parts != ["builds"]:
        ap.error("--hook: only part builds runs without a hook binary")
    bench = Bench(args)
    started = time.monotonic()
    try:
        bench.setup()
        for part in PARTS:
            if part in parts:
                getattr(bench, "part_" + part)()
        head = [bench.machine()]
    except BenchError as e:
        log("FAILED: %s" % e)
        return 1
    except KeyboardInterrupt:
        return 130
    head.append(section("Targets", ["target", "measured", ""], bench.targets, numbers=False))
    print("\n".join(head + bench.sections))
    log("done in %.0f s" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
