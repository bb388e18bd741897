"""Every parser of outside input against a corpus of hostile files: tracebacks, hangs, memory.

Each (parser, input) pair runs in a forked child with a time bound and an address-space bound;
the parent records what happened (read, refused with a message, traceback, hang) and the child's
peak RSS. A figure, not a test: `tests/hostile/` asserts the same shapes with small bounds.

    .venv/bin/python bench/hostile_inputs.py                 # this tree
    .venv/bin/python bench/hostile_inputs.py --tree /tmp/old # an older checkout (before/after)

Linux only (fork, resource limits, FIFOs).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

TIME_BOUND = 20.0  # seconds per input: longer is a hang
MEMORY_BOUND = 3 * 1024**3  # address space per child: beyond it a MemoryError (a traceback)


# --- the corpus ---------------------------------------------------------------------------------


def _pem(label: str, body: bytes) -> bytes:
    return (
        f"-----BEGIN {label}-----\n".encode()
        + base64.encodebytes(body)
        + f"-----END {label}-----\n".encode()
    )


def _generic() -> dict[str, bytes]:
    """Shapes every text/binary parser meets: nesting, huge numbers, bad encodings, sizes."""
    return {
        "empty": b"",
        "spaces": b"   \n\t\n",
        "nul-bytes": b"\x00" * 4096,
        "random-binary": os.urandom(4096),
        "invalid-utf8": b"\xff\xfe\xfd" * 1000 + b"\xc3\x28\xa0\xa1",
        "lone-surrogate-utf8": b"\xed\xa0\x80 CN=x \xed\xb0\x80\n",
        "utf16-bom": "héllo wörld\n".encode("utf-16"),
        "utf8-bom-only": b"\xef\xbb\xbf",
        "json-nested-list": b"[" * 200_000 + b"]" * 200_000,
        "json-nested-dict": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "json-huge-int": b'{"validity": ' + b"9" * 50_000 + b"}",
        "json-huge-float-exp": b'{"validity": 1e999999999}',
        "json-lone-surrogate": b'{"clientid": "\\ud800", "url": "https://\\udc00.example"}',
        "json-array-top": b"[1, 2, 3]",
        "json-string-top": b'"just a string"',
        "json-nan": b'{"a": NaN, "b": Infinity}',
        "long-line-8mb": b"A" * (8 * 1024 * 1024),
        "many-lines": b"x\n" * 2_000_000,
        "html-page": b"<!doctype html><html><body>login</body></html>",
        "crlf-only": b"\r\n" * 100_000,
        "control-chars": bytes(range(32)) * 100,
        "format-placeholders": b"{source} {0} %s %n {__class__} %1",
    }


def _certificate_shapes() -> dict[str, bytes]:
    begin = b"-----BEGIN CERTIFICATE-----\n"
    return {
        "pem-unmatched-begin-1mb": begin * (1024 * 1024 // len(begin)),
        "pem-unmatched-begin-4mb": begin * (4 * 1024 * 1024 // len(begin)),
        "pem-many-empty-blocks": b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
        * 150_000,
        "pem-many-garbage-blocks": _pem("CERTIFICATE", os.urandom(48)) * 40_000,
        "pem-mismatched-labels": b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END PKCS7-----\n"
        * 50_000,
        "pem-begin-no-dashes": b"-----BEGIN CERTIFICATE" * 100_000,
        "pem-weird-label": _pem("X" * 100_000, b"abc"),
        "pem-pkcs7-garbage": _pem("PKCS7", os.urandom(300)),
        "pem-certificate-garbage": _pem("CERTIFICATE", os.urandom(300)),
        "pem-huge-base64": _pem("CERTIFICATE", os.urandom(6 * 1024 * 1024)),
        "pem-other-labels": _pem("PRIVATE KEY", b"x" * 100) + _pem("X509 CRL", b"y" * 100),
        "der-deep-sequence": b"\x30\x84\x00\x10\x00\x00" * 50_000,
        "der-long-length": b"\x30\x88" + b"\xff" * 8 + b"\x00" * 100,
        "pkcs12-header": b"\x30\x82\x01\x00\x02\x01\x03" + os.urandom(300),
    }


def _text_shapes() -> dict[str, bytes]:
    return {
        "csv-many-columns": b";".join([b"profile"] * 100_000) + b"\n",
        "csv-quote-open": b'profile;cn\n"' + b"a" * 5_000_000,
        "csv-many-rows": b"profile;cn\n" + b"".join(b"p%d;cn%d\n" % (i, i) for i in range(200_000)),
        "csv-separator-soup": b";,\t|" * 500_000,
        "log-line-regex-bait": b"1.1.1.1 (" + b"a " * 200_000 + b"\n",
        "log-user-bait": b"1.1.1.1 - " + b"x " * 300_000 + b"[12/Apr/2021:00:00:05 +0000]\n",
        "log-huge-status": b"1.1.1.1 - - [12/Apr/2021:00:00:05 +0000] GET / HTTP/1.1 200 "
        + b"9" * 50_000
        + b" 1 h:443 -\n",
        "trace-hash-soup": b"#" * 5_000_000,
        "trace-header-bait": b"FILE_ID: x\nCOLUMN_SEPARATOR: #\nESC_CHARACTER: \\\n"
        + b"#2.0#" * 500_000,
        "trace-escape-soup": b"\\" * 3_000_000,
    }


def _gzip_bomb() -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(1024):  # 1 GiB of zeros, about 1 MB compressed
            handle.write(chunk)
    return buffer.getvalue()


def _gzip_line_bomb() -> bytes:
    buffer = io.BytesIO()
    line = (
        b"10.0.0.1 (10.0.0.1) - - [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 401 0 12 "
        b"tenant-iflmap.hcisbp.eu1.hana.ondemand.com:443 -\n"
    )
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        block = line * 10_000
        for _ in range(30):  # 300,000 log lines, 43 MB uncompressed (a busy node's day)
            handle.write(block)
    return buffer.getvalue()


# What each parser gets: the generic shapes plus its own.
def corpus() -> dict[str, dict[str, bytes]]:
    generic = _generic()
    certs = _certificate_shapes()
    text = _text_shapes()
    bomb = _gzip_bomb()
    return {
        "reply": {**generic, **certs},
        "ca-file": {**generic, **certs},
        "p12": {**generic, **certs},
        "systems-csv": {**generic, **text},
        "access-log": {
            **generic,
            **text,
            "gzip-bomb": bomb,
            "gzip-lines": _gzip_line_bomb(),
            "gzip-cut": bomb[:5000],
        },
        "trace-log": {**generic, **text, "gzip-bomb": bomb, "gzip-cut": bomb[:5000]},
        "profile-json": generic,
        "service-key": generic,
        "destination-key": generic,
        "sap-trust-list": {**generic, **certs},
        "sandbox-state": generic,
    }


def special_files(folder: Path) -> dict[str, Path]:
    """Files that are not regular: what a size check by st_size lets through."""
    found = {}
    fifo = folder / "fifo"
    with contextlib.suppress(OSError):
        os.mkfifo(fifo)
        found["fifo"] = fifo
    zero = folder / "dev-zero-link"
    with contextlib.suppress(OSError):
        zero.symlink_to("/dev/zero")
        found["symlink-to-dev-zero"] = zero
    found["folder"] = folder / "a-folder"
    found["folder"].mkdir()
    found["missing"] = folder / "missing-file"
    return found


STRINGS = {
    "empty": "",
    "lone-surrogate": "\udcff\ud800.example",
    "bad-ipv6": "[::1",
    "bad-ipv6-2": "https://[fe80::1%zz]/x",
    "ipv6-garbage": "[zz::zz]:443",
    "bad-idna": "xn--a.example",
    "bad-idna-2": "a..b.example",
    "idna-too-long": "ä" * 300 + ".example",
    "label-too-long": "a" * 64 + ".example",
    "huge-port": "host.example:" + "9" * 5000,
    "negative-port": "host.example:-1",
    "nul": "host\x00.example",
    "spaces": "  host example  ",
    "url-userinfo": "https://user:pa%ss@host.example:443/x",
    "long": "a" * 1_000_000,
    "unicode-dots": "host\u3002example\uff0ecom",
    "newline": "host.example\nEvil: 1",
}


# --- the parsers ----------------------------------------------------------------------------------


def _parsers(tmp: Path):
    from wizard.core import accesslog, batch, enrollment, p12, reply, sap_sign, tracelog, trust
    from wizard.core.profiles import Artefact, ProfileStore
    from wizard.core.storage import read_input_file

    def reply_files(path: Path):
        return reply.read_certificate_files([path])

    def ca_file(path: Path):
        return trust.ca_file_source(path)

    def p12_file(path: Path):
        return p12.read_p12(read_input_file(path, what="a PKCS#12 file"), "pw", source=str(path))

    def systems_csv(path: Path):
        return batch.read_systems_csv(path)

    def access_log(path: Path):
        return accesslog.analyze([path])

    def trace_log(path: Path):
        return tracelog.read_trace(path)

    def profile_json(path: Path):
        store = ProfileStore(tmp / "home")
        if not store.exists("erp"):
            store.create("erp")
        target = store.path("erp", Artefact.PROFILE)
        target.write_bytes(path.read_bytes() if path.is_file() else b"")
        return store.load("erp")

    def service_key(path: Path):
        from wizard.core.secrets import MemoryKeyring, Secrets

        store = ProfileStore(tmp / "home-sk")
        secrets = Secrets(backend=MemoryKeyring(), ask=lambda prompt: "x")
        return enrollment.import_service_key(store, secrets, "cf", path, fetch_aia=False)

    def destination_key(path: Path):
        return sap_sign.read_destination_key(path)

    def sap_trust_list(path: Path):
        return trust.load_sap_list(path)

    def sandbox_state(path: Path):
        from wizard.sandbox.state import StateFile

        return StateFile(path).read()

    def target(text: str):
        from wizard.core.tlsprobe import parse_target

        return parse_target(text)

    def proxy(text: str):
        from wizard.core.tlsprobe import parse_proxy

        return parse_proxy(text)

    def san(text: str):
        from wizard.core.csr import parse_san

        return parse_san("DNS:" + text)

    files = {
        "reply": reply_files,
        "ca-file": ca_file,
        "p12": p12_file,
        "systems-csv": systems_csv,
        "access-log": access_log,
        "trace-log": trace_log,
        "profile-json": profile_json,
        "service-key": service_key,
        "destination-key": destination_key,
        "sap-trust-list": sap_trust_list,
        "sandbox-state": sandbox_state,
    }
    strings = {"target": target, "proxy": proxy, "san": san}
    return files, strings


def _cli_cases(tmp: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    home = str(tmp / "cli-home")
    bad_json = tmp / "nested.json"
    bad_json.write_bytes(b"[" * 200_000)
    return {
        "option-value-is-a-command": (["--home", "csr", "profiles"], {}),
        "home-then-command-word": (["--home", home, "csr", "profiles"], {}),
        "remove-without-terminal": (["--home", home, "profiles", "--remove", "erp"], {}),
        "bad-keyring-backend": (
            ["--home", home, "secret", "show", "--profile", "erp", "key"],
            {"PYTHON_KEYRING_BACKEND": "no.such.Backend"},
        ),
        "surrogate-cn": (["--home", home, "csr", "--profile", "s", "--cn", "\udcff"], {}),
        "surrogate-profile": (["--home", home, "export-p12", "--profile", "\udcff"], {}),
        "fetch-root-bad-ipv6": (["--home", home, "fetch-root", "[::1"], {}),
        "fetch-root-bad-idna": (["--home", home, "fetch-root", "xn--a.example"], {}),
        "fetch-root-huge-port": (["--home", home, "fetch-root", "h.example:" + "9" * 5000], {}),
        "service-key-nested": (
            ["--home", home, "import-service-key", "--profile", "cf", str(bad_json)],
            {},
        ),
        "sap-sign-nested": (
            ["--home", home, "sap-sign", "--profile", "s", "--destination-key", str(bad_json)],
            {},
        ),
        "json-unknown-option": (["--json", "--home", home, "profiles", "--nope"], {}),
        "unknown-command-word": (["--home", home, "frobnicate"], {}),
        "sap-roots-nested": (["--home", home, "--sap-roots", str(bad_json), "profiles"], {}),
    }


# --- running one input in a child ----------------------------------------------------------------


def _child(call, argument) -> None:
    from wizard.core.errors import WizardError

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))
    try:
        call(argument)
    except WizardError:
        os._exit(3)
    except BaseException:
        with contextlib.suppress(Exception):
            sys.stderr.write(traceback.format_exc(limit=3)[-600:])
        os._exit(4)
    os._exit(0)


def _cli_child(argv: list[str], env: dict[str, str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))
    os.environ.update(env)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    log = os.open(os.environ["HOSTILE_CLI_LOG"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    from wizard import cli

    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(4 if code == 1 else 3 if code else 0)


def run_one(target, *args) -> tuple[str, float, int, str]:
    """(outcome, seconds, peak RSS in KiB, stderr tail) of `target(*args)` in a forked child."""
    err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(err_r)
        os.dup2(err_w, 2)
        try:
            target(*args)
        finally:
            os._exit(5)
    os.close(err_w)
    os.set_blocking(err_r, False)
    tail = b""
    while True:
        with contextlib.suppress(BlockingIOError):
            chunk = os.read(err_r, 65536)
            tail = (tail + chunk)[-2000:]
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > TIME_BOUND:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            os.close(err_r)
            return "hang", time.monotonic() - start, usage.ru_maxrss, ""
        time.sleep(0.005)
    with contextlib.suppress(BlockingIOError, OSError):
        tail = (tail + os.read(err_r, 65536))[-2000:]
    os.close(err_r)
    seconds = time.monotonic() - start
    if os.WIFSIGNALED(status):
        outcome = f"killed by signal {os.WTERMSIG(status)}"
    else:
        outcome = {0: "read", 3: "refused", 4: "traceback"}.get(os.WEXITSTATUS(status), "crash")
    return outcome, seconds, usage.ru_maxrss, tail.decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, help="the source tree to test (default: this one)")
    parser.add_argument("--only", help="only parsers whose name contains this")
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    parser.add_argument("--verbose", action="store_true", help="show every traceback and hang")
    args = parser.parse_args()
    tree = (args.tree or Path(__file__).resolve().parents[1]).resolve()
    sys.path.insert(0, str(tree))
    import wizard

    assert Path(wizard.__file__).resolve().is_relative_to(tree), wizard.__file__

    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        tmp = Path(folder)
        os.environ["CPI_CERT_WIZARD_HOME"] = str(tmp / "env-home")
        os.environ["HOSTILE_CLI_LOG"] = str(tmp / "cli.log")
        files, strings = _parsers(tmp)
        inputs = tmp / "inputs"
        inputs.mkdir()
        jobs = []
        for name, shapes in corpus().items():
            if name not in files or (args.only and args.only not in name):
                continue
            for shape, data in shapes.items():
                path = inputs / name / shape
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(data)
                jobs.append((name, shape, _child, files[name], path))
            for shape, path in special_files(inputs / name).items():
                jobs.append((name, shape, _child, files[name], path))
        for name, call in strings.items():
            if args.only and args.only not in name:
                continue
            for shape, text in STRINGS.items():
                jobs.append((name, shape, _child, call, text))
        if not args.only or args.only in "cli":
            for shape, (argv, env) in _cli_cases(tmp).items():
                jobs.append(("cli", shape, _cli_child, argv, env))

        results = defaultdict(Counter)
        worst_rss = 0
        worst_rss_case = ""
        slowest = (0.0, "")
        problems = []
        for name, shape, runner, call, argument in jobs:
            outcome, seconds, rss_kib, tail = run_one(runner, call, argument)
            results[name][outcome] += 1
            if rss_kib > worst_rss:
                worst_rss, worst_rss_case = rss_kib, f"{name}/{shape}"
            if seconds > slowest[0]:
                slowest = (seconds, f"{name}/{shape}")
            if outcome not in ("read", "refused"):
                problems.append((name, shape, outcome, seconds, tail))
    print(f"{'parser':16} {'inputs':>6} {'read':>5} {'refused':>8} {'traceback':>10} {'hang':>5}")
    totals = Counter()
    for name, counts in results.items():
        n = sum(counts.values())
        totals.update(counts)
        totals["inputs"] += n
        bad = n - counts["read"] - counts["refused"] - counts["hang"]
        print(
            f"{name:16} {n:6} {counts['read']:5} {counts['refused']:8} {bad:10} {counts['hang']:5}"
        )
    tracebacks = totals["inputs"] - totals["read"] - totals["refused"] - totals["hang"]
    print(
        f"{'total':16} {totals['inputs']:6} {totals['read']:5} {totals['refused']:8} "
        f"{tracebacks:10} {totals['hang']:5}"
    )
    print(f"max RSS {worst_rss / 1024:.0f} MB ({worst_rss_case}); slowest {slowest[0]:.1f} s "
          f"({slowest[1]}); bounds {TIME_BOUND:.0f} s, {MEMORY_BOUND // 1024**3} GiB per input")  # fmt: skip
    for name, shape, outcome, seconds, tail in problems:
        print(f"  {outcome:10} {name}/{shape} ({seconds:.1f} s)")
        if args.verbose and tail:
            print("    " + tail.strip().replace("\n", "\n    ")[-800:])
    if args.json:
        print(
            json.dumps(
                {
                    "inputs": totals["inputs"],
                    "tracebacks": tracebacks,
                    "hangs": totals["hang"],
                    "max_rss_mb": round(worst_rss / 1024),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
