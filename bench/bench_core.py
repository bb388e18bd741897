"""Key + CSR generation per key type and PKCS#12 export, side by side with openssl.

    python3 bench/bench_core.py [--runs N]

Prints the median of N runs for each and the ratio ours/openssl. Ours is measured in-process
(what the wizard and the CLI do); openssl as the command a person would type, so its figure
includes process start-up: the "openssl (process)" column is what a user would wait for.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography import x509

from bench.timing import median_seconds
from tests import pki
from wizard.core import keys
from wizard.core.csr import SubjectFields, build_csr, csr_pem
from wizard.core.p12 import export_p12

OPENSSL_NEWKEY = {
    "rsa-2048": ["-newkey", "rsa:2048"],
    "rsa-3072": ["-newkey", "rsa:3072"],
    "rsa-4096": ["-newkey", "rsa:4096"],
    "ec-p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ec-p384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    subject = SubjectFields(cn="bench", org="ACME", country="DE")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for key_type in keys.KeyType:
            # RSA key generation is random in duration: more runs for a stable median.
            runs = args.runs * (3 if key_type.value.startswith("rsa") else 1)

            def ours(kt=key_type):
                key = keys.generate_key(kt)
                csr_pem(build_csr(key, subject))
                keys.encrypt_key(key, "bench-passphrase")

            def theirs(kt=key_type):
                subprocess.run(
                    ["openssl", "req", "-new", *OPENSSL_NEWKEY[kt.value], "-nodes",
                     "-keyout", str(tmpdir / "k.pem"), "-out", str(tmpdir / "r.csr"),
                     "-subj", "/C=DE/O=ACME/CN=bench", "-sha256"],
                    check=True, capture_output=True,
                )  # fmt: skip

            rows.append((f"key+CSR {key_type.value}", median_seconds(ours, runs),
                         median_seconds(theirs, runs)))  # fmt: skip

        root = pki.root()
        key = keys.generate_key(keys.KeyType.RSA_3072)
        leaf = root.issue(key.public_key(), "bench")
        (tmpdir / "key.pem").write_bytes(pki.key_pem(key))
        (tmpdir / "leaf.pem").write_bytes(pki.pem(leaf))
        (tmpdir / "ca.pem").write_bytes(pki.pem(root.cert))
        assert isinstance(leaf, x509.Certificate)
        for legacy in (False, True):

            def ours_p12(legacy=legacy):
                export_p12(key, leaf, [root.cert], "bench-password", legacy=legacy)

            extra = ["-legacy"] if legacy else []

            def theirs_p12(extra=extra):
                subprocess.run(
                    ["openssl", "pkcs12", "-export", *extra, "-inkey", str(tmpdir / "key.pem"),
                     "-in", str(tmpdir / "leaf.pem"), "-certfile", str(tmpdir / "ca.pem"),
                     "-out", str(tmpdir / "x.p12"), "-passout", "pass:bench-password"],
                    check=True, capture_output=True,
                )  # fmt: skip

            label = "PKCS#12 export " + ("legacy" if legacy else "modern")
            rows.append((label, median_seconds(ours_p12, args.runs),
                         median_seconds(theirs_p12, args.runs)))  # fmt: skip

    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    print(f"median of runs; openssl = {version}, run as a process\n")
    print(f"{'operation':<26} {'ours (ms)':>10} {'openssl (ms)':>13} {'ratio':>7}")
    for label, ours_s, theirs_s in rows:
        print(
            f"{label:<26} {ours_s * 1000:>10.1f} {theirs_s * 1000:>13.1f} {ours_s / theirs_s:>7.2f}"
        )


if __name__ == "__main__":
    main()
