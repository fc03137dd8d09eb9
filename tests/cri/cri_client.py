#!/usr/bin/python3
"""A small CRI v1 client for the containerd test harness.

Run it with Debian's /usr/bin/python3 (python3-grpcio, python3-protobuf).
The messages come from cri.proto next to this file, compiled with
`protoc --python_out` at run time: into $CRI_PY_DIR when that is set (the
harness compiles once per containerd), else into a temporary directory
removed at exit.  No generated code is kept in the tree.  Methods are
called by their gRPC path, without generated stubs.

    cri_client.py --socket SOCK version
    cri_client.py --socket SOCK run-pod POD.json [--runtime-handler NAME]
    cri_client.py --socket SOCK stop-pod POD_ID
    cri_client.py --socket SOCK remove-pod POD_ID
    cri_client.py --socket SOCK pod-status POD_ID [--verbose]
    cri_client.py --socket SOCK list-pods
    cri_client.py --socket SOCK create-container POD_ID CTR.json POD.json
    cri_client.py --socket SOCK start CTR_ID
    cri_client.py --socket SOCK stop CTR_ID [--timeout SECONDS]
    cri_client.py --socket SOCK remove CTR_ID
    cri_client.py --socket SOCK container-status CTR_ID [--verbose]
    cri_client.py --socket SOCK exec-sync CTR_ID [--timeout S] [--json] -- CMD...
    cri_client.py --socket SOCK image-status IMAGE

Request inputs are JSON files mapped onto the messages with
json_format.ParseDict (proto field names or their camelCase JSON names;
enums by name).  Replies are printed as JSON with proto field names; the
verbose `info` maps, which hold JSON text, are decoded into objects.

Exit status: 0 on success; 2 for a usage or input error; 125 when the RPC
fails, after printing "cri_client: METHOD: CODE: DETAILS" (the gRPC status
code and the full details message, unshortened) to stderr.  exec-sync exits
with the command's own exit code, after writing its stdout and stderr
verbatim (--json prints {"stdout", "stderr", "exit_code"} instead).
"""

import argparse
import atexit
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "cri.proto")
RPC_FAILED = 125


def load_messages():
    """Compile cri.proto (once per CRI_PY_DIR) and import the module."""
    out = os.environ.get("CRI_PY_DIR")
    if out:
        os.makedirs(out, exist_ok=True)
        target = os.path.join(out, "cri_pb2.py")
        fresh = os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(PROTO)
    else:
        out = tempfile.mkdtemp(prefix="cri-proto.")
        atexit.register(shutil.rmtree, out, True)
        fresh = False
    if not fresh:
        # protoc writes the file in place: write into a private directory and
        # rename, so that concurrent clients never import half a module.
        tmp = tempfile.mkdtemp(prefix=".protoc.", dir=out)
        try:
            subprocess.run(["protoc", "-I", HERE, "--python_out=" + tmp, PROTO], check=True)
            os.replace(os.path.join(tmp, "cri_pb2.py"), os.path.join(out, "cri_pb2.py"))
        finally:
            shutil.rmtree(tmp, True)
    sys.path.insert(0, out)
    return importlib.import_module("cri_pb2")


pb = load_messages()


class Client:
    def __init__(self, socket, timeout):
        self.timeout = timeout
        # A unix socket: no proxy may ever be involved.
        self.channel = grpc.insecure_channel(
            "unix://" + os.path.abspath(socket), options=[("grpc.enable_http_proxy", 0)]
        )

    def call(self, method, request, service="RuntimeService"):
        response_type = getattr(pb, method + "Response")
        rpc = self.channel.unary_unary(
            "/runtime.v1.%s/%s" % (service, method),
            request_serializer=type(request).SerializeToString,
            response_deserializer=response_type.FromString,
        )
        try:
            return rpc(request, timeout=self.timeout)
        except grpc.RpcError as e:
            # Print the whole details message: tests assert on the runtime's
            # own words inside it.
            sys.stderr.write("cri_client: %s: %s: %s\n" % (method, e.code().name, e.details()))
            sys.exit(RPC_FAILED)


def read_json(path, message_type):
    try:
        with open(path) as f:
            data = json.load(f)
        return json_format.ParseDict(data, message_type())
    except (OSError, ValueError, json_format.ParseError) as e:
        sys.stderr.write("cri_client: %s: %s\n" % (path, e))
        sys.exit(2)


def to_dict(message):
    d = json_format.MessageToDict(
        message, preserving_proto_field_name=True, including_default_value_fields=True
    )
    # The verbose info maps hold JSON documents as strings.
    for key, value in list(d.get("info", {}).items()):
        try:
            d["info"][key] = json.loads(value)
        except ValueError:
            pass
    return d


def print_json(message_or_obj):
    obj = message_or_obj if isinstance(message_or_obj, (dict, list)) else to_dict(message_or_obj)
    print(json.dumps(obj, indent=1, sort_keys=True))


def main():
    ap = argparse.ArgumentParser(prog="cri_client.py")
    ap.add_argument("--socket", required=True, help="containerd's gRPC socket")
    ap.add_argument("--rpc-timeout", type=float, default=120, help="seconds per RPC")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("version")
    p = sub.add_parser("run-pod")
    p.add_argument("pod_json")
    p.add_argument("--runtime-handler", default="")
    for name in ("stop-pod", "remove-pod", "start", "remove"):
        sub.add_parser(name).add_argument("id")
    for name in ("pod-status", "container-status"):
        p = sub.add_parser(name)
        p.add_argument("id")
        p.add_argument("--verbose", action="store_true")
    sub.add_parser("list-pods")
    p = sub.add_parser("create-container")
    p.add_argument("pod_id")
    p.add_argument("ctr_json")
    p.add_argument("pod_json")
    p = sub.add_parser("stop")
    p.add_argument("id")
    p.add_argument("--timeout", type=int, default=0)
    p = sub.add_parser("exec-sync")
    p.add_argument("id")
    p.add_argument("--timeout", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.add_argument("argv", nargs=argparse.REMAINDER)
    sub.add_parser("image-status").add_argument("image")
    a = ap.parse_args()

    c = Client(a.socket, a.rpc_timeout)
    if a.cmd == "version":
        print_json(c.call("Version", pb.VersionRequest(version="v1")))
    elif a.cmd == "run-pod":
        config = read_json(a.pod_json, pb.PodSandboxConfig)
        r = c.call(
            "RunPodSandbox",
            pb.RunPodSandboxRequest(config=config, runtime_handler=a.runtime_handler),
        )
        print(r.pod_sandbox_id)
    elif a.cmd == "stop-pod":
        c.call("StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=a.id))
    elif a.cmd == "remove-pod":
        c.call("RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=a.id))
    elif a.cmd == "pod-status":
        print_json(
            c.call(
                "PodSandboxStatus",
                pb.PodSandboxStatusRequest(pod_sandbox_id=a.id, verbose=a.verbose),
            )
        )
    elif a.cmd == "list-pods":
        r = c.call("ListPodSandbox", pb.ListPodSandboxRequest())
        print_json([to_dict(item) for item in r.items])
    elif a.cmd == "create-container":
        r = c.call(
            "CreateContainer",
            pb.CreateContainerRequest(
                pod_sandbox_id=a.pod_id,
                config=read_json(a.ctr_json, pb.ContainerConfig),
                sandbox_config=read_json(a.pod_json, pb.PodSandboxConfig),
            ),
        )
        print(r.container_id)
    elif a.cmd == "start":
        c.call("StartContainer", pb.StartContainerRequest(container_id=a.id))
    elif a.cmd == "stop":
        c.call("StopContainer", pb.StopContainerRequest(container_id=a.id, timeout=a.timeout))
    elif a.cmd == "remove":
        c.call("RemoveContainer", pb.RemoveContainerRequest(container_id=a.id))
    elif a.cmd == "container-status":
        print_json(
            c.call(
                "ContainerStatus",
                pb.ContainerStatusRequest(container_id=a.id, verbose=a.verbose),
            )
        )
    elif a.cmd == "exec-sync":
        argv = a.argv[1:] if a.argv[:1] == ["--"] else a.argv
        if not argv:
            ap.error("exec-sync: no command given (exec-sync ID -- CMD...)")
        r = c.call(
            "ExecSync", pb.ExecSyncRequest(container_id=a.id, cmd=argv, timeout=a.timeout)
        )
        if a.json:
            print_json(
                {
                    "stdout": r.stdout.decode("utf-8", "backslashreplace"),
                    "stderr": r.stderr.decode("utf-8", "backslashreplace"),
                    "exit_code": r.exit_code,
                }
            )
            return 0
        sys.stdout.buffer.write(r.stdout)
        sys.stdout.flush()
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    elif a.cmd == "image-status":
        r = c.call(
            "ImageStatus",
            pb.ImageStatusRequest(image=pb.ImageSpec(image=a.image)),
            service="ImageService",
        )
        if not r.image.id:
            sys.stderr.write("cri_client: image %s is not known to the CRI plugin\n" % a.image)
            return 1
        print_json(r.image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
