"""fetch-root against `openssl s_server` on 127.0.0.1, side by side with `openssl s_client -showcerts`.

    python3 bench/bench_fetch_root.py [--runs N] [--key-type ec-p256|ec-p384|rsa-2048|rsa-3072]

The server presents leaf + intermediate (root not sent), like SAP's load balancers. Every run is a
new TCP connection and TLS handshake. Printed: the median of N runs of
- the probe alone in-process (`tlsprobe.probe`: connect, handshake, chain and CA request),
- fetch-root in-process (`fetch_root` + `save_root`: probe, chain completion from --ca-file /
  certifi / the OS store, validation, SAP list, three files written): what the GUI does,
- fetch-root as a process (`python3 -m wizard fetch-root … --out DIR`): what a person waits for,
- `openssl s_client -showcerts` as a process (reads the chain; resolves and saves nothing),
and the ratios to openssl.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import median_seconds
from tests import pki
from tests.tls.servers import OpenSSLServer, server_pki
from wizard.core import tlsprobe, trust
from wizard.core.fetch_root import fetch_root, save_root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--key-type", default="ec-p256", choices=["ec-p256", "ec-p384", "rsa-2048", "rsa-3072"]
    )
    args = parser.parse_args()
    server = server_pki(key_kind=args.key_type, label="Bench")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        roots = tmpdir / "roots.pem"
        roots.write_bytes(pki.pem(server.root.cert))
        out = tmpdir / "out"
        with OpenSSLServer(tmpdir / "server", server.chain(), server.key) as running:
            address = f"localhost:{running.port}"
            target = tlsprobe.parse_target(address)
            trust.certifi_source()  # loaded once per process, as in the GUI
            trust.system_source()

            def probe_only() -> None:
                result = tlsprobe.probe(target, timeout=5)
                assert len(result.presented) == 2

            def in_process() -> None:
                report = fetch_root(target, ca_files=[roots], proxy="none", timeout=5)
                assert save_root(report, out=out).files

            cli = [sys.executable, "-m", "wizard", "--home", str(tmpdir / "home"), "fetch-root"]
            cli += [address, "--ca-file", str(roots), "--out", str(out), "--proxy", "none"]
            s_client = ["openssl", "s_client", "-connect", f"127.0.0.1:{running.port}"]
            s_client += ["-servername", "localhost", "-showcerts"]

            def as_process() -> None:
                subprocess.run(cli, check=True, capture_output=True)

            def openssl() -> None:
                done = subprocess.run(
                    s_client, stdin=subprocess.DEVNULL, capture_output=True, check=True
                )
                assert done.stdout.count(b"-----BEGIN CERTIFICATE-----") == 2

            for warm in (probe_only, in_process, as_process, openssl):
                warm()
            rows = [
                ("tlsprobe.probe (in-process)", median_seconds(probe_only, args.runs)),
                ("fetch_root + save_root (in-process)", median_seconds(in_process, args.runs)),
                ("cpi-cert-wizard fetch-root (process)", median_seconds(as_process, args.runs)),
                ("openssl s_client -showcerts (process)", median_seconds(openssl, args.runs)),
            ]
    reference = rows[-1][1]
    print(f"fetch-root vs openssl s_client, {args.key_type} chain, median of {args.runs} runs")
    print(f"{'what':<40} {'median ms':>10} {'÷ openssl':>10}")
    for name, seconds in rows:
        print(f"{name:<40} {seconds * 1000:>10.2f} {seconds / reference:>10.2f}")


if __name__ == "__main__":
    main()
