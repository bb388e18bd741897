"""The whole command-line flow with a built program: csr, a CA's reply, import-reply, export-p12.

    python packaging/cli_flow.py PROGRAM [ARG...]

PROGRAM [ARG...] is how to start the built command-line program, for example
`dist/cpi-cert-wizard/cpi-cert-wizard-cli.exe` (Windows), the executable inside the macOS .app,
the Linux bundle's `cpi-cert-wizard`, or `packaging/windows-cli` (the installed Windows program
under Wine). The hosted workflow runs it on all three systems after `--self-check`; it needs a
Python with `cryptography` (the project's dependencies) and this checkout, for the test PKI
(tests/pki.py) that plays the CA.

Steps: `csr` (key + CSR) -> the test PKI signs the CSR (a DER PKCS#7 reply, root given with
--ca-file) -> `import-reply` -> `export-p12` modern and `--legacy` -> every .p12 opened with
cryptography and, when on PATH, `openssl pkcs12` (OpenSSL 3) and `keytool`.

Secrets: CPI_FLOW_SECRETS=keyring (default) keeps them in the system's keyring (Windows Credential
Manager, macOS Keychain, Secret Service) and reads the PKCS#12 password back with
`secret show`; CPI_FLOW_SECRETS=environment turns the keyring off (PYTHON_KEYRING_BACKEND) and
hands them over in CPI_CERT_WIZARD_KEY_PASSPHRASE and CPI_CERT_WIZARD_P12_PASSWORD, for machines
whose keyring would ask a person. Exit status 0 when every step worked, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402

from tests import pki  # noqa: E402


class FlowFailed(Exception):
    pass


def local_path(text: str) -> Path:
    """A path the program printed, as this Python sees it (Z:\\ paths from Wine become Linux ones)."""
    if os.name != "nt" and PureWindowsPath(text).drive.upper() == "Z:":
        return Path("/", *PureWindowsPath(text).parts[1:])
    return Path(text)


def run(program: list[str], args: list[str], env: dict[str, str]) -> dict:
    command = [*program, args[0], "--json", *args[1:]]
    done = subprocess.run(command, capture_output=True, env=env, check=False, timeout=600)
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    print(f"$ {' '.join(command[len(program) :])}  -> exit {done.returncode}", flush=True)
    if done.returncode != 0:
        raise FlowFailed(f"{args[0]} failed (exit {done.returncode}):\n{out}\n{err}")
    try:
        return json.loads(out)
    except json.JSONDecodeError as exc:
        raise FlowFailed(f"{args[0]} --json printed no JSON ({exc}):\n{out}\n{err}") from exc


def openssl_3() -> bool:
    """An OpenSSL 3 `openssl` on PATH (macOS's /usr/bin/openssl is LibreSSL, which words its
    report differently and is left out)."""
    if not shutil.which("openssl"):
        return False
    done = subprocess.run(["openssl", "version"], capture_output=True, text=True, check=False)
    if not done.stdout.startswith("OpenSSL 3"):
        print(f"   (openssl on PATH is {done.stdout.strip() or 'unknown'}: not used)")
        return False
    return True


def check_p12(path: Path, password: str, legacy: bool) -> None:
    key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
    if key is None or cert is None or len(extra) != 1:
        raise FlowFailed(f"{path}: expected a key, a certificate and one intermediate")
    print(f"   {path.name}: key, {cert.subject.rfc4514_string()}, 1 intermediate (cryptography)")
    env = {**os.environ, "P12_PASSWORD": password}
    if openssl_3():
        done = subprocess.run(
            ["openssl", "pkcs12", "-info", "-noout", "-in", str(path), "-passin", "env:P12_PASSWORD"],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        report = done.stdout + done.stderr
        mac = "sha1" if legacy else "sha256"
        if done.returncode != 0 or f"MAC: {mac}" not in report:
            raise FlowFailed(f"openssl cannot read {path} (or its MAC is not {mac}):\n{report}")
        print(f"   openssl pkcs12 -info: MAC {mac}")
    if shutil.which("keytool"):
        done = subprocess.run(
            ["keytool", "-list", "-storetype", "PKCS12", "-keystore", str(path),
             "-storepass:env", "P12_PASSWORD"],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        if done.returncode != 0 or "PrivateKeyEntry" not in done.stdout:
            raise FlowFailed(f"keytool cannot read {path}:\n{done.stdout}{done.stderr}")
        print("   keytool -list: PrivateKeyEntry")


def flow(program: list[str], work: Path) -> None:
    mode = os.environ.get("CPI_FLOW_SECRETS", "keyring")
    if mode not in ("keyring", "environment"):
        raise FlowFailed(f"CPI_FLOW_SECRETS={mode}: use keyring or environment")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPI_CERT_WIZARD_")}
    env["CPI_CERT_WIZARD_HOME"] = str(work / "home")
    p12_password = None
    if mode == "environment":
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        env["CPI_CERT_WIZARD_KEY_PASSPHRASE"] = f"flow-{uuid.uuid4().hex}"
        env["CPI_CERT_WIZARD_P12_PASSWORD"] = p12_password = f"p12-{uuid.uuid4().hex}"
    profile = f"flow-{uuid.uuid4().hex[:8]}"

    made = run(program, ["csr", "--profile", profile, "--cn", "sender.example.com",
                         "--org", "Müller AG", "--country", "DE"], env)  # fmt: skip
    print(f"   secrets kept in: {made.get('passphrase_kept_in')}")
    csr = x509.load_pem_x509_csr(local_path(made["files"]["csr"]).read_bytes())
    root = pki.root("Flow Test Root CA")
    issuing = root.intermediate("Flow Test Issuing CA")
    reply, root_file = work / "reply.p7b", work / "root.pem"
    reply.write_bytes(pki.p7b(issuing.sign_csr(csr), issuing.cert))
    root_file.write_bytes(root.pem())
    run(
        program,
        ["import-reply", "--profile", profile, str(reply), "--ca-file", str(root_file)],
        env,
    )

    for legacy in (False, True):
        out = work / ("legacy" if legacy else "modern") / "client.p12"
        args = ["export-p12", "--profile", profile, "--out", str(out)]
        exported = run(program, args + (["--legacy"] if legacy else []), env)
        p12 = local_path(exported["files"]["p12"])
        password = p12_password
        if password is None:
            password = run(program, ["secret", "show", "--profile", profile, "p12"], env)["secret"]
        check_p12(p12, password, legacy)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    with tempfile.TemporaryDirectory(prefix="cli-flow-") as scratch:
        try:
            flow(argv, Path(scratch))
        except FlowFailed as exc:
            print(f"cli-flow: FAILED: {exc}", file=sys.stderr)
            return 1
    print("cli-flow: OK (csr, import-reply, export-p12 modern and legacy)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
