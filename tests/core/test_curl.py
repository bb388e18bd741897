"""wizard.core.curl: the test call as a curl line a person can paste, with no secret in it."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from wizard.core.client_identity import ServerTrust
from wizard.core.curl import curl_command, shell_quote
from wizard.core.profiles import Profile
from wizard.core.tlsprobe import parse_proxy

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX shell quoting (PowerShell's has its own test)"
)


def line(**overrides) -> str:
    arguments = dict(
        profile=Profile(name="ERP-PRD"),
        identity_chain=Path("/home/me/profiles/ERP PRD/client-chain.pem"),
        key_file=Path("/home/me/profiles/ERP PRD/key.pem"),
        trust=ServerTrust("the tenant root", (), Path("/home/me/tenant-root.pem")),
        url="https://tenant.example/http/orders?x=1&y=2",
        method="POST",
        headers=[("Content-Type", "application/xml"), ("Authorization", "Basic c2VjcmV0")],
        data_arg="<order id='1'/>",
        proxy=parse_proxy("http://user:pa55word@proxy.corp:3128"),
        timeout=30.0,
    )
    arguments.update(overrides)
    return curl_command(**arguments)


def test_the_line_is_one_command_the_shell_splits_back_into_the_same_words():
    words = shlex.split(line())
    assert words[0] == "curl"
    assert words[words.index("--cert") + 1] == "/home/me/profiles/ERP PRD/client-chain.pem"
    assert words[words.index("--cacert") + 1] == "/home/me/tenant-root.pem"
    assert words[words.index("--data-binary") + 1] == "<order id='1'/>"
    assert words[-1] == "https://tenant.example/http/orders?x=1&y=2"
    assert "-X" not in words  # POST with data is curl's default


def test_no_secret_is_written_into_the_line():
    text = line()
    assert "pa55word" not in text and "c2VjcmV0" not in text
    assert "Authorization: ***" in text
    assert "--proxy-user USER:PASSWORD" in text
    assert "secret show key --profile ERP-PRD" in text  # the passphrase comes from the keyring


def test_a_get_without_data_names_no_method_and_a_put_does():
    assert "-X" not in shlex.split(line(method="GET", data_arg=None))
    words = shlex.split(line(method="PUT", data_arg=None))
    assert words[words.index("-X") + 1] == "PUT"


def test_shell_quote_leaves_plain_words_alone():
    assert shell_quote("/tmp/plain.pem") == "/tmp/plain.pem"
    assert shlex.split(shell_quote("it's $HOME")) == ["it's $HOME"]
