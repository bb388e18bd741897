"""fetch-root end to end in core: real servers, the root resolved and judged, files written."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from tests import pki
from tests.tls.servers import server_pki
from wizard.core import trust
from wizard.core.chain import fingerprint
from wizard.core.fetch_root import (
    Environment,
    assess,
    detect_environment,
    fetch_root,
    host_notes,
    save_root,
)
from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.reply import parse_certificates
from wizard.core.tlsprobe import ProbeResult, Target, parse_target
from wizard.core.trust import SapStatus

DATA = Path(__file__).resolve().parent.parent / "data"
DIGICERT_GLOBAL_ROOT_G2 = "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f"


def origins(report) -> list[str]:
    return [entry.origin for entry in report.chain]


# --- the root, resolved from what each kind of server sends -----------------------------------


@pytest.mark.parametrize("by", ["python", "openssl"])
@pytest.mark.parametrize("key_kind", ["ec-p256", "ec-p384", "rsa-2048"])
def test_root_not_sent_by_the_server_is_resolved_from_the_ca_file(
    serve, ca_file, by: str, key_kind: str
) -> None:
    server = server_pki(key_kind=key_kind)
    running = serve(server, by=by)
    roots = ca_file(pki.root("Unrelated Root").cert, server.root.cert)

    report = fetch_root(f"localhost:{running.port}", ca_files=[roots], timeout=5)

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert [e.role for e in report.chain] == ["leaf", "intermediate", "root"]
    assert origins(report) == [
        "sent by server",
        "sent by server",
        f"resolved from --ca-file {roots.resolve()}",
    ]
    assert report.valid_for_host is True
    assert report.problems == ()
    assert report.verdict_lines()[0] == "Server chain: valid for localhost."


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_a_root_the_server_sends_is_marked_as_sent(serve, ca_file, by: str) -> None:
    server = server_pki()
    running = serve(server, by=by, with_root=True)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.root_entry is not None and report.root_entry.sent_by_server
    assert report.valid_for_host is True


def test_a_root_only_the_server_vouches_for_is_kept_but_called_untrusted(serve) -> None:
    server = server_pki()
    running = serve(server, with_root=True)

    report = fetch_root(f"localhost:{running.port}", timeout=5)

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.valid_for_host is False
    assert any(p.startswith("untrusted:") for p in report.problems)


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_a_server_sending_only_its_leaf_is_completed_from_the_ca_file(
    serve, ca_file, by: str
) -> None:
    server = server_pki(key_kind="rsa-2048")
    running = serve(server, by=by, leaf_only=True)
    bundle = ca_file(server.root.cert, server.issuing.cert)

    report = fetch_root(f"localhost:{running.port}", ca_files=[bundle], timeout=5)

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert origins(report) == [
        "sent by server",
        f"resolved from --ca-file {bundle.resolve()}",
        f"resolved from --ca-file {bundle.resolve()}",
    ]
    assert report.valid_for_host is True


def test_a_missing_intermediate_is_fetched_from_the_leafs_aia_address(serve, ca_file, aia) -> None:
    server = server_pki(aia_url=aia.url("/issuing.cer"))
    aia.files["/issuing.cer"] = pki.der(server.issuing.cert)
    running = serve(server, leaf_only=True)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.chain[1].origin == f"resolved from AIA {aia.url('/issuing.cer')}"
    assert aia.requests == ["/issuing.cer"]


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_an_expired_server_certificate_still_gives_its_root_and_says_expired(
    serve, ca_file, by: str
) -> None:
    server = server_pki(expired=True)
    running = serve(server, by=by)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.valid_for_host is False
    assert any(p.startswith("expired:") for p in report.problems)
    assert report.verdict_lines()[0] == "Server chain: NOT valid for localhost:"


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_a_certificate_for_another_host_gives_its_root_and_says_name_mismatch(
    serve, ca_file, by: str
) -> None:
    server = server_pki(hostnames=("other.example",), ips=())
    running = serve(server, by=by)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.valid_for_host is False
    mismatch = [p for p in report.problems if p.startswith("name mismatch:")]
    assert mismatch and "other.example" in mismatch[0]


@pytest.mark.parametrize("by", ["python", "openssl"])
def test_a_three_intermediate_chain_resolves_to_its_root(serve, ca_file, by: str) -> None:
    server = server_pki(depth=3, key_kind="ec-p384")
    running = serve(server, by=by)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert [e.role for e in report.chain] == ["leaf", *["intermediate"] * 3, "root"]
    assert [e.sha256 for e in report.chain[:4]] == [fingerprint(c) for c in server.chain()]
    assert report.valid_for_host is True


def test_an_unresolvable_root_is_reported_and_names_the_missing_issuer(serve) -> None:
    server = server_pki()
    running = serve(server)

    report = fetch_root(f"localhost:{running.port}", timeout=5)

    assert report.root is None
    assert report.sap_status is None
    assert any(p.startswith("incomplete:") for p in report.problems)
    root_line = next(line for line in report.verdict_lines() if line.startswith("Root:"))
    assert server.root.cert.subject.rfc4514_string() in root_line
    assert "--ca-file" in root_line


def test_the_client_ca_names_the_server_asks_for_are_in_the_report(serve, ca_file) -> None:
    server = server_pki()
    accepted = [pki.root("SAP Client Root Look-alike").cert]
    running = serve(server, by="openssl", client_ca_names=accepted)

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.client_cert_requested is True
    assert report.client_ca_names == (accepted[0].subject.rfc4514_string(),)
    assert f"  - {accepted[0].subject.rfc4514_string()}" in report.verdict_lines()


# --- a real public chain ----------------------------------------------------------------------


def test_a_real_digicert_g2_chain_resolves_to_the_certifi_root_on_sap_required_list() -> None:
    presented = parse_certificates(
        (DATA / "adobe-ajo-mtls-client-chain.pem").read_bytes(), source="stored chain"
    )
    probed = ProbeResult(
        target=Target("ajo-journeys.aep-mtls.adobe.com", 443),
        servername="ajo-journeys.aep-mtls.adobe.com",
        presented=tuple(presented),
        protocol="TLSv1.3",
        cipher="TLS_AES_256_GCM_SHA384",
        client_cert_requested=False,
        client_ca_names=(),
    )

    report = assess(
        probed,
        sources=[trust.certifi_source()],
        sap_list=trust.load_sap_list(),
        fetch_aia=False,
        at=dt.datetime(2025, 1, 15, tzinfo=dt.UTC),
    )

    assert report.root_sha256 == DIGICERT_GLOBAL_ROOT_G2
    assert report.root_entry is not None and report.root_entry.origin == "resolved from certifi"
    assert report.valid_for_host is True
    assert report.sap_status is SapStatus.REQUIRED and report.sap_required
    assert any("required list" in line for line in report.verdict_lines())


# --- Neo or Cloud Foundry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "environment"),
    [
        ("acme-iflmap.hcisbp.eu1.hana.ondemand.com", Environment.NEO),
        ("acme-iflmap.hcisbt.us3.hana.ondemand.com", Environment.NEO),
        ("acme-tmn.hci.eu1.hana.ondemand.com", Environment.NEO),
        ("acme.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com", Environment.CF),
        ("ACME.IT-CPI002-RT.CFAPPS.US10.HANA.ONDEMAND.COM", Environment.CF),
        ("acme.it-cpi018.cfapps.eu10-003.hana.ondemand.com", Environment.CF),
        ("api.example.com", None),
        ("127.0.0.1", None),
    ],
)
def test_neo_and_cloud_foundry_hosts_are_recognised(host: str, environment) -> None:
    assert detect_environment(host) is environment


def test_a_management_host_is_pointed_to_the_runtime_host() -> None:
    assert "-iflmap." in host_notes("acme-tmn.hci.eu1.hana.ondemand.com")[0]
    assert "-rt.cfapps." in host_notes("acme.it-cpi018.cfapps.eu10-003.hana.ondemand.com")[0]
    assert host_notes("acme.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com") == ()


def test_a_neo_runtime_reached_by_servername_is_recognised_and_checked(serve, ca_file) -> None:
    neo = "acme-iflmap.hcisbp.eu1.hana.ondemand.com"
    server = server_pki(hostnames=(neo,), ips=())
    running = serve(server)

    report = fetch_root(
        f"127.0.0.1:{running.port}",
        ca_files=[ca_file(server.root.cert)],
        servername=neo,
        timeout=5,
    )

    assert report.environment is Environment.NEO
    assert report.valid_for_host is True
    assert "Environment: Neo (the host is an -iflmap. runtime host)." in report.verdict_lines()


# --- what is written --------------------------------------------------------------------------


def openssl_x509(pem_file: Path, *args: str) -> bytes:
    return subprocess.run(
        ["openssl", "x509", "-in", str(pem_file), *args], check=True, capture_output=True
    ).stdout


def test_saved_root_files_are_byte_identical_to_openssls_and_the_profile_records_the_tenant(
    serve, ca_file, tmp_path: Path
) -> None:
    server = server_pki(key_kind="rsa-2048")
    running = serve(server)
    roots = ca_file(server.root.cert)
    store, out = ProfileStore(tmp_path / "home"), tmp_path / "out"
    report = fetch_root(
        f"https://localhost:{running.port}/http/orders", ca_files=[roots], timeout=5
    )

    saved = save_root(report, store=store, profile="ERP-PRD", out=out)

    expected_der = openssl_x509(roots, "-outform", "DER")
    expected_pem = openssl_x509(roots)
    for folder in (store.folder("ERP-PRD"), out):
        assert (folder / Artefact.TENANT_ROOT_CER.value).read_bytes() == expected_der
        assert (folder / Artefact.TENANT_ROOT_PEM.value).read_bytes() == expected_pem
        chain = parse_certificates(
            (folder / Artefact.TENANT_CHAIN_PEM.value).read_bytes(), source="chain"
        )
        assert [fingerprint(c) for c in chain] == [
            *(fingerprint(c) for c in server.chain()),
            fingerprint(server.root.cert),
        ]
    assert set(saved.files) == {
        "tenant_root_cer",
        "tenant_root_pem",
        "tenant_chain_pem",
        "out_tenant_root_cer",
        "out_tenant_root_pem",
        "out_tenant_chain_pem",
    }
    profile = store.load("ERP-PRD")
    assert profile.tenant_host == "localhost"
    assert profile.tenant_port == running.port
    assert profile.tenant_url == f"https://localhost:{running.port}/http/orders"
    assert profile.tenant_root_sha256 == fingerprint(server.root.cert)
    assert profile.tenant_root_subject == server.root.cert.subject.rfc4514_string()
    assert profile.client_cert_requested is False
    assert profile.client_ca_names == []
    assert saved.profile == "ERP-PRD"
    assert json.loads(json.dumps(saved.to_json()))["root"]["sha256"] == saved.root_sha256


def test_a_host_only_fetch_keeps_the_endpoint_url_and_environment_already_recorded(
    serve, ca_file, tmp_path: Path
) -> None:
    server = server_pki()
    running = serve(server)
    store = ProfileStore(tmp_path / "home")
    profile = store.create("s4")
    profile.tenant_url = f"https://localhost:{running.port}/http/orders"
    profile.environment = "cf"
    store.save(profile)
    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    save_root(report, store=store, profile="s4")

    again = store.load("s4")
    assert again.tenant_url == f"https://localhost:{running.port}/http/orders"
    assert again.environment == "cf"  # localhost says nothing about the environment


def test_nothing_is_written_when_no_root_was_found(serve, tmp_path: Path) -> None:
    running = serve(server_pki())
    store, out = ProfileStore(tmp_path / "home"), tmp_path / "out"
    report = fetch_root(parse_target(f"localhost:{running.port}"), timeout=5)

    saved = save_root(report, store=store, profile="ERP-PRD", out=out)

    assert saved.files == {}
    assert not store.exists("ERP-PRD")
    assert not out.exists()


def test_a_server_that_requires_a_client_certificate_still_gives_its_root(serve, ca_file) -> None:
    server = server_pki()
    running = serve(
        server,
        by="openssl",
        client_ca_names=[pki.root("Required Client Root").cert],
        require_client_cert=True,
        extra=("-tls1_2",),
    )

    report = fetch_root(
        f"localhost:{running.port}", ca_files=[ca_file(server.root.cert)], timeout=5
    )

    assert report.root_sha256 == fingerprint(server.root.cert)
    assert report.valid_for_host is True
    assert any("it requires a client certificate" in line for line in report.verdict_lines())
