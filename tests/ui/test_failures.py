"""What goes wrong is shown on the page, in words, next to the thing to fix."""

from __future__ import annotations

import socket

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from tests import pki
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore, State

from .conftest import sandbox_walk


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_a_reply_for_another_key_is_refused_on_the_page_and_the_profile_is_unchanged(
    home, wizard, tmp_path
):
    sandbox_walk(wizard, Step.CERTIFICATE)
    session = wizard.window.session
    other = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(pki.name("sandbox-demo.example.com"))
        .sign(pki.make_key(), hashes.SHA256())
    )
    reply = tmp_path / "reply-for-another-key.p7b"
    reply.write_bytes(
        session.sandbox.sandbox.sign_csr(other.public_bytes(serialization.Encoding.PEM))
    )
    page = wizard.page_of(Step.CERTIFICATE)
    page.files.clear()
    page.files.add_files([reply])
    wizard.click(page.import_button)
    wizard.idle()
    assert page.input_error.isVisible()
    assert "not imported" in page.input_error.text()
    assert "key" in page.findings.text().lower()  # the finding names the key mismatch
    assert page.findings.isVisible()
    assert not page.isComplete()
    store = ProfileStore(home)
    assert store.load(session.name).state is State.KEY_GENERATED
    assert store.read_artefact(session.name, Artefact.CHAIN) is None


def test_an_unmapped_certificate_gets_the_401_verdict_with_its_next_step(wizard):
    sandbox_walk(wizard, Step.TEST_CALL, map_it=False)
    page = wizard.page_of(Step.TEST_CALL)
    assert page.verdict.isVisible()
    assert page.verdict.code == "NOT_MAPPED"
    assert "not mapped to a user" in page.verdict.title.text()
    assert "Certificate-to-User Mapping" in page.verdict.next_step.text()
    assert "401" in page.evidence.text()
    assert wizard.window.session.profile.last_test_verdict == "NOT_MAPPED"


def test_an_unreachable_tenant_is_a_verdict_on_the_test_page(wizard):
    sandbox_walk(wizard, Step.TEST_CALL)
    page = wizard.page_of(Step.TEST_CALL)
    page.url.setText(f"https://127.0.0.1:{closed_port()}/http/demo")
    wizard.click(page.call_button)
    wizard.idle()
    assert page.verdict.code == "UNREACHABLE"
    assert page.verdict.title.text() == "The host cannot be reached"


def test_an_unreachable_tenant_is_explained_on_the_trust_page_and_can_be_skipped(wizard):
    port = closed_port()
    wizard.click(wizard.page_of(Step.START).new_button)
    wizard.qtbot.waitUntil(lambda: wizard.at() is Step.TENANT)
    tenant = wizard.page_of(Step.TENANT)
    tenant.name.setText("ERP-PRD")
    tenant.url.setText(f"https://127.0.0.1:{port}/http/orders")
    wizard.next(Step.TRUST)
    page = wizard.page_of(Step.TRUST)
    assert page.error.isVisible()
    assert f"127.0.0.1:{port}" in page.error.message()
    assert "refused" in page.error.message()
    assert "Go Back to correct the URL" in page.error.message()
    assert not page.isComplete()
    page.skip.setChecked(True)
    assert page.isComplete()
    wizard.next(Step.KEY)


def test_the_access_log_of_an_unmapped_call_is_explained_on_the_test_page(wizard):
    sandbox_walk(wizard, Step.TEST_CALL, map_it=False)
    page = wizard.page_of(Step.TEST_CALL)
    log = wizard.window.session.sandbox.access_log_path
    page.analyze([log])
    wizard.idle()
    text = page.log_findings.text()
    assert "/http/demo" in text and "401" in text
    assert "reached the tenant" in text and "not mapped" in text
