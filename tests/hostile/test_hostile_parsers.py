"""Hostile files against the parsers: each is read or refused with a message naming the file;
none hangs, none ends in a traceback (issue 17, items 12, 13, 18, 22)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests import pki
from wizard.core import enrollment, reply, sap_sign, trust
from wizard.core.profiles import Artefact, ProfileStore
from wizard.core.secrets import MemoryKeyring, Secrets
from wizard.core.tlsprobe import parse_proxy, parse_target

_ROOT = pki.root("Hostile Root CA")
_ISSUING = _ROOT.intermediate("Hostile Issuing CA")
_KEY = pki.make_key("ec-p256")
_LEAF = _ISSUING.issue(_KEY.public_key(), "hostile sender")

BEGIN = b"-----BEGIN CERTIFICATE-----\n"


def test_a_megabyte_of_unmatched_begin_lines_is_refused_as_cut_off(bounded):
    answer = bounded(reply.parse_certificates, BEGIN * (1024 * 1024 // len(BEGIN)), source="x.pem")
    assert (answer.kind, answer.code) == ("refused", "reply.truncated")
    assert "x.pem is cut off" in answer.message


def test_begin_lines_whose_end_line_has_another_label_are_refused(bounded):
    data = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END PKCS7-----\n" * 50_000
    answer = bounded(reply.parse_certificates, data, source="mixed.pem")
    assert (answer.kind, answer.code) == ("refused", "reply.truncated")


def test_a_file_of_thousands_of_certificates_is_not_a_ca_reply(bounded):
    answer = bounded(reply.parse_certificates, pki.pem(_LEAF) * 6000, source="many.pem")
    assert (answer.kind, answer.code) == ("refused", "reply.too_many_blocks")
    assert "more than 5000 PEM blocks" in answer.message


def test_a_windows_certnew_p7b_in_certificate_armour_is_read():
    der = pki.p7b(_LEAF, _ISSUING.cert)
    body = base64.encodebytes(der).replace(b"\n", b"\r\n")
    certnew = BEGIN.replace(b"\n", b"\r\n") + body + b"-----END CERTIFICATE-----\r\n"
    found = reply.parse_certificates(certnew, source="certnew.p7b")
    assert sorted(c.subject.rfc4514_string() for c in found) == sorted(
        c.subject.rfc4514_string() for c in (_LEAF, _ISSUING.cert)
    )


def test_a_damaged_certificate_is_explained_without_parser_internals(bounded):
    der = bytearray(pki.der(_LEAF))
    der[40:60] = b"\xff" * 20
    for data in (
        b"-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG\n-----END CERTIFICATE-----\n",
        BEGIN + base64.encodebytes(bytes(der)) + b"-----END CERTIFICATE-----\n",
        b"-----BEGIN PKCS7-----\n"
        + base64.encodebytes(b"0\x03\x02\x01\x00")
        + b"-----END PKCS7-----\n",
    ):
        answer = bounded(reply.parse_certificates, data, source="cut.pem")
        assert answer.kind == "refused", answer
        assert "cut.pem" in answer.message
        for internal in ("ParseError", "asn1", "location", "InvalidValue", "Asn1", "::"):
            assert internal not in answer.message, answer.message


def test_garbage_given_as_ca_file_or_sap_roots_gets_its_own_hint(tmp_path):
    garbage = tmp_path / "roots.txt"
    garbage.write_text("not a certificate\n")
    for call in (trust.ca_file_source, trust.load_sap_list):
        try:
            call(garbage)
        except Exception as exc:
            message = str(exc)
        assert "roots.txt" in message
        assert "returned for your CSR" not in message
    assert "complete the chain" in _message(trust.ca_file_source, garbage)
    assert "SAP's list of trusted roots" in _message(trust.load_sap_list, garbage)


def _message(call, *args) -> str:
    try:
        call(*args)
    except Exception as exc:
        return str(exc)
    raise AssertionError("not refused")


HOSTILE_JSON = {
    "nested": b"[" * 200_000 + b"]" * 200_000,
    "nested-object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "huge-number": b'{"validity": ' + b"9" * 50_000 + b"}",
    "lone-surrogate": b'{"clientid": "\\ud800", "clientsecret": "x", "url": "https://a"}',
}


def _service_key(path: Path, home: Path):
    store = ProfileStore(home)
    secrets = Secrets(backend=MemoryKeyring(), ask=lambda prompt: "x")
    return enrollment.import_service_key(store, secrets, "cf", path, fetch_aia=False)


def _profile(path: Path, home: Path):
    store = ProfileStore(home)
    store.create("erp")
    store.path("erp", Artefact.PROFILE).write_bytes(path.read_bytes())
    return store.load("erp")


def test_hostile_json_in_every_json_file_is_refused_naming_the_file(bounded, tmp_path):
    readers = {
        "service key": lambda p: _service_key(p, tmp_path / "sk"),
        "profile": lambda p: _profile(p, tmp_path / f"pr-{p.name}"),
        "destination key": sap_sign.read_destination_key,
        "SAP list": trust.load_sap_list,
    }
    for shape, data in HOSTILE_JSON.items():
        path = tmp_path / f"{shape}.json"
        path.write_bytes(data)
        for what, read in readers.items():
            answer = bounded(read, path)
            assert answer.kind == "refused", (what, shape, answer)
            assert path.name in answer.message, (what, shape, answer.message)


def test_hostile_hosts_and_ports_are_refused_with_a_message(bounded):
    for text in ("https://[::1", "h.example:" + "9" * 5000, "host:²", "https://[zz::zz]/x"):
        assert bounded(parse_target, text).kind == "refused", text
    for text in ("[::1", "[zz::zz]:443", "http://u:p@[::1"):
        answer = bounded(parse_proxy, text)
        assert answer.kind == "refused", text
        assert "u:p" not in answer.message


def test_json_is_still_json():
    from wizard.core import jsontext

    doc = {"a": [1, {"b": "\\ud83d\\ude00 [{"}], "n": 10**100}
    assert jsontext.loads(json.dumps(doc)) == doc
    assert jsontext.loads('"\\ud83d\\ude00"') == "\U0001f600"
