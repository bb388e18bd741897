"""The command line under hostile use: every mistake is exit 2 with a message (JSON with
--json, wherever --json stands), never a traceback (issue 17, items 12 and 22)."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest


def test_an_option_value_that_equals_a_command_name_is_a_value(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("--home", "csr", "profiles")
    assert result.code == 0, result.err
    assert "csr" in result.out and "bug" not in result.err


def test_a_usage_error_with_json_is_one_json_object(cli):
    for argv in (("--json", "profiles", "--nope"), ("profiles", "--nope", "--json")):
        result = cli(*argv)
        assert result.code == 2
        answer = json.loads(result.out)
        assert answer["ok"] is False
        assert answer["error"]["code"] == "usage"
        assert "--nope" in answer["error"]["message"]


def test_json_before_the_command_is_honoured(cli):
    result = cli("--json", "export-p12", "--profile", "nobody")
    assert result.code == 2
    assert json.loads(result.out)["error"]["code"] == "profile.not_found"


def test_an_argument_that_is_not_text_is_refused_with_a_message(cli):
    result = cli("csr", "--profile", "s", "--cn", "\udcff")
    assert result.code == 2
    assert "not text in this system's encoding" in result.err
    assert "Traceback" not in result.err


def test_help_names_every_exit_status(cli, capsys):
    with pytest.raises(SystemExit):
        cli("test-call", "--help")
    out = capsys.readouterr().out
    assert "3 a negative answer" in out and "2 wrong input" in out


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is a POSIX feature")
def test_ctrl_d_at_a_secret_prompt_is_a_message(tmp_path):
    import pty
    import select

    env = dict(os.environ, CPI_CERT_WIZARD_HOME=str(tmp_path / "home"))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.pop("CPI_CERT_WIZARD_KEY_PASSPHRASE", None)
    argv = [sys.executable, "-m", "wizard", "csr", "--profile", "p", "--cn", "p"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is its terminal
        os.execve(sys.executable, argv, env)  # noqa: S606 - argv is fixed, no shell wanted
    seen = b""
    deadline = time.monotonic() + 60  # a hang guard, not a timing
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child has closed the terminal: it is done
            break
        if not chunk:
            break
        seen += chunk
        if not sent and seen.rstrip().endswith(b":"):
            os.write(fd, b"\x04")  # Ctrl-D at the prompt
            sent = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    assert sent, text
    assert os.WEXITSTATUS(status) == 2, text
    assert "Traceback" not in text and "end of input" in text
