"""Fleet fixtures: a CA that signs many requests, and helpers to write systems CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from tests import pki


@pytest.fixture(scope="module")
def ca() -> pki.Authority:
    root = pki.root("Fleet Test Root CA")
    return root.intermediate("Fleet Issuing CA")


@pytest.fixture
def root_file(tmp_path: Path, ca: pki.Authority) -> Path:
    path = tmp_path / "ca-root.pem"
    path.write_bytes(pki.pem(ca.parent.cert))
    return path


def write_csv(path: Path, rows: list[str], *, bom: bool = False, newline: str = "\n") -> Path:
    data = newline.join(rows) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def systems(count: int, *, prefix: str = "erp", env: str = "neo", sep: str = ";") -> list[str]:
    header = sep.join(["profile", "cn", "o", "c", "env", "url", "user", "role"])
    return [header] + [
        sep.join(
            [
                f"{prefix}-{i:03d}",
                f"{prefix}-{i:03d}.acme.example",
                "ACME AG",
                "DE",
                env,
                f"https://acme-iflmap.hcisbp.eu1.hana.ondemand.com/http/orders/{i}",
                f"SENDER_{i:03d}",
                "ESBMessaging.send",
            ]
        )
        for i in range(count)
    ]


def sign_folder(ca: pki.Authority, folder: Path, out: Path, **kw) -> dict[str, x509.Certificate]:
    """What a CA does with a folder of requests: a leaf for each, with the intermediate."""
    out.mkdir(parents=True, exist_ok=True)
    leaves = {}
    for csr_file in sorted(folder.glob("*.csr")):
        csr = x509.load_pem_x509_csr(csr_file.read_bytes())
        leaves[csr_file.stem] = ca.sign_csr(csr, **kw)
    return leaves
