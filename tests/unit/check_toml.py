#!/usr/bin/python3
"""The TOML editor (src/toml_edit.c) against Python's tomllib, as TAP.

Run by `make check` with TOML_EDIT_TOOL set to tests/unit/toml_edit_tool
(or: check_toml.py PATH-TO-toml_edit_tool).  Needs Debian's Python 3.11
(/usr/bin/python3) for tomllib.

For every fixture of this directory:
  - the installer's edits (BinaryName, pod_annotations, imports) give a
    document that tomllib parses to the input's data plus exactly those
    changes; the bytes outside the edited lines are the input's; the same
    edit again changes nothing;
  - every string key set to a new value, every array of strings appended
    to, every table given a new key and a new sub-table: likewise;
  - every value read with `get` equals tomllib's.
Then a corpus of small documents: the editor accepts exactly what tomllib
accepts, except the few forms it refuses on purpose (listed below).
"""
import copy
import difflib
import glob
import json
import os
import subprocess
import sys
import tempfile
import tomllib

# The fixtures: tests/data/install, next to this file's directory.
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "install")
TOOL = os.environ.get("TOML_EDIT_TOOL") or (sys.argv[1] if len(sys.argv) > 1 else "")
# A value with everything render_string must escape, and non-ASCII.
TRICKY = 'a "quoted" \\ back\tslash\nnew\x01line \x7f é ✓'

CRI1 = ["plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc"]
CRI2 = ["plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc"]
WRAPPER = "/usr/local/libexec/oci-sandbox-hook/oci-sandbox-runtime"
ANNOTATIONS = "io.oci-sandbox-hook.*"

count = 0
failed = 0


def result(ok, name, diag=""):
    global count, failed
    count += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {count} - {name}")
    for line in diag.splitlines():
        print(f"# {line}")
    sys.stdout.flush()


def tool(args, doc):
    with tempfile.NamedTemporaryFile(prefix="check_toml.", suffix=".toml") as f:
        f.write(doc)
        f.flush()
        p = subprocess.run([TOOL, args[0], f.name] + args[1:], capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def edit(op, doc, value, path):
    return tool([op, value] + path, doc)


def get_in(d, path):
    for k in path:
        d = d[k]
    return d


def with_set(data, path, value):
    d = copy.deepcopy(data)
    cur = d
    for k in path[:-1]:
        cur = cur.setdefault(k, {})
    cur[path[-1]] = value
    return d


def with_appended(data, path, value):
    d = copy.deepcopy(data)
    cur = d
    for k in path[:-1]:
        cur = cur.setdefault(k, {})
    items = cur.setdefault(path[-1], [])
    if value not in items:
        items.append(value)
    return d


def changed_lines(before, after):
    """Input lines the edit removed or replaced (insertions are free)."""
    a = before.decode().splitlines(keepends=True)
    b = after.decode().splitlines(keepends=True)
    gone = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            gone.extend(a[i1:i2])
    return gone


def check_edit(name, doc, op, value, path, max_replaced=1):
    """One edit: tomllib sees exactly the change, nothing else moved, and
    doing it again changes nothing.  Returns the edited document."""
    data = tomllib.loads(doc.decode())
    rc, out, err = edit(op, doc, value, path)
    if rc != 0:
        result(False, name, f"{op} {path}: {err}")
        return None
    expected = with_set(data, path, value) if op == "set" else with_appended(data, path, value)
    try:
        got = tomllib.loads(out.decode())
    except tomllib.TOMLDecodeError as e:
        result(False, name, f"tomllib cannot parse the output: {e}\n{out.decode()}")
        return None
    gone = changed_lines(doc, out)
    rc2, out2, _ = edit(op, out, value, path)
    problems = []
    if got != expected:
        problems.append("parsed output differs from the input plus the edit")
    if len(gone) > max_replaced:
        problems.append(f"{len(gone)} input lines replaced: {gone!r}")
    if rc2 != 0 or out2 != out:
        problems.append("the same edit twice differs from once")
    if expected == data and out != doc:
        problems.append("an edit already made changed bytes")
    result(not problems, name, "\n".join(problems))
    return out


def leaves(d, prefix=()):
    """(path, value) of every value outside arrays of tables, and the path
    of every table."""
    for k, v in d.items():
        p = prefix + (k,)
        if isinstance(v, dict):
            yield p, v
            yield from leaves(v, p)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            continue
        else:
            yield p, v


def check_get(name, doc):
    data = tomllib.loads(doc.decode())
    bad = []
    for path, value in leaves(data):
        rc, out, err = tool(["get"] + list(path), doc)
        if rc != 0:
            bad.append(f"get {path}: {err}")
            continue
        got = json.loads(out)
        if isinstance(value, dict):
            ok = got["kind"] == "table"
        elif isinstance(value, bool):
            ok = got == {"kind": "bool", "value": value}
        elif isinstance(value, int):
            ok = got == {"kind": "integer", "value": value}
        elif isinstance(value, float):
            ok = got["kind"] == "float"
        elif isinstance(value, str):
            ok = got == {"kind": "string", "value": value}
        elif isinstance(value, list) and all(isinstance(x, str) for x in value):
            ok = got == {"kind": "array", "value": value}
        elif isinstance(value, list):
            ok = got == {"kind": "array", "items": len(value)}
        else:
            ok = got["kind"] == "datetime"
        if not ok:
            bad.append(f"get {path}: {got} but tomllib has {value!r}")
    result(not bad, f"{name}: get agrees with tomllib on every value", "\n".join(bad[:10]))


# What the editor says when it refuses a form it does not edit.
REFUSALS = ("only keys of [table] sections are edited", "not a plain key = value line",
            ", not a string", ", not an array of strings")


def check_every_edit(name, doc, may_refuse=False):
    """Every string set, every string array appended to, every table given
    a key and a sub-table.  Fixtures hold only forms the editor edits; the
    corpus may hold others, which must be refused with a reason."""
    data = tomllib.loads(doc.decode())
    bad = []
    refused = 0
    # A multi-line string replaced is several lines replaced.
    multiline = b'"""' in doc or b"'''" in doc
    for path, value in leaves(data):
        path = list(path)
        ops = []
        if isinstance(value, str):
            ops.append(("set", TRICKY, path))
        elif isinstance(value, list) and all(isinstance(x, str) for x in value):
            ops.append(("append", TRICKY, path))
        elif isinstance(value, dict):
            ops.append(("set", TRICKY, path + ["oci_sandbox_hook_new"]))
            ops.append(("append", TRICKY, path + ["new.table", "items"]))
        for op, v, p in ops:
            rc, out, err = edit(op, doc, v, p)
            if rc != 0 and may_refuse and any(r in err for r in REFUSALS):
                refused += 1
                continue
            if rc != 0:
                bad.append(f"{op} {p}: {err.strip()}")
                continue
            want = with_set(data, p, v) if op == "set" else with_appended(data, p, v)
            try:
                got = tomllib.loads(out.decode())
            except tomllib.TOMLDecodeError as e:
                bad.append(f"{op} {p}: tomllib: {e}")
                continue
            if got != want:
                bad.append(f"{op} {p}: parsed output is not the input plus the edit")
            elif len(changed_lines(doc, out)) > 1 and not multiline:
                bad.append(f"{op} {p}: more than one input line replaced")
    refusals = f", {refused} refused" if refused else ""
    result(not bad, f"{name}: every key and table edited alone ({len(list(leaves(data)))} paths"
           f"{refusals})", "\n".join(bad[:10]))


def fixture(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def check_containerd_1x(name):
    doc = fixture(name)
    out = check_edit(f"{name}: BinaryName set", doc, "set", WRAPPER, CRI1 + ["options", "BinaryName"])
    if out is not None:
        check_edit(f"{name}: pod_annotations admits {ANNOTATIONS}", out, "append", ANNOTATIONS,
                   CRI1 + ["pod_annotations"])


def check_fixtures():
    for name in ("containerd-1.6-default.toml", "containerd-k8s-node.toml",
                 "containerd-imports.toml"):
        check_containerd_1x(name)
    doc = fixture("containerd-2.x-default.toml")
    check_edit("containerd-2.x-default.toml: BinaryName set (version 3)", doc, "set", WRAPPER,
               CRI2 + ["options", "BinaryName"])
    check_edit("containerd-2.x-default.toml: pod_annotations (version 3)", doc, "append",
               ANNOTATIONS, CRI2 + ["pod_annotations"])
    check_edit("containerd-2.x-default.toml: imports gains the drop-in directory", doc, "append",
               "/etc/containerd/conf.d/*.toml", ["imports"])
    doc = fixture("containerd-imports.toml")
    rc, out, err = edit("append", doc, "/etc/containerd/conf.d/*.toml", ["imports"])
    result(rc == 0 and out == doc and "unchanged" in err,
           "containerd-imports.toml: an imports entry already there is left as it is", err)

    files = sorted(glob.glob(os.path.join(HERE, "*.toml"))) + [os.path.join(HERE, "crio.conf")] \
        + sorted(glob.glob(os.path.join(HERE, "crio.conf.d", "*.conf")))
    for path in files:
        name = os.path.relpath(path, HERE)
        with open(path, "rb") as f:
            doc = f.read()
        check_get(name, doc)
        check_every_edit(name, doc)
    check_crio_drop_in()


def check_crio_drop_in():
    """CRI-O reads crio.conf, then crio.conf.d/* in lexical order; a key set
    again wins, and a runtime table replaces the one of the same name whole
    (BurntSushi/toml decodes each map entry into a fresh value).  The
    example drop-in must leave the default runtime as it was but for
    runtime_path."""
    def merge(base, new, path=()):
        for k, v in new.items():
            if path == ("crio", "runtime", "runtimes"):
                base[k] = copy.deepcopy(v)
            elif isinstance(v, dict) and isinstance(base.get(k), dict):
                merge(base[k], v, path + (k,))
            else:
                base[k] = copy.deepcopy(v)

    drop_ins = sorted(glob.glob(os.path.join(HERE, "crio.conf.d", "*.conf")))
    with open(os.path.join(HERE, "crio.conf"), "rb") as f:
        before = tomllib.load(f)
    for path in drop_ins:
        if not path.endswith("99-oci-sandbox-hook.conf"):
            with open(path, "rb") as f:
                merge(before, tomllib.load(f))
    after = copy.deepcopy(before)
    with open(os.path.join(HERE, "crio.conf.d", "99-oci-sandbox-hook.conf"), "rb") as f:
        merge(after, tomllib.load(f))
    default = before["crio"]["runtime"]["default_runtime"]
    want = copy.deepcopy(before)
    want["crio"]["runtime"]["runtimes"][default]["runtime_path"] = WRAPPER
    result(after == want,
           f"crio.conf.d: the example drop-in changes only runtime_path of the default runtime ({default})")


# Documents every TOML parser must accept; the editor must too, and read
# every value as tomllib does.
VALID = [
    'a = "x"', "a = 'x'", 'a = """\nx\ny"""', "a = '''\nx'''", 'a = """x\\\n   y"""',
    'a = """ ""x"" """', 'a = """x"""""', "a = '''x'''''", 'a = "\\u00e9\\U0001F600\\b\\f"',
    'a = "tab\there"', "a = 0", "a = -0", "a = +17", "a = 1_000", "a = 0xDEAD_beef",
    "a = 0o755", "a = 0b1101", "a = 9223372036854775807", "a = -9223372036854775808",
    "a = 3.14", "a = -1e-05", "a = 6.626e-34", "a = 1e1_0", "a = 224_617.445_991_228",
    "a = inf", "a = -nan", "a = +inf", "a = true", "a = false",
    "a = 1979-05-27T07:32:00Z", "a = 1979-05-27 07:32:00-07:00", "a = 1979-05-27t07:32:00.999999z",
    "a = 1979-05-27T07:32:00", "a = 1979-05-27", "a = 07:32:00", "a = 00:32:00.5",
    "a = 2000-02-29", "a = 1979-05-27 # date then a comment",
    "a = []", "a = [ ]", "a = [1, 'x', [2], {b = 1}]", "a = [\n  1, # one\n  2,\n]",
    "a = [[1, 2], [3]]", "a = {}", "a = { b = 1, c.d = 2 }", "a = { b = [\n 1,\n 2 ] }",
    "a.b.c = 1\na.b.d = 2", "a . b = 1", '"a.b" = 1', "'quoted key' = 1", '"" = 1',
    "1234 = 1", "3.14 = 'pi'", "-_ = 1", "a = 1 # comment", "# only a comment",
    "[a]\n[b]\n[a.c]", "[a.b.c]\n[a]\nd = 1", "[a]\nb.c = 1\n[a.b.d]\ne = 1",
    "[[a]]\nb = 1\n[[a]]\nb = 2", "[[a]]\n[a.b]\nc = 1\n[[a]]\n[a.b]\nc = 2",
    "[[a.b]]\n[[a.b]]", "[ a . 'b' . \"c\" ]", "a = 1\r\nb = 2\r\n", "[a] # header comment",
    "a = 'c:\\\\x'", "a = \"\"\"\r\nx\r\ny\"\"\"", "a = 1\n\n\n",
]

# Invalid TOML: both must refuse.  One or more per construct.
INVALID = [
    "a", "a =", "= 1", "a = 1 b = 2", "a = 1\na = 2", "a.b = 1\na.b = 2", "a = 1\na.b = 2",
    'a = "x', 'a = "x\ny"', "a = 'x", 'a = "\\q"', 'a = "\\u00"', 'a = "\\uD800"',
    'a = "\\U00110000"', 'a = "\x01"', "a = '\x7f'", 'a = """x', "a = '''x", 'a = """x""""""',
    'a = """\\ x"""', "a = 01", "a = 1__0", "a = _1", "a = 1_", "a = 0x", "a = +0x1", "a = 0xG",
    "a = 0o8", "a = 0b2", "a = 1.",
    "a = .1", "a = 1.e5", "a = 1e", "a = 1e+", "a = 01.5", "a = Inf", "a = nan1", "a = True",
    "a = 1979-13-01", "a = 1979-02-30", "a = 1979-05-27T25:00:00", "a = 1979-05-27T07:61:00",
    "a = 1979-05-27T07:32", "a = 1979-05-27T07:32:00+24:00", "a = 1979-05-27T07:32:00Zx",
    "a = 07:32", "a = 07:32:00Z", "a = 1979-5-27", "a = [1 2]", "a = [,]", "a = [1,,2]", "a = [",
    "a = ]", "a = {", "a = {b = 1,}", "a = {b = 1\n}", "a = {b = 1, b = 2}",
    "a = {b.c = 1, b = 2}", "a = {b = 1}\na.c = 2", "a = {b = 1}\n[a.c]", "[a]\n[a]",
    "[a.b]\n[a]\nb = 1", "[a]\nb = 1\n[a.b]", "a.b = 1\n[a]", "a.b = 1\n[a.b]", "[a]\nb.c = 1\n[a.b]",
    "a = []\n[[a]]", "[a]\n[[a]]", "[[a]]\n[a]", "[a", "[a]]", "[[a]", "[[a] ]", "[ [a]]", "[]",
    "[a.]", "[.a]", "[a..b]", "a..b = 1", "a. = 1", "[a] b = 1", "a = 1 # \x01",
    "a = 1\rb = 2", '"""a""" = 1', "a = 'x\ny'", "a = \"x\"y", "\ufeffa = 1",
    "a = {b = 1} c = 2", "[[a]]\nb = 1\n[a.b]",
    "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
]

# Valid TOML that the editor refuses on purpose (never mis-read): see
# src/toml_edit.h.
STRICTER = [
    'a = "\\u0000"',            # a NUL inside a string
    "a = 1979-05-27T07:32:60Z", # a leap second
    "a = 0000-01-01",           # year 0 (tomllib refuses this one too)
    "[a.b.c]\n[a]\nb.d = 1",    # dotted keys extending a table made by a header's prefix
    # Out of the 64-bit range: TOML requires an error, tomllib keeps them.
    "a = 9223372036854775808", "a = -9223372036854775809", "a = 0x8000000000000000",
]


def check_corpus():
    for doc in VALID:
        try:
            tomllib.loads(doc)
            py = True
        except tomllib.TOMLDecodeError:
            py = False
        rc, _, err = tool(["check"], doc.encode())
        result(py and rc == 0, f"valid: {doc!r}", err if rc else "" if py else "tomllib refuses it")
        if py and rc == 0:
            check_get(f"valid: {doc!r}", doc.encode())
            check_every_edit(f"valid: {doc!r}", doc.encode(), may_refuse=True)
    for doc in INVALID:
        try:
            tomllib.loads(doc)
            py = False
        except tomllib.TOMLDecodeError:
            py = True
        rc, _, err = tool(["check"], doc.encode("utf-8", "surrogatepass"))
        named = "line " in err and "column " in err
        result(py and rc != 0 and named, f"invalid: {doc!r}",
               ("tomllib accepts it\n" if not py else "")
               + ("the editor accepts it" if rc == 0 else "" if named else f"no line/column: {err}"))
    for doc in STRICTER:
        rc, _, err = tool(["check"], doc.encode())
        result(rc != 0 and "line " in err, f"refused on purpose: {doc!r}", err)


def main():
    if not TOOL:
        print("1..0 # SKIP no TOML_EDIT_TOOL")
        return 0
    check_fixtures()
    check_corpus()
    print(f"1..{count}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
