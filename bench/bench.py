#!/usr/bin/env python3
"""oci-sandbox-hook benchmarks: what the hook costs a pod start.

Run through bench/run.sh (root, a private work directory, cleanup on any
exit).  Every comparison is a ratio against a baseline measured in the same
run; variants are interleaved round by round; tables report medians with
p10/p90.  Nothing here asserts a wall-clock bound: it prints tables.

Parts (--parts, default 1,2,3,4; --profile adds 5):
  1  container start: `runc run` of a busybox sandbox, four hook variants
  2  hook process cost, isolated, against /bin/true spawns
  3  precreate and plan on 4 KiB .. 8 MiB configs: time, peak RSS, linearity
  4  16 sandboxes started in parallel, with the hook and without hooks
  5  profile: loader, libraries, syscalls, namespace children, callgrind,
     massif, relinked variants of the hook (bench/profile.py)
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

SANDBOX_KEY = "io.kubernetes.cri.container-type"
PATH_ENV = "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
APPLETS = "sh cat echo true df grep ls mount umount touch stat head tail wc printf hostname".split()
PORTS = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
TARGET_FILES = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/dev/shm"]
MiB = 1 << 20


class BenchError(Exception):
    pass


# ------------------------------------------------------------------ statistics


def pct(values, p):
    """The p-th percentile (0..100), linear interpolation."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def med(values):
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return a / b if b else float("nan")


def paired_ratio(a, b):
    """Median of the per-round ratios a[i]/b[i]: robust to slow drift."""
    return med([x / y for x, y in zip(a, b) if y])


def fmt_ms(ns):
    return "%.2f" % (ns / 1e6)


def fmt_x(r):
    return "%.2f×" % r


# ------------------------------------------------------------------- processes


class Runner:
    """posix_spawn + wait4, timed with perf_counter_ns; stderr of every child
    goes to one file so that a failure can show it."""

    def __init__(self, work):
        self.err_path = os.path.join(work, "children.err")
        self.err_fd = os.open(self.err_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.null_fd = os.open("/dev/null", os.O_RDWR)

    def close(self):
        os.close(self.err_fd)
        os.close(self.null_fd)

    def err_tail(self, n=8):
        try:
            with open(self.err_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""

    def start(self, argv, stdin=None, stdout=None):
        """Spawn without waiting; returns (pid, fds to close)."""
        fds = []
        in_fd = self.null_fd
        out_fd = self.null_fd
        if stdin is not None:
            in_fd = os.open(stdin, os.O_RDONLY)
            fds.append(in_fd)
        if stdout is not None:
            out_fd = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            fds.append(out_fd)
        actions = [
            (os.POSIX_SPAWN_DUP2, in_fd, 0),
            (os.POSIX_SPAWN_DUP2, out_fd, 1),
            (os.POSIX_SPAWN_DUP2, self.err_fd, 2),
        ]
        pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
        return pid, fds

    def run(self, argv, stdin=None, stdout=None, check=True):
        """Run to completion; returns nanoseconds from spawn to reaped."""
        in_fd = None
        fds = []
        # Open the files before the clock starts: the same for every variant.
        pid = None
        try:
            if stdin is not None:
                in_fd = os.open(stdin, os.O_RDONLY)
                fds.append(in_fd)
            out_fd = self.null_fd
            if stdout is not None:
                out_fd = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                fds.append(out_fd)
            actions = [
                (os.POSIX_SPAWN_DUP2, in_fd if in_fd is not None else self.null_fd, 0),
                (os.POSIX_SPAWN_DUP2, out_fd, 1),
                (os.POSIX_SPAWN_DUP2, self.err_fd, 2),
            ]
            t0 = time.perf_counter_ns()
            pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
            _, status, _ = os.wait4(pid, 0)
            t1 = time.perf_counter_ns()
        finally:
            for fd in fds:
                os.close(fd)
        if check and status != 0:
            raise BenchError(
                "%s failed (wait status %d):\n%s" % (" ".join(argv), status, self.err_tail())
            )
        return t1 - t0


def sh(cmd, check=True, capture=True, stdin=None):
    """A setup command (untimed)."""
    r = subprocess.run(
        cmd,
        shell=isinstance(cmd, str),
        check=False,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
        env=ENV,
    )
    if check and r.returncode != 0:
        raise BenchError(
            "%s: exit %d\n%s%s"
            % (cmd, r.returncode, (r.stdout or b"").decode(), (r.stderr or b"").decode())
        )
    return (r.stdout or b"").decode()


def mounts_below(path):
    """Mount points strictly below PATH in our mount namespace, deepest first."""
    out = []
    prefix = path.rstrip("/") + "/"
    with open("/proc/self/mountinfo") as f:
        for line in f:
            target = line.split()[4].encode().decode("unicode_escape")
            if target.startswith(prefix):
                out.append(target)
    return sorted(out, key=len, reverse=True)


# ---------------------------------------------------------------- the context


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.work = os.path.realpath(args.work)
        self.top = os.path.realpath(args.top)
        self.prefix = "oshb-" + os.path.basename(self.work).split(".")[-1]
        self.ids = []
        self.counter = 0
        self.receiver = None
        self.fs = os.path.join(self.work, "fs")
        self.disk = os.path.join(self.work, "disk")
        self.runner = None
        self.rows = {}  # section -> list of markdown rows
        self.targets = []  # (target, measured, verdict)
        self.results = {}  # raw numbers for --json
        self.live = {}  # name -> (id, pid, bundle)

    # -------------------------------------------------------------- helpers

    def log(self, msg):
        try:
            print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)
        except OSError:
            pass  # stderr gone (a closed pipe): keep cleaning up

    def new_id(self, tag):
        self.counter += 1
        cid = "%s-%s-%d" % (self.prefix, tag, self.counter)
        self.ids.append(cid)
        return cid

    def rounds(self, full, quick):
        n = self.args.rounds_scale
        return max(2, int(round((quick if self.quick else full) * n)))

    # -------------------------------------------------------------- setup

    def setup(self):
        os.makedirs(self.fs, exist_ok=True)
        os.makedirs(self.disk, exist_ok=True)
        # A private tmpfs for bundles, as /run is on a real node, made shared
        # so that mounts below it propagate into containers' namespaces as on
        # a systemd host.  Only this mount's propagation is changed.
        sh(["mount", "-t", "tmpfs", "-o", "size=2g,mode=0755", "oshb-bench", self.fs])
        sh(["mount", "--make-shared", self.fs])
        self.runner = Runner(self.work)
        self.runc = shutil.which("runc", path=ENV["PATH"])
        self.nsenter = shutil.which("nsenter", path=ENV["PATH"])
        self.hook = os.path.join(self.fs, "oci-sandbox-hook")
        shutil.copy2(self.args.hook, self.hook)
        self.manual = os.path.join(self.fs, "manual-hook.sh")
        shutil.copy2(os.path.join(self.top, "bench", "manual-hook.sh"), self.manual)
        os.chmod(self.manual, 0o755)
        self.sock = os.path.join(self.work, "log.sock")
        self.log_txt = os.path.join(self.work, "hook.log")
        self.receiver = subprocess.Popen(
            [sys.executable, os.path.join(self.top, "contrib", "syslog-receiver.py"), self.sock, self.log_txt],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if os.path.exists(self.sock):
                break
            time.sleep(0.05)
        else:
            raise BenchError("syslog receiver did not start")
        default_match = {
            "annotations": {
                "io.kubernetes.cri.container-type": "sandbox",
                "io.kubernetes.cri-o.ContainerType": "sandbox",
                "io.kubernetes.docker.type": "podsandbox",
            }
        }
        self.policy = self.write_json("policy.json", {"log_socket": self.sock})
        self.policy_nolisten = self.write_json(
            "policy-nolisten.json", {"log_socket": os.path.join(self.work, "nobody-listens.sock")}
        )
        self.policy_annot = self.write_json(
            "policy-annotations.json", {"log_socket": self.sock, "sandbox_match": default_match}
        )
        # runc's default spec: the base of every bundle.
        tmp = os.path.join(self.work, "spec")
        os.makedirs(tmp)
        subprocess.run([self.runc, "spec"], cwd=tmp, check=True, env=ENV)
        with open(os.path.join(tmp, "config.json")) as f:
            self.spec = json.load(f)
        self.spec["process"]["terminal"] = False
        self.spec["process"]["args"] = ["true"]
        self.spec["annotations"] = {SANDBOX_KEY: "sandbox"}

    def write_json(self, name, obj, directory=None):
        path = os.path.join(directory or self.work, name)
        with open(path, "w") as f:
            json.dump(obj, f, indent="\t")
        return path

    def build_rootfs(self, root):
        for d in ("bin", "proc", "dev", "sys", "etc", "tmp"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.copy2("/bin/busybox", os.path.join(root, "bin", "busybox"))
        for a in APPLETS:
            os.symlink("busybox", os.path.join(root, "bin", a))
        # As in most images; a created container's root is read-only, so
        # the hook could not create its mount targets there later.
        for f in ("hostname", "hosts", "resolv.conf"):
            open(os.path.join(root, "etc", f), "w").close()

    def hooks_for(self, variant):
        if variant == "none":
            return None
        if variant == "true":
            e = {"path": "/bin/true", "args": ["true"], "env": [PATH_ENV]}
            return {"createRuntime": [e], "poststop": [dict(e)]}
        if variant == "hook":
            path, args = self.hook, ["oci-sandbox-hook", "--policy", self.policy]
        elif variant == "manual":
            path, args = self.manual, ["manual-hook.sh"]
        else:
            raise ValueError(variant)
        return {
            "createRuntime": [{"path": path, "args": args + ["createRuntime"], "env": [PATH_ENV]}],
            "poststop": [{"path": path, "args": args + ["poststop"], "env": [PATH_ENV]}],
        }

    def make_bundle(self, directory, variant, args=None, annotations=None):
        os.makedirs(directory, exist_ok=True)
        if not os.path.exists(os.path.join(directory, "rootfs")):
            self.build_rootfs(os.path.join(directory, "rootfs"))
        cfg = json.loads(json.dumps(self.spec))
        if args:
            cfg["process"]["args"] = args
        if annotations is not None:
            cfg["annotations"] = annotations
        hooks = self.hooks_for(variant)
        if hooks:
            cfg["hooks"] = hooks
        self.write_json("config.json", cfg, directory)
        return directory

    def set_args(self, bundle, args):
        path = os.path.join(bundle, "config.json")
        with open(path) as f:
            cfg = json.load(f)
        cfg["process"]["args"] = args
        self.write_json("config.json", cfg, bundle)

    def bundle_leftovers(self, bundle):
        left = [p for p in ("oci-sandbox-hook", "manual-hook") if os.path.exists(os.path.join(bundle, p))]
        left += mounts_below(bundle)
        return left

    def runc_run(self, bundle, tag, stdout=None):
        cid = self.new_id(tag)
        return self.runner.run([self.runc, "run", "-b", bundle, cid], stdout=stdout)

    # ------------------------------------------------------------ cleanup

    def cleanup(self):
        problems = []
        if self.receiver:
            self.receiver.terminate()
            try:
                self.receiver.wait(5)
            except subprocess.TimeoutExpired:
                self.receiver.kill()
        runc = shutil.which("runc", path=ENV["PATH"]) or "runc"
        try:
            listed = subprocess.run([runc, "list", "-q"], capture_output=True, env=ENV).stdout.decode().split()
        except OSError:
            listed = []
        for cid in set(listed):
            if cid.startswith(self.prefix + "-"):
                subprocess.run([runc, "delete", "-f", cid], capture_output=True, env=ENV)
        for m in mounts_below(self.work):
            if subprocess.run(["umount", m], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", m], capture_output=True)
        if os.path.isdir(self.fs) and os.path.ismount(self.fs):
            subprocess.run(["umount", "-l", self.fs], capture_output=True)
        if self.runner:
            self.runner.close()
        left = [c for c in subprocess.run([runc, "list", "-q"], capture_output=True, env=ENV)
                .stdout.decode().split() if c.startswith(self.prefix + "-")]
        if left:
            problems.append("containers left: %s" % left)
        if mounts_below(self.work):
            problems.append("mounts left: %s" % mounts_below(self.work))
        return problems

    # --------------------------------------------------------- machine info

    def machine(self):
        info = {}
        info["nproc"] = os.cpu_count()
        mem = sh("free -h | awk '/^Mem:/ {print $2}'").strip()
        info["memory"] = mem
        info["kernel"] = platform.release()
        model = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        info["cpu"] = model
        info["runc"] = sh("runc --version | head -1").strip()
        info["crun"] = sh("crun --version 2>/dev/null | head -1", check=False).strip() or "absent"
        v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
        hybrid = os.path.exists("/sys/fs/cgroup/unified/cgroup.controllers")
        info["cgroups"] = "v2 (unified)" if v2 else ("hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)" if hybrid else "v1")
        info["python"] = platform.python_version()
        with open(self.hook, "rb") as f:
            blob = f.read()
        info["hook_sha256"] = hashlib.sha256(blob).hexdigest()[:16]
        info["hook_version"] = sh([self.hook, "--version"]).strip()
        info["hook_build"] = "test build (fault injection compiled in)" if b"OCI_SANDBOX_HOOK_FAIL_AFTER" in blob else "release build"
        info["hook_linkage"] = sh("ldd %s | awk '{print $1}' | tr '\\n' ' '" % self.hook).strip()
        git = sh("cd %s && git rev-parse --short HEAD 2>/dev/null && git status --porcelain -- src | wc -l" % self.top, check=False).split()
        if git:
            info["git"] = git[0] + (" + %s modified file(s) under src/" % git[1] if len(git) > 1 and git[1] != "0" else "")
        info["create_us_tmp"] = self.create_latency(self.disk)
        info["create_us_tmpfs"] = self.create_latency(self.fs)
        self.info = info
        return info

    def create_latency(self, base):
        d = os.path.join(base, "create-probe")
        os.makedirs(d)
        ts = []
        for i in range(40):
            t0 = time.perf_counter_ns()
            fd = os.open(os.path.join(d, "f%d" % i), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            ts.append(time.perf_counter_ns() - t0)
            os.close(fd)
        shutil.rmtree(d)
        return med(ts) / 1e3

    # ------------------------------------------------ part 1: container start

    def part1(self):
        n = self.rounds(100, 30)
        self.log("part 1: runc run, 4 variants × %d rounds" % n)
        variants = ["none", "true", "hook", "manual"]
        bundles = {v: self.make_bundle(os.path.join(self.fs, "p1-" + v), v) for v in variants}
        # Prove each variant does its work before timing it.
        check = (
            "echo port=$(cat %s); echo shm=$(df -k /dev/shm | tail -1 | awk '{print $2}');"
            " echo resolv=$(wc -c </etc/resolv.conf 2>/dev/null || echo -); echo host=$(cat /etc/hostname 2>/dev/null || echo -)"
            % PORTS
        )
        want = {"hook": {"port": "0", "shm": "65536"}, "manual": {"port": "0", "shm": "65536"}}
        self.checks = {}
        for v in variants:
            b = bundles[v]
            self.set_args(b, ["sh", "-c", check])
            out = os.path.join(self.work, "p1-check-%s.out" % v)
            self.runc_run(b, "p1c" + v, stdout=out)
            with open(out) as f:
                got = dict(line.strip().split("=", 1) for line in f if "=" in line)
            self.checks[v] = got
            for k, val in want.get(v, {}).items():
                if got.get(k) != val:
                    raise BenchError("part 1: variant %s: container sees %s=%s, expected %s" % (v, k, got.get(k), val))
            if v in want and got.get("resolv") in ("-", "0"):
                raise BenchError("part 1: variant %s: no /etc/resolv.conf in the container" % v)
            left = self.bundle_leftovers(b)
            if left:
                raise BenchError("part 1: variant %s left %s" % (v, left))
            self.set_args(b, ["true"])
        self.log("part 1: checks passed: %s" % self.checks)
        times = {v: [] for v in variants}
        for _ in range(2):  # warm-up, untimed
            for v in variants:
                self.runc_run(bundles[v], "p1w")
        for r in range(n):
            # Interleaved, and rotated so that no variant always follows the
            # heavy shell hook.
            for i in range(len(variants)):
                v = variants[(r + i) % len(variants)]
                times[v].append(self.runc_run(bundles[v], "p1"))
        for v in variants:
            left = self.bundle_leftovers(bundles[v])
            if left:
                raise BenchError("part 1: variant %s left %s" % (v, left))
        self.results["part1"] = times
        base, floor = times["none"], times["true"]
        names = {
            "none": "no hooks",
            "true": "`/bin/true` createRuntime + poststop",
            "hook": "oci-sandbox-hook (syslog listener)",
            "manual": "`bench/manual-hook.sh` (jq, nsenter, mount)",
        }
        rows = ["| variant | median ms | p10 | p90 | × no hooks | × `/bin/true` hooks (paired) | Δ no hooks ms | Δ `/bin/true` hooks ms |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for v in variants:
            t = times[v]
            rows.append(
                "| %s | %s | %s | %s | %s | %s (%s) | %+.2f | %+.2f |"
                % (names[v], fmt_ms(med(t)), fmt_ms(pct(t, 10)), fmt_ms(pct(t, 90)),
                   fmt_x(ratio(med(t), med(base))), fmt_x(ratio(med(t), med(floor))),
                   fmt_x(paired_ratio(t, floor)), (med(t) - med(base)) / 1e6, (med(t) - med(floor)) / 1e6)
            )
        self.rows["part1"] = ("Container start: `runc run` (create, start, `true`, delete), %d rounds" % n, rows)
        r = ratio(med(times["hook"]), med(floor))
        self.targets.append(("`runc run` with the hook within 10 % of `runc run` with `/bin/true` hooks",
                             "%s (paired %s), %+.2f ms on %s ms" % (fmt_x(r), fmt_x(paired_ratio(times["hook"], floor)),
                                                                  (med(times["hook"]) - med(floor)) / 1e6, fmt_ms(med(floor))),
                             "met" if r <= 1.10 else "missed"))
        rm = ratio(med(times["hook"]), med(times["manual"]))
        self.targets.append(("(context) hook vs the hand-written shell hook", fmt_x(rm),
                             "hook faster" if rm < 1 else "hook slower"))

    # ---------------------------------------------- part 2: the hook process

    def create_live(self, name, directory):
        b = self.make_bundle(directory, "none")
        cid = self.new_id("live-" + name)
        # The container's init keeps its stdio: never a pipe we would wait on.
        self.runner.run([self.runc, "create", "-b", b, cid])
        state = json.loads(sh(["runc", "state", cid]))
        pid = state["pid"]
        hook_state = {"ociVersion": state["ociVersion"], "id": cid, "status": "creating", "pid": pid,
                      "bundle": state["bundle"], "annotations": state.get("annotations", {})}
        create = self.write_json("state-%s-create.json" % name, hook_state)
        stopped = dict(hook_state, status="stopped")
        del stopped["pid"]
        stop = self.write_json("state-%s-stop.json" % name, stopped)
        with open("/proc/%d/mountinfo" % pid) as f:
            n_mounts = len(f.readlines())
        self.live[name] = {"id": cid, "pid": pid, "bundle": b, "create": create, "stop": stop, "mounts": n_mounts}
        return self.live[name]

    def reset_live(self, live):
        """createRuntime on a created (pivoted) container mounts into its
        namespace; poststop only undoes the host side (the namespace dies
        with the container).  Detach the container-side mounts so the next
        round starts from the same state (untimed)."""
        self.runner.run([self.nsenter, "-t", str(live["pid"]), "-m", "/bin/busybox", "umount"] + TARGET_FILES)
        with open("/proc/%d/mountinfo" % live["pid"]) as f:
            n = len(f.readlines())
        if n != live["mounts"]:
            raise BenchError("live sandbox %s: %d mounts after reset, expected %d" % (live["id"], n, live["mounts"]))

    def cr_ps(self, live, policy, hook=None):
        hook = hook or self.hook
        a = self.runner.run([hook, "--policy", policy, "createRuntime"], stdin=live["create"])
        b = self.runner.run([hook, "--policy", policy, "poststop"], stdin=live["stop"])
        left = self.bundle_leftovers(live["bundle"])
        if left:
            raise BenchError("poststop left %s" % left)
        self.reset_live(live)
        return a, b

    def setup_live(self):
        """The live sandbox (bundle on the tmpfs) and the state of a pod's
        app container (not a sandbox; never created: only its config.json
        is read, under the default policy's command rule)."""
        if hasattr(self, "p2"):
            return self.p2
        tmp = self.create_live("tmpfs", os.path.join(self.fs, "live"))
        annotations = {SANDBOX_KEY: "container", "io.kubernetes.cri.sandbox-id": "0123456789ab"}
        app_bundle = self.make_bundle(os.path.join(self.fs, "app"), "none", annotations=annotations)
        app_state = self.write_json("state-app.json", {
            "ociVersion": "1.0.2-dev", "id": self.prefix + "-app", "status": "creating", "pid": tmp["pid"],
            "bundle": app_bundle, "annotations": annotations})
        self.p2 = {"tmp": tmp, "app_state": app_state}
        return self.p2

    def part2(self):
        n = self.rounds(300, 100)
        self.log("part 2: hook process cost, %d rounds" % n)
        live = self.setup_live()
        tmp, app_state = live["tmp"], live["app_state"]
        disk = self.create_live("disk", os.path.join(self.disk, "live"))
        # Prove the hook acts on the live sandbox before timing it.
        self.runner.run([self.hook, "--policy", self.policy, "createRuntime"], stdin=tmp["create"])
        port = sh(["nsenter", "-t", str(tmp["pid"]), "-n", "cat", PORTS]).strip()
        with open("/proc/%d/mountinfo" % tmp["pid"]) as f:
            shm = [line for line in f if line.split()[4] == "/dev/shm"][-1]
        self.runner.run([self.hook, "--policy", self.policy, "poststop"], stdin=tmp["stop"])
        self.reset_live(tmp)
        if port != "0" or "size=65536k" not in shm:
            raise BenchError("part 2: createRuntime on the live sandbox: port %s, /dev/shm %s" % (port, shm))
        h, true = self.hook, "/bin/true"
        pol = self.policy
        variants = {
            "cr_ps": lambda: self.cr_ps(tmp, pol),
            "true2": lambda: (self.runner.run([true], stdin=tmp["create"]), self.runner.run([true], stdin=tmp["stop"])),
            "fast_cmd": lambda: (self.runner.run([h, "--policy", pol, "createRuntime"], stdin=app_state),),
            "fast_annot": lambda: (self.runner.run([h, "--policy", self.policy_annot, "createRuntime"], stdin=app_state),),
            "true1": lambda: (self.runner.run([true], stdin=app_state),),
            "plan": lambda: (self.runner.run([h, "--policy", pol, "plan", "--bundle", tmp["bundle"]]),),
            "version": lambda: (self.runner.run([h, "--version"]),),
            "cr_ps_nolisten": lambda: self.cr_ps(tmp, self.policy_nolisten),
            "cr_ps_disk": lambda: self.cr_ps(disk, pol),
        }
        order = list(variants)
        times = {k: [] for k in order}
        for k in order:  # warm-up
            variants[k]()
        for r in range(n):
            for i in range(len(order)):
                k = order[(r + i) % len(order)]
                times[k].append(variants[k]())
        self.results["part2"] = times
        T = {k: [sum(x) for x in v] for k, v in times.items()}
        cr = [x[0] for x in times["cr_ps"]]
        ps = [x[1] for x in times["cr_ps"]]
        t1 = T["true1"]
        rows = ["| measurement | median ms | p10 | p90 | baseline | × baseline (paired) |",
                "|---|---:|---:|---:|---|---:|"]

        def row(name, t, base, base_name):
            rows.append("| %s | %s | %s | %s | %s | %s (%s) |" % (
                name, fmt_ms(med(t)), fmt_ms(pct(t, 10)), fmt_ms(pct(t, 90)), base_name,
                fmt_x(ratio(med(t), med(base))), fmt_x(paired_ratio(t, base)) if len(t) == len(base) else "–"))

        row("createRuntime + poststop (tmpfs bundle, syslog listener)", T["cr_ps"], T["true2"], "two `/bin/true`")
        row("  createRuntime alone", cr, [x[0] for x in times["true2"]], "one `/bin/true`")
        row("  poststop alone", ps, [x[1] for x in times["true2"]], "one `/bin/true`")
        row("createRuntime + poststop, nobody listening on log_socket", T["cr_ps_nolisten"], T["true2"], "two `/bin/true`")
        row("createRuntime + poststop, bundle on /tmp (ext4 here)", T["cr_ps_disk"], T["true2"], "two `/bin/true`")
        row("two `/bin/true`", T["true2"], T["true2"], "itself")
        row("not a sandbox, default policy (command rule: config.json read)", T["fast_cmd"], t1, "one `/bin/true`")
        row("not a sandbox, annotations-only policy (state decides)", T["fast_annot"], t1, "one `/bin/true`")
        row("`plan --bundle` (typical config, %d bytes)" % os.path.getsize(os.path.join(tmp["bundle"], "config.json")),
            T["plan"], t1, "one `/bin/true`")
        row("`--version` (exec + dynamic loading + exit)", T["version"], t1, "one `/bin/true`")
        row("one `/bin/true`", t1, t1, "itself")
        self.rows["part2"] = ("Hook process cost, isolated (live `runc create`d sandbox), %d rounds" % n, rows)
        r = ratio(med(T["cr_ps"]), med(T["true2"]))
        self.targets.append(("isolated createRuntime+poststop ≤ 2× two `/bin/true` spawns",
                             "%s (%s ms vs %s ms)" % (fmt_x(r), fmt_ms(med(T["cr_ps"])), fmt_ms(med(T["true2"]))),
                             "met" if r <= 2 else "missed"))
        for k, label in (("fast_cmd", "fast path ≤ 1.5× `/bin/true`, default policy (reads config.json)"),
                         ("fast_annot", "fast path ≤ 1.5× `/bin/true`, annotations-only policy")):
            r = ratio(med(T[k]), med(t1))
            self.targets.append((label, fmt_x(r), "met" if r <= 1.5 else "missed"))

    # ------------------------------------------------------ part 3: scaling

    def generate_config(self, target):
        """runc's spec made a sandbox, grown with annotations, mounts and env
        entries (a third each) to about TARGET bytes; valid for runc."""
        cfg = json.loads(json.dumps(self.spec))
        cfg["process"]["args"] = ["true"]
        base = len(json.dumps(cfg, indent="\t"))

        def entries(i):
            return (
                ("example.com/bench-annotation-%07d" % i, "value-%07d-%s" % (i, "x" * 40)),
                {"destination": "/mnt/bench/%07d" % i, "type": "tmpfs", "source": "tmpfs",
                 "options": ["nosuid", "nodev", "mode=755", "size=65536k"]},
                "BENCH_VAR_%07d=%s" % (i, "v" * 40),
            )

        probe = json.loads(json.dumps(cfg))
        for i in range(1, 101):
            (k, v), m, e = entries(i)
            probe["annotations"][k] = v
            probe["mounts"].append(m)
            probe["process"]["env"].append(e)
        per = (len(json.dumps(probe, indent="\t")) - base) / 100.0
        count = max(0, int((target - base) / per))
        for i in range(1, count + 1):
            (k, v), m, e = entries(i)
            cfg["annotations"][k] = v
            cfg["mounts"].append(m)
            cfg["process"]["env"].append(e)
        text = json.dumps(cfg, indent="\t")
        # Pad the last bytes with one annotation so sizes are close to round.
        if len(text) < target - 64:
            pad = target - len(text) - 40
            cfg["annotations"]["example.com/bench-pad"] = "p" * max(1, pad)
            text = json.dumps(cfg, indent="\t")
        return text, count

    def part3(self):
        n = self.rounds(25, 9)
        sizes = [("4 KiB", 4096), ("256 KiB", 256 << 10), ("1 MiB", MiB), ("8 MiB", 8 * MiB)]
        self.log("part 3: precreate and plan on %s, %d rounds" % (", ".join(s[0] for s in sizes), n))
        cases = []
        for label, size in sizes:
            text, count = self.generate_config(size)
            d = os.path.join(self.fs, "scale-%d" % size)
            os.makedirs(d)
            path = os.path.join(d, "config.json")
            with open(path, "w") as f:
                f.write(text)
            # Valid, and precreate does its job on it.
            out = os.path.join(self.work, "precreate.out")
            self.runner.run([self.hook, "--policy", self.policy, "precreate"], stdin=path, stdout=out)
            with open(out) as f:
                res = json.load(f)
            if res["linux"].get("sysctl", {}).get("net.ipv4.ip_unprivileged_port_start") != "0":
                raise BenchError("precreate on %s did not add the sysctl" % label)
            if len(res["mounts"]) != len(json.loads(text)["mounts"]):
                raise BenchError("precreate on %s lost mounts" % label)
            os.unlink(out)
            self.runner.run([self.hook, "--policy", self.policy, "plan", "--bundle", d])
            cases.append((label, size, len(text), d, path, count))
        times = {(c[0], s): [] for c in cases for s in ("precreate", "plan")}
        runs = []
        for c in cases:
            runs.append(((c[0], "precreate"), [self.hook, "--policy", self.policy, "precreate"], c[4]))
            runs.append(((c[0], "plan"), [self.hook, "--policy", self.policy, "plan", "--bundle", c[3]], None))
        for key, argv, stdin in runs:  # warm-up
            self.runner.run(argv, stdin=stdin)
        for r in range(n):
            for i in range(len(runs)):
                key, argv, stdin = runs[(r + i) % len(runs)]
                times[key].append(self.runner.run(argv, stdin=stdin))
        rss = {}
        for key, argv, stdin in runs:
            rss[key] = self.peak_rss(argv, stdin)
        self.results["part3"] = {"%s %s" % k: v for k, v in times.items()}
        self.results["part3_rss_kib"] = {"%s %s" % k: v for k, v in rss.items()}
        rows = ["| input | stage | median ms | p10 | p90 | MB/s | ms per MiB | peak RSS MiB | RSS ÷ input | (RSS − RSS on 4 KiB) ÷ input |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        small = {st: rss[("4 KiB", st)] for st in ("precreate", "plan")}
        for label, size, real, d, path, count in cases:
            for stage in ("precreate", "plan"):
                t = times[(label, stage)]
                m = med(t)
                r_kib = rss[(label, stage)]
                big_enough = r_kib and real >= 256 << 10
                rows.append("| %s (%d B, %d×3 entries) | %s | %s | %s | %s | %.0f | %s | %s | %s | %s |" % (
                    label, real, count, stage, fmt_ms(m), fmt_ms(pct(t, 10)), fmt_ms(pct(t, 90)),
                    real / (m / 1e3), "%.2f" % ((m / 1e6) / (real / MiB)) if real >= 256 << 10 else "–",
                    "%.1f" % (r_kib / 1024) if r_kib else "n/a",
                    "%.1f×" % (r_kib * 1024 / real) if big_enough else "–",
                    "%.1f×" % ((r_kib - small[stage]) * 1024 / real) if big_enough and small[stage] else "–"))
        lin = {}
        for stage in ("precreate", "plan"):
            t4k, t1, t8 = (med(times[(l, stage)]) for l in ("4 KiB", "1 MiB", "8 MiB"))
            s1 = next(c[2] for c in cases if c[0] == "1 MiB") / MiB
            s8 = next(c[2] for c in cases if c[0] == "8 MiB") / MiB
            s4k = next(c[2] for c in cases if c[0] == "4 KiB") / MiB
            per1, per8 = t1 / s1, t8 / s8
            marg1 = (t1 - t4k) / (s1 - s4k)
            marg8 = (t8 - t1) / (s8 - s1)
            lin[stage] = (per8 / per1, marg8 / marg1)
            rows.append("| linearity | %s | | | | | 8 MiB ÷ 1 MiB per-MiB time: %.2f; marginal (8−1 MiB vs 1 MiB−4 KiB): %.2f | | | |"
                        % (stage, per8 / per1, marg8 / marg1))
        self.rows["part3"] = ("Scaling: precreate (stdin → stdout) and plan --bundle, %d rounds" % n, rows)
        t1m = med(times[("1 MiB", "precreate")]) / 1e6
        self.targets.append(("precreate on 1 MiB ≤ 20 ms", "%.1f ms" % t1m, "met" if t1m <= 20 else "missed"))
        g, gm = lin["precreate"]
        self.targets.append(("precreate grows linearly to 8 MiB (per-MiB time ratio 8 MiB ÷ 1 MiB ≈ 1)",
                             "%.2f (marginal %.2f)" % (g, gm), "met" if 0.8 <= gm <= 1.25 else "missed"))
        if rss[("8 MiB", "precreate")]:
            size8 = next(c[2] for c in cases if c[0] == "8 MiB")
            size1 = next(c[2] for c in cases if c[0] == "1 MiB")
            r8 = {st: rss[("8 MiB", st)] * 1024 / size8 for st in ("precreate", "plan")}
            r1 = {st: rss[("1 MiB", st)] * 1024 / size1 for st in ("precreate", "plan")}
            worst = max(list(r8.values()) + list(r1.values()))
            self.targets.append(("peak RSS ≤ 4× the input on large configs",
                                 "8 MiB: precreate %.1f×, plan %.1f×; 1 MiB: precreate %.1f×, plan %.1f× (about 2 MiB of it is the process floor)"
                                 % (r8["precreate"], r8["plan"], r1["precreate"], r1["plan"]), "met" if worst <= 4 else "missed"))
        self.p3_cases = cases

    def peak_rss(self, argv, stdin=None, runs=3):
        """ru_maxrss of a child started by a small parent (GNU time): a
        child forked or vforked from this Python process inherits Python's
        high-water mark at exec, which would hide the hook's own."""
        gtime = "/usr/bin/time"
        if not os.path.exists(gtime):
            return None
        vals = []
        for _ in range(runs):
            out = os.path.join(self.work, "rss.txt")
            f_in = open(stdin, "rb") if stdin else subprocess.DEVNULL
            try:
                r = subprocess.run([gtime, "-f", "%M", "-o", out] + argv, stdin=f_in, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=ENV)
            finally:
                if stdin:
                    f_in.close()
            if r.returncode != 0:
                raise BenchError("%s: %s" % (argv, r.stderr.decode()))
            with open(out) as f:
                vals.append(int(f.read().split()[-1]))
        return med(vals)

    def rss_table(self):
        tmp = self.p2["tmp"]
        items = [  # noqa: E501
            ("`/bin/true` (floor of the method)", ["/bin/true"], None, None),
            ("`--version`", [self.hook, "--version"], None, None),
            ("createRuntime (typical sandbox)", [self.hook, "--policy", self.policy, "createRuntime"], tmp["create"], "cr"),
            ("poststop", [self.hook, "--policy", self.policy, "poststop"], tmp["stop"], "ps"),
            ("not a sandbox (default policy)", [self.hook, "--policy", self.policy, "createRuntime"], self.p2["app_state"], None),
            ("`plan --bundle` (typical)", [self.hook, "--policy", self.policy, "plan", "--bundle", tmp["bundle"]], None, None),
        ]
        rows = ["| process | peak RSS KiB (ru_maxrss, median of 3) |", "|---|---:|"]
        got = {}
        for name, argv, stdin, kind in items:
            if kind == "cr":
                vals = []
                for _ in range(3):
                    vals.append(self.peak_rss(argv, stdin, runs=1))
                    self.runner.run([self.hook, "--policy", self.policy, "poststop"], stdin=tmp["stop"])
                    self.reset_live(tmp)
                v = med(vals) if None not in vals else None
            elif kind == "ps":
                vals = []
                for _ in range(3):
                    self.runner.run([self.hook, "--policy", self.policy, "createRuntime"], stdin=tmp["create"])
                    vals.append(self.peak_rss(argv, stdin, runs=1))
                    self.reset_live(tmp)
                v = med(vals) if None not in vals else None
            else:
                v = self.peak_rss(argv, stdin)
            got[name] = v
            rows.append("| %s | %s |" % (name, "%d" % v if v else "n/a (no /usr/bin/time)"))
        self.rows["rss"] = ("Peak RSS of one hook process (GNU time; includes its namespace children)", rows)
        cr = got["createRuntime (typical sandbox)"]
        if cr:
            worst = max(v for v in got.values() if v)
            self.targets.append(("peak RSS ≤ 4 MiB on a typical config", "createRuntime %d KiB, max of the typical runs %d KiB" % (cr, worst),
                                 "met" if worst <= 4096 else "missed"))

    # ------------------------------------------------- part 4: parallel starts

    def part4(self):
        reps = self.rounds(10, 3)
        k = self.args.parallel
        self.log("part 4: %d sandboxes in parallel, with and without the hook, %d repetitions" % (k, reps))
        cmd = ["cat", PORTS]
        sets = {
            "hook": [self.make_bundle(os.path.join(self.fs, "par-hook-%d" % i), "hook", args=cmd) for i in range(k)],
            "none": [self.make_bundle(os.path.join(self.fs, "par-none-%d" % i), "none", args=cmd) for i in range(k)],
        }
        runc = self.runc
        times = {"hook": [], "none": []}

        def batch(v):
            outs = [os.path.join(self.work, "par-%s-%d.out" % (v, i)) for i in range(k)]
            ids = [self.new_id("par" + v) for _ in range(k)]
            procs = []
            all_fds = []
            t0 = time.perf_counter_ns()
            for i in range(k):
                pid, fds = self.runner.start([runc, "run", "-b", sets[v][i], ids[i]], stdout=outs[i])
                procs.append(pid)
                all_fds += fds
            bad = []
            for pid in procs:
                _, status, _ = os.wait4(pid, 0)
                if status != 0:
                    bad.append(status)
            t1 = time.perf_counter_ns()
            for fd in all_fds:
                os.close(fd)
            if bad:
                raise BenchError("part 4: %d of %d `runc run` failed:\n%s" % (len(bad), k, self.runner.err_tail()))
            seen = []
            for o in outs:
                with open(o) as f:
                    seen.append(f.read().strip())
            if v == "hook" and any(s != "0" for s in seen):
                raise BenchError("part 4: with the hook, containers printed %s (all must print 0)" % seen)
            for b in sets[v]:
                left = self.bundle_leftovers(b)
                if left:
                    raise BenchError("part 4: %s left %s" % (b, left))
            return t1 - t0, seen

        batch("none")  # warm-up
        batch("hook")
        for r in range(reps):
            for v in (("hook", "none") if r % 2 == 0 else ("none", "hook")):
                t, seen = batch(v)
                times[v].append(t)
        self.results["part4"] = times
        rows = ["| variant | median ms (wall, all %d) | p10 | p90 | per container ms | × no hooks (paired) |" % k,
                "|---|---:|---:|---:|---:|---:|"]
        for v, name in (("none", "no hooks"), ("hook", "oci-sandbox-hook")):
            t = times[v]
            rows.append("| %s | %s | %s | %s | %s | %s (%s) |" % (
                name, fmt_ms(med(t)), fmt_ms(pct(t, 10)), fmt_ms(pct(t, 90)), fmt_ms(med(t) / k),
                fmt_x(ratio(med(t), med(times["none"]))), fmt_x(paired_ratio(t, times["none"]))))
        self.rows["part4"] = ("Parallel starts: %d × `runc run` at once (all print `%s` = 0 with the hook; bundles clean), %d repetitions"
                              % (k, PORTS.split("/")[-1], reps), rows)
        self.targets.append(("(context) %d parallel starts with the hook vs without" % k,
                             fmt_x(ratio(med(times["hook"]), med(times["none"]))), "reported"))

    # ------------------------------------------------------------ summary

    def summary(self):
        out = []
        i = self.info
        out.append("### Machine")
        out.append("")
        out.append("| | |")
        out.append("|---|---|")
        for k, label in (("cpu", "CPU"), ("nproc", "nproc"), ("memory", "memory (free -h)"), ("kernel", "kernel"),
                         ("cgroups", "cgroups"), ("runc", "runc"), ("crun", "crun"), ("python", "python3"),
                         ("hook_version", "hook"), ("hook_build", "hook build"), ("git", "source"),
                         ("hook_linkage", "hook links"),):
            if k in i:
                out.append("| %s | %s |" % (label, i[k]))
        out.append("| file create latency | %.0f µs in the /tmp work dir (ext4), %.0f µs on the bench's tmpfs |"
                   % (i["create_us_tmp"], i["create_us_tmpfs"]))
        out.append("| run | %s, %s |" % ("--quick" if self.quick else "full", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
        out.append("")
        if self.targets:
            out.append("### Targets")
            out.append("")
            out.append("| target | measured | |")
            out.append("|---|---|---|")
            for t, m, v in self.targets:
                out.append("| %s | %s | %s |" % (t, m, v))
            out.append("")
        for key in ("part1", "part2", "rss", "part3", "part4", "profile"):
            if key in self.rows:
                title, rows = self.rows[key]
                out.append("### " + title)
                out.append("")
                out.extend(rows)
                out.append("")
        return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="private work directory (bench/run.sh makes it)")
    ap.add_argument("--top", required=True, help="source tree")
    ap.add_argument("--hook", required=True, help="hook binary to measure")
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--parts", default="1,2,3,4", help="comma-separated parts to run (1-4, 5 = profile)")
    ap.add_argument("--profile", action="store_true", help="also run part 5 (profile)")
    ap.add_argument("--rounds-scale", type=float, default=1.0, help="multiply every round count")
    ap.add_argument("--parallel", type=int, default=16, help="sandboxes started at once in part 4")
    ap.add_argument("--json", help="write raw samples (ns) and the summary to this file")
    ap.add_argument("--summary", help="also write the markdown summary to this file")
    args = ap.parse_args()
    parts = set(p.strip() for p in args.parts.split(",") if p.strip())
    if args.profile:
        parts.add("5")

    def stop(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    # Ctrl-C, kill, a closed terminal: clean up in every case, even when
    # started with SIGINT ignored (a background job of a script).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    b = Bench(args)
    status = 0
    started = time.monotonic()
    try:
        b.setup()
        b.machine()
        if "1" in parts:
            b.part1()
        if "2" in parts:
            b.part2()
            b.rss_table()
        if "3" in parts:
            b.part3()
        if "4" in parts:
            b.part4()
        if "5" in parts:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import profile_hook

            b.setup_live()
            profile_hook.run(b)
        summary = b.summary()
        print(summary)
        if args.summary:
            with open(args.summary, "w") as f:
                f.write(summary + "\n")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"machine": b.info, "results": {k: v if not isinstance(v, dict) else
                                                             {str(kk): vv for kk, vv in v.items()}
                                                             for k, v in b.results.items()},
                           "summary": summary}, f, indent=1)
    except KeyboardInterrupt as e:
        b.log("interrupted (%s): cleaning up" % (e or "Ctrl-C"))
        status = 130
    except BenchError as e:
        b.log("FAILED: %s" % e)
        status = 1
    finally:
        problems = b.cleanup()
        for p in problems:
            b.log("cleanup: %s" % p)
            status = status or 1
        b.log("done in %.0f s" % (time.monotonic() - started))
    sys.exit(status)


if __name__ == "__main__":
    main()
