"""Reading a CA reply in every shape a CA or a tool produces, and a clear error for anything else."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests import pki
from wizard.core.errors import WizardError
from wizard.core.reply import parse_certificates, read_certificate_files


def subjects(certs) -> list[str]:
    return [c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value for c in certs]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def openssl(*args: str, cwd: Path) -> bytes:
    return subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd).stdout


# --- every shape a reply comes in ---------------------------------------------------------------


def test_pem_bundle_in_any_order_is_read_in_the_order_given(hierarchy):
    h = hierarchy
    data = pki.pem(h.root.cert, h.leaf, h.issuing.cert)
    certs = parse_certificates(data, source="bundle.pem")
    assert subjects(certs) == ["Chain Test Root CA", "sender-s4h-100", "Chain Test Issuing CA"]


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_openssl_pkcs12_output_with_bag_attributes_and_a_key_yields_only_the_certificates(
    hierarchy, tmp_path
):
    h = hierarchy
    write(tmp_path / "leaf.pem", pki.pem(h.leaf))
    write(tmp_path / "key.pem", pki.key_pem(h.key))
    write(tmp_path / "chain.pem", pki.pem(h.issuing.cert, h.root.cert))
    openssl(
        "pkcs12", "-export", "-in", "leaf.pem", "-inkey", "key.pem", "-certfile", "chain.pem",
        "-passout", "pass:transport", "-out", "x.p12", cwd=tmp_path,
    )  # fmt: skip
    text = openssl("pkcs12", "-in", "x.p12", "-nodes", "-passin", "pass:transport", cwd=tmp_path)
    assert b"Bag Attributes" in text and b"PRIVATE KEY" in text  # what users really paste

    certs = parse_certificates(text, source="export.txt")

    assert sorted(subjects(certs)) == sorted(
        ["sender-s4h-100", "Chain Test Issuing CA", "Chain Test Root CA"]
    )


def test_windows_style_export_with_crlf_and_text_around_the_blocks_is_read(hierarchy):
    h = hierarchy
    data = (
        b"Subject: CN=sender-s4h-100\r\nIssuer: CN=Chain Test Issuing CA\r\n\r\n"
        + pki.pem(h.leaf).replace(b"\n", b"\r\n")
        + b"\r\nIntermediate certificate:\r\n"
        + pki.pem(h.issuing.cert).replace(b"\n", b"\r\n")
        + b"-- end of mail --\r\n"
    )
    assert subjects(parse_certificates(data, source="mail.txt")) == [
        "sender-s4h-100",
        "Chain Test Issuing CA",
    ]


def test_a_utf8_bom_from_a_text_editor_is_ignored(hierarchy):
    data = b"\xef\xbb\xbf" + pki.pem(hierarchy.leaf)
    assert subjects(parse_certificates(data, source="bom.pem")) == ["sender-s4h-100"]


def test_pem_saved_as_utf16_by_windows_notepad_is_read(hierarchy):
    data = pki.pem(hierarchy.leaf, hierarchy.issuing.cert).decode().encode("utf-16")
    assert subjects(parse_certificates(data, source="notepad.cer")) == [
        "sender-s4h-100",
        "Chain Test Issuing CA",
    ]


def test_der_certificate_is_read(hierarchy):
    certs = parse_certificates(pki.der(hierarchy.leaf), source="client.cer")
    assert certs == [hierarchy.leaf]


def test_bare_base64_without_begin_end_lines_is_read(hierarchy):
    data = base64.encodebytes(pki.der(hierarchy.leaf))
    assert parse_certificates(data, source="portal.txt") == [hierarchy.leaf]


def test_pkcs7_der_p7b_is_read(hierarchy):
    h = hierarchy
    certs = parse_certificates(pki.p7b(h.issuing.cert, h.leaf), source="reply.p7b")
    assert set(subjects(certs)) == {"sender-s4h-100", "Chain Test Issuing CA"}


def test_pkcs7_pem_block_is_read(hierarchy):
    h = hierarchy
    data = b"Your certificate:\n" + pki.p7b(
        h.leaf, h.issuing.cert, encoding=serialization.Encoding.PEM
    )
    assert b"-----BEGIN PKCS7-----" in data
    assert set(subjects(parse_certificates(data, source="reply.p7c"))) == {
        "sender-s4h-100",
        "Chain Test Issuing CA",
    }


@pytest.mark.linux_only("runs the openssl command, which a Windows process under Wine cannot start")
def test_pkcs7_made_by_openssl_crl2pkcs7_is_read_in_der_and_pem(hierarchy, tmp_path):
    h = hierarchy
    write(tmp_path / "bundle.pem", pki.pem(h.leaf, h.issuing.cert, h.root.cert))
    for form in ("DER", "PEM"):
        data = openssl(
            "crl2pkcs7", "-nocrl", "-certfile", "bundle.pem", "-outform", form, cwd=tmp_path
        )
        certs = parse_certificates(data, source=f"openssl.{form.lower()}.p7b")
        assert len(certs) == 3


def test_a_pem_block_next_to_a_pkcs7_block_is_read_once(hierarchy):
    h = hierarchy
    data = pki.pem(h.leaf) + pki.p7b(h.leaf, h.issuing.cert, encoding=serialization.Encoding.PEM)
    assert subjects(parse_certificates(data, source="mixed.pem")) == [
        "sender-s4h-100",
        "Chain Test Issuing CA",
    ]


def test_duplicates_are_removed_and_the_first_occurrence_keeps_its_place(hierarchy):
    h = hierarchy
    data = pki.pem(h.issuing.cert, h.leaf, h.issuing.cert, h.leaf)
    assert subjects(parse_certificates(data, source="dup.pem")) == [
        "Chain Test Issuing CA",
        "sender-s4h-100",
    ]


def test_several_files_of_different_formats_are_read_and_deduplicated_across_files(
    hierarchy, tmp_path
):
    h = hierarchy
    files = [
        write(tmp_path / "client.cer", pki.der(h.leaf)),
        write(tmp_path / "ca.p7b", pki.p7b(h.issuing.cert, h.leaf)),
        write(tmp_path / "root.pem", pki.pem(h.root.cert, h.issuing.cert)),
    ]
    certs = read_certificate_files(files)
    assert subjects(certs) == ["sender-s4h-100", "Chain Test Issuing CA", "Chain Test Root CA"]


# --- what is not a reply: a specific error that names the file --------------------------------


def expect_error(data: bytes, source: str, code: str) -> WizardError:
    with pytest.raises(WizardError) as caught:
        parse_certificates(data, source=source)
    assert caught.value.code == code
    assert source in caught.value.message
    return caught.value


@pytest.mark.parametrize("data", [b"", b"   \r\n\n"], ids=["zero-bytes", "only-whitespace"])
def test_an_empty_file_says_it_is_empty(data):
    error = expect_error(data, "reply.cer", "reply.empty")
    assert "is empty" in error.message


def test_a_private_key_is_refused_with_a_hint_what_is_needed(hierarchy):
    error = expect_error(pki.key_pem(hierarchy.key), "sender.key", "reply.private_key")
    assert "private key" in error.message
    assert "the certificate the CA returned" in error.message


def test_an_encrypted_private_key_in_der_is_recognised(hierarchy):
    data = hierarchy.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret-pass"),
    )
    error = expect_error(data, "sender.der", "reply.private_key")
    assert "encrypted private key" in error.message
    assert "secret-pass" not in error.message


def test_the_csr_instead_of_the_reply_is_recognised_in_pem_and_der(hierarchy):
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(pki.name("sender-s4h-100"))
        .sign(hierarchy.key, hashes.SHA256())
    )
    for data, source in [
        (csr.public_bytes(serialization.Encoding.PEM), "request.csr"),
        (csr.public_bytes(serialization.Encoding.DER), "request.der"),
    ]:
        error = expect_error(data, source, "reply.csr")
        assert "certificate signing request (CSR)" in error.message
        assert "the certificate the CA returned" in error.message


def test_a_pkcs12_keystore_is_recognised_and_import_p12_is_suggested(hierarchy):
    data = pkcs12.serialize_key_and_certificates(
        b"sender",
        hierarchy.key,
        hierarchy.leaf,
        None,
        serialization.BestAvailableEncryption(b"transport"),
    )
    error = expect_error(data, "bundle.bin", "reply.pkcs12")
    assert "PKCS#12" in error.message and "import-p12" in error.message


def test_a_truncated_pem_says_it_is_cut_off(hierarchy):
    data = pki.pem(hierarchy.leaf)
    error = expect_error(data[: len(data) // 2], "cut.pem", "reply.truncated")
    assert "cut off" in error.message


def test_a_damaged_certificate_block_is_reported_with_its_number(hierarchy):
    good = pki.pem(hierarchy.issuing.cert)
    lines = pki.pem(hierarchy.leaf).split(b"\n")
    lines[5] = b"!!!!" + lines[5][4:]
    error = expect_error(good + b"\n".join(lines), "damaged.pem", "reply.corrupt")
    assert "certificate block 2 is damaged" in error.message


def test_binary_garbage_is_refused_as_unreadable():
    data = bytes(range(256)) * 40
    error = expect_error(data, "garbage.bin", "reply.binary")
    assert "neither a PEM, DER nor PKCS#7" in error.message


def test_plain_text_without_a_certificate_is_refused():
    error = expect_error(
        b"Dear customer,\nyour order 4711 is ready.\n", "mail.txt", "reply.no_certificate"
    )
    assert "BEGIN CERTIFICATE" in error.message


def test_a_login_page_saved_instead_of_the_certificate_is_recognised():
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"
    error = expect_error(page, "download.cer", "reply.no_certificate")
    assert "web page" in error.message


def test_a_json_service_key_points_to_import_service_key():
    error = expect_error(
        b'{"clientid": "sb-x", "certificate": "..."}', "key.json", "reply.no_certificate"
    )
    assert "import-service-key" in error.message


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "huge.pem"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(WizardError) as caught:
        read_certificate_files([big])
    assert caught.value.code == "file.too_large"
    assert "huge.pem" in caught.value.message and "50 MB" in caught.value.message


def test_a_missing_file_among_several_is_named(hierarchy, tmp_path):
    present = write(tmp_path / "client.cer", pki.der(hierarchy.leaf))
    with pytest.raises(WizardError) as caught:
        read_certificate_files([present, tmp_path / "intermediate.cer"])
    assert caught.value.code == "file.not_found"
    assert "intermediate.cer" in caught.value.message
