"""expiry watches the whole chain: an intermediate that ends before the leaf sets the date."""

from __future__ import annotations

from tests import pki
from tests.cli.test_enrollment_cli import make_request, write


def test_an_intermediate_ending_before_the_leaf_makes_expiry_report_its_date(cli, home, tmp_path):
    root = pki.root("Expiry Chain Root")
    short_ca = root.intermediate("Short Issuing CA", days=20)
    csr = make_request(cli)
    reply = write(tmp_path / "reply.pem", pki.pem(short_ca.sign_csr(csr, days=365), short_ca.cert))
    root_file = write(tmp_path / "root.pem", pki.pem(root.cert))
    imported = cli("import-reply", "--profile", "erp", reply, "--ca-file", root_file, "--json")
    assert imported.code == 0, imported.out
    assert any(f["code"] == "outlives_issuer" for f in imported.json["findings"])
    (row,) = cli("expiry", "--json").json["certificates"]
    assert row["status"] == "due"
    assert row["days_left"] in (18, 19, 20)  # the CA's end, not the leaf's 365 days
    assert "Short Issuing CA" in row["advice"] and "before the certificate itself" in row["advice"]
