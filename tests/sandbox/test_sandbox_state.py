"""The sandbox keeps its certificates and tables in its folder, across restarts, privately."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests import pki
from tests.sandbox.senders import call, demo_ca_sender
from wizard.core.errors import WizardError
from wizard.sandbox import Sandbox


def test_tables_and_certificates_survive_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "sandbox"
    first = Sandbox(folder)
    sender = demo_ca_sender(first, tmp_path / "sender")
    first.map_certificate(sender.leaf_pem, "ERP_SENDER")
    first.add_endpoint("/cxf/orders", role="Orders.send")
    first.grant("ERP_SENDER", "Orders.send")
    with first.start() as running:
        assert call(running, "/cxf/orders", sender).status == 200
    lb_root, ca_root = first.lb_root_pem, first.ca_root_pem

    again = Sandbox(folder)  # as after a restart of the program

    assert (again.lb_root_pem, again.ca_root_pem) == (lb_root, ca_root)
    with again.start() as running:
        assert call(running, "/cxf/orders", sender).status == 200
    assert len(again.access_log_path().read_text().splitlines()) == 2


def test_keys_are_private_and_roots_readable(sandbox: Sandbox) -> None:
    keys = sorted((sandbox.directory / "pki").glob("*-key.pem"))

    assert len(keys) == 5  # LB root, LB intermediate, LB server, CA root, CA intermediate
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    assert stat.S_IMODE(sandbox.lb_root_pem_path.stat().st_mode) == 0o644
    assert stat.S_IMODE((sandbox.directory / "state.json").stat().st_mode) == 0o600


def test_state_file_broken_by_hand_is_reported_with_its_path(sandbox: Sandbox) -> None:
    state = sandbox.directory / "state.json"
    state.write_text("{ not json")

    with pytest.raises(WizardError) as caught:
        Sandbox(sandbox.directory)
    assert caught.value.code == "sandbox.state"
    assert str(state) in caught.value.message


def test_running_server_keeps_the_last_good_tables_when_the_file_breaks(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sender = demo_ca_sender(sandbox, tmp_path)
    sandbox.map_certificate(sender.leaf_pem, "ERP_SENDER")
    sandbox.grant("ERP_SENDER", "ESBMessaging.send")
    with sandbox.start() as running:
        (sandbox.directory / "state.json").write_text("{ broken")
        assert call(running, "/http/demo", sender).status == 200


def test_only_a_self_signed_root_can_be_trusted_for_clients(sandbox: Sandbox) -> None:
    root = pki.root("Corporate Root CA")
    issuing = root.intermediate("Corporate Issuing CA")

    with pytest.raises(WizardError, match="not self-signed") as caught:
        sandbox.trust_client_root(issuing.pem())
    assert caught.value.code == "sandbox.not_root"
    leaf = issuing.issue(pki.make_key().public_key(), "someone")
    with pytest.raises(WizardError, match="not a CA certificate"):
        sandbox.trust_client_root(pki.pem(leaf))
    assert (
        sandbox.trust_client_root(pki.der(root.cert)).subject == root.cert.subject.rfc4514_string()
    )


def test_mapping_takes_exactly_one_certificate(sandbox: Sandbox) -> None:
    root = pki.root()
    with pytest.raises(WizardError) as caught:
        sandbox.map_certificate(pki.pem(root.cert, root.cert), "X")
    assert caught.value.code == "sandbox.certificate_count"
    with pytest.raises(WizardError) as caught:
        sandbox.map_certificate(b"garbage", "X")
    assert caught.value.code == "sandbox.certificate"


def test_mapping_the_same_certificate_again_replaces_the_user(sandbox: Sandbox) -> None:
    cert = pki.root().issue(pki.make_key().public_key(), "sender")
    sandbox.map_certificate(pki.der(cert), "OLD_NAME")

    row = sandbox.map_certificate(pki.pem(cert), "NEW_NAME")

    assert [m.user for m in sandbox.state().mappings] == ["NEW_NAME"]
    assert row.sha256 == sandbox.state().mappings[0].sha256


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda s: s.grant("has space", "ESBMessaging.send"), "sandbox.user"),
        (lambda s: s.grant("U", "no-dashes"), "sandbox.role"),
        (lambda s: s.add_endpoint("/orders"), "sandbox.endpoint"),
        (lambda s: s.add_endpoint("/http/"), "sandbox.endpoint"),
        (lambda s: s.add_endpoint("/http/x?y=1"), "sandbox.endpoint"),
        (lambda s: s.add_endpoint("/http/x", max_bytes=-1), "sandbox.max_bytes"),
        (lambda s: s.start(port=70000), "sandbox.port"),
    ],
)
def test_bad_table_input_is_refused_and_nothing_changes(sandbox: Sandbox, change, code) -> None:
    before = (sandbox.directory / "state.json").read_bytes()

    with pytest.raises(WizardError) as caught:
        change(sandbox)

    assert caught.value.code == code
    assert (sandbox.directory / "state.json").read_bytes() == before


def test_a_fresh_sandbox_has_the_example_endpoint_and_nobody_mapped(sandbox: Sandbox) -> None:
    state = sandbox.state()

    assert [(e.path, e.role) for e in state.endpoints] == [("/http/demo", "ESBMessaging.send")]
    assert state.mappings == () and state.roles == ()
    assert state.node == "sandbox0"
