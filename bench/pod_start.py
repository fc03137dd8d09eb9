#!/usr/bin/python3
"""Pod start through containerd's CRI, with and without the runtime wrapper.

Run by bench/wrapper.sh --pods (Debian's /usr/bin/python3, python3-grpcio,
python3-protobuf), against a containerd that tests/cri/containerd.sh
started with the wrapper as the default runtime's BinaryName and a second
handler "plain" that is runc itself.  Every kind of pod starts once per
round, in an order that rotates from round to round, so that drift hits
every kind alike; each RunPodSandbox is timed in this process (the
client's own start-up is not in the numbers), and each pod is stopped and
removed after, untimed.  Every pod carries the DNS settings kubelet gives
a ClusterFirst pod, so that containerd writes a resolv.conf and the hook
has one to check.

    pod_start.py SOCKET POLICY ENGINE_STATE ENGINE_ROOT CGROUP_PARENT ROUNDS
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cri"))
import cri_client  # noqa: E402  (compiles cri.proto into $CRI_PY_DIR)

pb = cri_client.pb

# kind: (runtime handler, engine_files, pod annotations)
KINDS = {
    "runc": ("plain", None, {}),
    "wrapper": ("", "enforce", {}),
    "wrapper-files-off": ("", "off", {}),
    "wrapper-shm-256Mi": ("", "enforce", {"io.oci-sandbox-hook.shm-size": "256Mi"}),
}


def pod_config(name, uid, cgroup_parent, annotations):
    return cri_client.json_format.ParseDict(
        {
            "metadata": {"name": name, "uid": uid, "namespace": "oci-sandbox-hook-bench"},
            "hostname": name,
            "annotations": annotations,
            "dns_config": {
                "servers": ["10.96.0.10"],
                "searches": ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
                "options": ["ndots:5"],
            },
            "linux": {
                "cgroup_parent": cgroup_parent,
                "security_context": {
                    "namespace_options": {"network": "POD", "pid": "CONTAINER", "ipc": "POD"}
                },
            },
        },
        pb.PodSandboxConfig(),
    )


def write_policy(path, engine_state, engine_root, engine_files):
    policy = {"log_socket": "/nonexistent/sock", "engine_dirs": [engine_state, engine_root]}
    if engine_files:
        policy["engine_files"] = engine_files
    with open(path + ".new", "w") as f:
        json.dump(policy, f)
    os.replace(path + ".new", path)


def main():
    sock, policy, engine_state, engine_root, cgroup_parent, rounds = sys.argv[1:7]
    rounds = int(rounds)
    client = cri_client.Client(sock, 120)
    names = list(KINDS)
    times = {k: [] for k in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for kind in order:
            handler, engine_files, annotations = KINDS[kind]
            write_policy(policy, engine_state, engine_root, engine_files)
            name = "bench-%s-%d" % (kind, r)
            config = pod_config(name, "uid-%s-%d" % (kind, r), cgroup_parent, annotations)
            start = time.perf_counter()
            reply = client.call(
                "RunPodSandbox", pb.RunPodSandboxRequest(config=config, runtime_handler=handler)
            )
            times[kind].append((time.perf_counter() - start) * 1000)
            client.call("StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=reply.pod_sandbox_id))
            client.call("RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=reply.pod_sandbox_id))
    base = statistics.median(times["runc"])
    print("RunPodSandbox through containerd 1.6, same-run medians (%d pods of each kind, interleaved)" % rounds)
    for kind in names:
        t = sorted(times[kind])
        p90 = t[min(len(t) - 1, int(len(t) * 0.9))]
        med = statistics.median(t)
        print(
            "%-18s median %7.1f ms   p90 %7.1f ms   vs runc %+7.1f ms (%.3fx)"
            % (kind, med, p90, med - base, med / base)
        )


if __name__ == "__main__":
    main()
