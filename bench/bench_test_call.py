"""test-call against nginx on 127.0.0.1, side by side with curl using the same chain and key.

    python3 bench/bench_test_call.py [--runs N] [--key-type rsa-3072|ec-p256|…]

Every run is a whole call: a new TCP connection and TLS handshake with the client certificate
(leaf + intermediate, the encrypted PKCS#8 key and its passphrase), one GET answered 200.
Printed: the median of N runs of
- ours in-process (`call_endpoint`: what the GUI does, and the CLI minus Python's start-up),
  with its parts (key decryption, chain pre-checks) measured on their own,
- ours as a process (`python3 -m wizard test-call`: what a person at the terminal waits for),
- curl as a process (`curl --cert … --key … --pass … --cacert …`),
and the ratios ours/curl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import median_seconds
from tests.conftest import MemoryKeyring
from tests.testcall.harness import make_world, run_nginx
from wizard.core import testcall
from wizard.core.keys import KeyType, encrypt_key, load_key
from wizard.core.profiles import Artefact, ProfileStore, State
from wizard.core.secrets import SecretKind, Secrets
from wizard.core.verdicts import Verdict

PASSPHRASE = "bench passphrase 0123456789"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--key-type", default=KeyType.RSA_3072.value, choices=[k.value for k in KeyType]
    )
    args = parser.parse_args()
    world = make_world(key_kind=args.key_type)
    alice = world["alice"]
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "nginx").mkdir()
        with run_nginx(world, tmpdir / "nginx") as nginx:
            home = tmpdir / "home"
            store = ProfileStore(home)
            profile = store.create("bench")
            store.write_artefact("bench", Artefact.KEY, encrypt_key(alice.key, PASSPHRASE))
            store.write_artefact("bench", Artefact.CHAIN, b"".join(_pem(c) for c in alice.known))
            store.write_artefact(
                "bench", Artefact.CLIENT_CHAIN_PEM, b"".join(_pem(c) for c in alice.sent)
            )
            store.write_artefact("bench", Artefact.TENANT_ROOT_PEM, world.lb_root.pem())
            profile.tenant_url = nginx.url("/http/orders")
            profile.environment = "cf"
            profile.state = State.MAPPED
            store.save(profile)
            secrets = Secrets(backend=MemoryKeyring())
            secrets.store("bench", SecretKind.KEY_PASSPHRASE, PASSPHRASE)

            def ours() -> None:
                result = testcall.call_endpoint(profile, store=store, secrets=secrets, timeout=10)
                assert result.verdict is Verdict.OK, result.evidence

            key_pem = store.read_artefact("bench", Artefact.KEY)
            identity = testcall.load_client_identity(store, profile, secrets)
            accepted = testcall.accepted_roots(profile)

            def decrypt() -> None:
                load_key(key_pem, PASSPHRASE)

            def prechecks() -> None:
                testcall.client_chain_report(identity, sap_list=accepted.sap_list)

            env = {**os.environ, "CPI_CERT_WIZARD_KEY_PASSPHRASE": PASSPHRASE}
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

            def ours_process() -> None:
                subprocess.run(
                    [sys.executable, "-m", "wizard", "--home", str(home), "test-call",
                     "--profile", "bench", "--timeout", "10"],
                    check=True, capture_output=True, env=env,
                    cwd=Path(__file__).resolve().parent.parent,
                )  # fmt: skip

            def startup() -> None:
                subprocess.run(
                    [sys.executable, "-c", "import wizard.cli, wizard.core.testcall"],
                    check=True, capture_output=True, env=env,
                    cwd=Path(__file__).resolve().parent.parent,
                )  # fmt: skip

            folder = store.folder("bench")
            curl = [
                "curl", "-s", "-o", "/dev/null", "-f",
                "--cert", str(folder / Artefact.CLIENT_CHAIN_PEM.value),
                "--key", str(folder / Artefact.KEY.value), "--pass", PASSPHRASE,
                "--cacert", str(folder / Artefact.TENANT_ROOT_PEM.value),
                "--max-time", "10", profile.tenant_url,
            ]  # fmt: skip

            def theirs() -> None:
                subprocess.run(curl, check=True, capture_output=True)

            ours()
            theirs()  # warm up both (imports, the SAP list, the page cache)
            runs = args.runs
            in_process = median_seconds(ours, runs)
            decryption = median_seconds(decrypt, runs)
            rows = [
                ("test-call in-process", in_process),
                ("  of which key decryption", decryption),
                ("  of which chain pre-checks", median_seconds(prechecks, runs)),
                ("  the rest (checks, connect, TLS, HTTP)", in_process - decryption),
                ("test-call process", median_seconds(ours_process, max(5, runs // 3))),
                ("  of which start-up + imports", median_seconds(startup, max(5, runs // 3))),
                ("curl process", median_seconds(theirs, runs)),
            ]
    curl_median = rows[-1][1]
    print(f"test-call vs curl against nginx on 127.0.0.1, client key {args.key_type}, "
          f"median of {args.runs} runs (process rows: {max(5, args.runs // 3)})")  # fmt: skip
    for label, seconds in rows:
        ratio = (
            ""
            if label.startswith("  ") or label == "curl process"
            else (f"  ratio to curl {seconds / curl_median:5.2f}")
        )
        print(f"{label:<40} {seconds * 1000:8.2f} ms{ratio}")


def _pem(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


if __name__ == "__main__":
    main()
