"""Every parser of outside input, fed random and mutated input: it answers or says what is wrong
(WizardError), and never fails with any other exception (which the CLI would show as a bug).

CA replies in every shape (PEM, DER, PKCS#7, bundles) and the chain check behind them, PKCS#12
files, systems CSVs, SAP access logs, and hand-edited profile.json files.
"""

from __future__ import annotations

import atexit
import base64
import gzip
import json
import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import pki
from wizard.core import accesslog, batch, chain, p12, reply
from wizard.core.errors import WizardError
from wizard.core.expiry import check_expiry
from wizard.core.flow import profile_row
from wizard.core.profiles import Artefact, Profile, ProfileStore, State, now_utc

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),  # more when hunting: 5000
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_ROOT = pki.root("Fuzz Root CA")
_ISSUING = _ROOT.intermediate("Fuzz Issuing CA")
_KEY = pki.make_key("ec-p256")
_LEAF = _ISSUING.issue(_KEY.public_key(), "fuzz sender")
_RSA_KEY = pki.make_key("rsa-2048")
_RSA_LEAF = _ISSUING.issue(_RSA_KEY.public_key(), "fuzz rsa sender")

REPLIES = [
    pki.pem(_LEAF),
    pki.pem(_ROOT.cert, _LEAF, _ISSUING.cert),
    pki.der(_LEAF),
    pki.der(_RSA_LEAF),
    pki.p7b(_LEAF, _ISSUING.cert),
    pki.p7b(_LEAF, _ISSUING.cert, encoding=Encoding.PEM),
    pki.pem(_LEAF, _ISSUING.cert).replace(b"\n", b"\r\n"),
    b"Bag Attributes\n    friendlyName: x\n" + pki.pem(_LEAF),
    "\ufeff".encode() + pki.pem(_LEAF),
    pki.pem(_LEAF).decode().encode("utf-16"),
]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A seed with a few flipped, inserted, deleted or overwritten bytes, or cut short."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "set", "cut", "dup"]))
        if action == "flip":
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[where : where + draw(st.integers(1, 16))]
        elif action == "set":
            data[where] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[where:]
        else:
            data[where:where] = data[where : where + draw(st.integers(1, 64))]
    return bytes(data)


def pem_blocks() -> st.SearchStrategy[bytes]:
    """Random base64 inside PEM armour of every label a reply may carry."""
    labels = st.sampled_from(["CERTIFICATE", "PKCS7", "X509 CERTIFICATE", "CERTIFICATE REQUEST",
                              "PRIVATE KEY", "PKCS #7 SIGNED DATA"])  # fmt: skip
    body = st.binary(max_size=300).map(lambda b: base64.encodebytes(b))
    return st.builds(
        lambda label, body: (
            b"-----BEGIN %s-----\n%s-----END %s-----\n" % (label.encode(), body, label.encode())
        ),
        labels,
        body,
    )


REPLY_INPUT = st.one_of(mutated(REPLIES), st.binary(max_size=400), pem_blocks())


@FUZZ
@given(REPLY_INPUT)
def test_a_damaged_ca_reply_is_read_or_refused_and_the_chain_check_never_crashes(data):
    try:
        certificates = reply.parse_certificates(data, source="reply.p7b")
    except WizardError as exc:
        assert "reply.p7b" in exc.message
        return
    assert certificates and all(isinstance(c, x509.Certificate) for c in certificates)
    try:
        report = chain.check_client_certificate(
            certificates, public_key=_KEY.public_key(), fetch_aia=False
        )
    except WizardError:
        return
    assert report.links


P12S = [
    p12.export_p12(_KEY, _LEAF, [_ISSUING.cert], "pw"),
    p12.export_p12(_RSA_KEY, _RSA_LEAF, [_ISSUING.cert, _ROOT.cert], "pw", legacy=True),
    p12.export_p12(_KEY, _LEAF, [], "pw", alias="fuzz"),
]


@FUZZ
@given(st.one_of(mutated(P12S), st.binary(max_size=300)), st.sampled_from(["pw", "", "wrong"]))
def test_a_damaged_pkcs12_is_opened_or_refused(data, password):
    try:
        contents = p12.read_p12(data, password, source="own.pfx")
    except WizardError as exc:
        assert "own.pfx" in exc.message
        return
    assert contents.key is not None


CSVS = [
    b"profile;cn;o;c;env;url;user;role\nerp;erp.acme;ACME;DE;neo;https://h.example/http/x;U;R.a\n",
    b'\xef\xbb\xbfprofile,cn,ou,key_type\r\ns4,s4 host,IT,ec-p256\r\n\r\ns5,"a, b",,rsa-3072\r\n',
    b'profile;cn\n"quoted";"multi\nline"\n# comment\nx;y;z\n',
]
CSV_TEXT = st.text(alphabet=st.sampled_from(list('profilecn;,"\r\n\ufeffx#é\x00 ')), max_size=200)


@FUZZ
@given(st.one_of(mutated(CSVS), CSV_TEXT.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)))
def test_a_damaged_systems_csv_gives_rows_and_line_numbered_problems(data):
    try:
        systems = batch.parse_systems_csv(data, source="systems.csv")
    except WizardError as exc:
        assert exc.message.startswith("systems.csv, line ")
        return
    lines = [r.line for r in systems.rows] + [p.line for p in systems.problems]
    assert all(line >= 1 for line in lines)
    assert len({r.profile for r in systems.rows}) == len(systems.rows)
    for row in systems.rows:
        row.subject.to_name()  # every accepted row makes a valid subject


LOG_LINES = [
    b"10.0.0.1 (10.0.0.1) - - [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 401 0 12 "
    b"tenant-iflmap.hcisbp.eu1.hana.ondemand.com:443 -\n",
    b"10.0.0.1 (10.0.0.2) - erp@Issuing CA [12/Apr/2021:00:01:05 +0000] GET /http/y?a=1 "
    b"HTTP/1.1 200 6824 1762 host:443 -\n",
]
LOGS = [b"".join(LOG_LINES), gzip.compress(b"".join(LOG_LINES) * 3)]


@FUZZ
@given(st.one_of(mutated(LOGS), st.binary(max_size=300)))
def test_a_damaged_access_log_is_read_as_far_as_it_goes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "http_access_node0_20210412.log"
        path.write_bytes(data)
        try:
            result = accesslog.analyze([path])
        except WizardError:
            return
        assert result is not None
        for line in data.decode("utf-8", "replace").splitlines():
            accesslog.parse_line(line)


@FUZZ
@given(st.text(max_size=200))
def test_any_text_is_an_access_log_line_or_not_one(line):
    entry = accesslog.parse_line(line)
    assert entry is None or entry.status >= 0


_NOW = now_utc()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELD_VALUES = st.one_of(
    JSON,
    st.sampled_from([s.value for s in State]),
    st.sampled_from(
        [
            _NOW.isoformat(),
            (_NOW + timedelta(days=30)).isoformat(),
            "2027-01-01",
            "2027-01-01T00:00:00",
            "2027-13-01T00:00:00+00:00",
        ]
    ),
)
PROFILE_FIELDS = ["name", "state", "schema_version", "not_before", "not_after", "sans",
                  "tenant_port", "leaf_sha256", "mapping_roles", "environment", "subject",
                  "leaf_subject", "client_cert_requested", "sap_auto_renew"]  # fmt: skip


@st.composite
def hand_edited(draw) -> bytes:
    base = json.loads(Profile(name="erp", created=_NOW.isoformat()).to_json())
    for key in draw(st.lists(st.sampled_from(PROFILE_FIELDS), max_size=4)):
        base[key] = draw(FIELD_VALUES)
    for key in draw(st.lists(st.sampled_from(PROFILE_FIELDS), max_size=2)):
        base.pop(key, None)
    return json.dumps(base).encode()


_HOME = Path(tempfile.mkdtemp(prefix="fuzz-home-"))
atexit.register(shutil.rmtree, _HOME, True)
_STORE = ProfileStore(_HOME)
_STORE.create("erp")


@FUZZ
@given(st.one_of(hand_edited(), mutated([_STORE.path("erp", Artefact.PROFILE).read_bytes()]),
                 JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100)))  # fmt: skip
def test_a_hand_edited_profile_loads_and_works_or_is_refused_naming_its_file(data):
    path = _STORE.path("erp", Artefact.PROFILE)
    path.write_bytes(data)
    try:
        profile = _STORE.load("erp")
    except WizardError as exc:
        assert str(path) in exc.message
        assert [type(p).__name__ for p in _STORE.all()] == ["BrokenProfile"]
        return
    # whatever loaded is usable by everything that reads profiles
    profile.to_json()
    profile.days_left()
    profile.renewal_due()
    check_expiry(profile)
    profile_row(_STORE, profile)


# --- hostile shapes, each input under a time and memory bound (issue 17) --------------------------

HANG_GUARD = 20.0  # seconds per input: more is a hang
MEMORY_GROWTH = 256 * 1024**2  # address space an input may add: more is a runaway read


def _bounded(call, *args) -> str:
    """Run `call(*args)` in a forked child under the bounds: 'read', 'refused', or the failure."""
    import multiprocessing
    import sys
    import traceback

    import pytest

    if sys.platform == "win32":
        pytest.skip("the per-input bounds fork a child process, which Windows cannot do")

    def child(conn) -> None:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_GROWTH, size + MEMORY_GROWTH))
        try:
            call(*args)
        except WizardError as exc:
            conn.send("refused" if exc.message else "refused without a message")
        except BaseException:  # what the CLI would show as a bug
            conn.send("traceback: " + traceback.format_exc()[-1200:])
        else:
            conn.send("read")

    context = multiprocessing.get_context("fork")
    parent, child_end = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(child_end,))
    process.start()
    child_end.close()
    if not parent.poll(HANG_GUARD):
        process.kill()
        process.join()
        return f"hang: more than {HANG_GUARD:g} s"
    answer = parent.recv()
    process.join()
    return answer


FORKED = pytest.mark.linux_only(  # why the Windows leg skips the bounded runs below
    "each input runs in a forked child under a memory limit (os.fork, resource.setrlimit)"
)
HOSTILE = settings(FUZZ, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")))


def nested_json() -> st.SearchStrategy[bytes]:
    return st.tuples(st.integers(1, 300_000), st.sampled_from([b"[", b'{"a":'])).map(
        lambda d: d[1] * d[0] + (b"]" if d[1] == b"[" else b"}") * d[0]
    )


def huge_number_json() -> st.SearchStrategy[bytes]:
    return st.tuples(st.integers(4000, 60_000), st.sampled_from([b"9", b"-1", b"0.5"])).map(
        lambda d: b'{"validity": ' + d[1] + b"1" * d[0] + b', "url": "https://x"}'
    )


def surrogate_json() -> st.SearchStrategy[bytes]:
    escapes = st.sampled_from([b"\\ud800", b"\\udfff", b"\\ud83d\\ude00", b"\\\\ud800", b"\\u0000"])
    return st.lists(escapes, min_size=1, max_size=4).map(
        lambda parts: (
            b'{"clientid": "' + b"".join(parts) + b'", "clientsecret": "s", '
            b'"url": "https://a", "uri": "https://b", "certificate": "x", "key": "y"}'
        )
    )


def quadratic_pem() -> st.SearchStrategy[bytes]:
    lines = st.sampled_from([
        b"-----BEGIN CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END PKCS7-----\n",
        b"-----BEGIN X-----\n",
        b"-----BEGIN CERTIFICATE",
    ])  # fmt: skip
    return st.tuples(lines, st.integers(1, 200_000)).map(lambda d: d[0] * d[1])


HOSTILE_JSON = st.one_of(nested_json(), huge_number_json(), surrogate_json(), JSON.map(
    lambda v: json.dumps(v).encode()))  # fmt: skip


def _json_file(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-input-", dir=_HOME))  # removed at exit
    path = folder / name
    path.write_bytes(data)
    return path


def _service_key(path: Path) -> None:
    from wizard.core import enrollment
    from wizard.core.secrets import MemoryKeyring, Secrets

    store = ProfileStore(path.parent / "home")
    secrets = Secrets(backend=MemoryKeyring(), ask=lambda prompt: "x")
    enrollment.import_service_key(store, secrets, "cf", path, fetch_aia=False)


def _profile(path: Path) -> None:
    store = ProfileStore(path.parent / "home")
    store.create("erp")
    store.path("erp", Artefact.PROFILE).write_bytes(path.read_bytes())
    store.load("erp")


def _sandbox_state(path: Path) -> None:
    from wizard.sandbox.state import StateFile

    StateFile(path).read()


def _json_readers():
    from wizard.core import sap_sign, trust

    return {
        "service key": _service_key,
        "destination key": sap_sign.read_destination_key,
        "SAP trust list": trust.load_sap_list,
        "profile": _profile,
        "sandbox state": _sandbox_state,
    }


@FORKED
@HOSTILE
@given(HOSTILE_JSON)
def test_every_json_reader_answers_hostile_json_within_bounds(data):
    path = _json_file(data, "input.json")
    for what, read in _json_readers().items():
        answer = _bounded(read, path)
        assert answer in ("read", "refused"), (what, answer)


@FORKED
@HOSTILE
@given(st.one_of(quadratic_pem(), pem_blocks(), mutated(REPLIES)))
def test_every_certificate_reader_answers_hostile_pem_within_bounds(data):
    from wizard.core import trust

    path = _json_file(data, "reply.pem")
    for read in (reply.read_certificate_files, trust.ca_file_source, trust.load_sap_list):
        answer = _bounded(read, [path] if read is reply.read_certificate_files else path)
        assert answer in ("read", "refused"), (read.__name__, answer)


@FORKED
@HOSTILE
@given(st.one_of(st.text(max_size=300), st.integers(4000, 8000).map(lambda n: "h.example:" + "9" * n),
                 st.sampled_from(["[::1", "[zz::zz]:1", "xn--a.example", "a..b", "\udcff.example",
                                  "http://u:p@[::1", "https://[fe80::1%zz]/"])))  # fmt: skip
def test_hosts_ports_and_proxies_answer_within_bounds(text):
    from wizard.core.csr import parse_san
    from wizard.core.tlsprobe import parse_proxy, parse_target

    for parse in (parse_target, parse_proxy, lambda t: parse_san("DNS:" + t)):
        answer = _bounded(parse, text)
        assert answer in ("read", "refused"), (text[:80], answer)


@FORKED
@HOSTILE
@given(st.one_of(
    st.integers(1, 64).map(lambda mb: gzip.compress(b"\0" * (mb * 1024 * 1024))),
    st.tuples(st.binary(min_size=1, max_size=4), st.integers(1, 4_000_000)).map(
        lambda d: d[0] * (d[1] // len(d[0]))),
    mutated(LOGS),
))  # fmt: skip
def test_logs_answer_within_bounds_whatever_they_hold(data):
    from wizard.core import tracelog

    path = _json_file(data, "http_access_node0_20210412.log")
    for read in (lambda p: accesslog.analyze([p]), tracelog.read_trace):
        answer = _bounded(read, path)
        assert answer in ("read", "refused"), answer
