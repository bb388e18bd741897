"""The command line's shared conventions: --home, --json, exit statuses, python -m wizard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wizard.core.profiles import ProfileStore


def test_python_m_wizard_lists_every_step_command():
    out = subprocess.run(
        [sys.executable, "-m", "wizard", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("profiles", "csr", "import-reply", "import-p12", "import-service-key",
                    "export-p12", "secret"):  # fmt: skip
        assert command in out


def test_home_option_decides_where_profiles_live(cli, tmp_path):
    other = tmp_path / "elsewhere"
    result = cli("--home", other, "csr", "--profile", "a", "--cn", "a", "--key-type", "ec-p256")
    assert result.code == 0, result.err
    assert ProfileStore(other).exists("a")
    # --home may also follow the subcommand
    listing = cli("profiles", "--home", other, "--json").json
    assert [p["name"] for p in listing["profiles"]] == ["a"]


def test_wrong_input_is_exit_2_with_a_json_error_and_no_traceback(cli):
    result = cli("export-p12", "--profile", "nobody", "--json")
    assert result.code == 2
    assert result.json == {
        "ok": False,
        "error": {
            "code": "profile.not_found",
            "message": result.json["error"]["message"],
        },
    }
    assert "no profile named 'nobody'" in result.json["error"]["message"]
    assert "Traceback" not in result.err


def test_json_lists_written_files_with_absolute_paths(cli, home):
    data = cli("csr", "--profile", "b", "--cn", "b", "--key-type", "ec-p256", "--json").json
    assert data["ok"] is True
    assert set(data["files"]) == {"csr", "key"}
    assert all(Path(path).is_absolute() for path in data["files"].values())
    assert Path(data["files"]["csr"]).parts[-3:] == ("profiles", "b", "request.csr")


def test_the_profile_list_keeps_its_columns_under_their_headings(cli, home):
    # A short profile name used to pull its row left of the PROFILE/STATE headings.
    assert cli("csr", "--profile", "erp", "--cn", "ERP PRD", "--key-type", "ec-p256").code == 0
    broken = home / "profiles" / "x"
    broken.mkdir(parents=True)
    (broken / "profile.json").write_text("{")
    lines = cli("profiles").out.splitlines()
    heading = lines[0]
    for row in lines[1:3]:
        assert row.index(row.split()[1]) == heading.index("STATE"), row


def test_a_line_read_by_the_one_command_parser_gets_the_whole_parsers_answer(
    cli, tmp_path, monkeypatch
):
    # `--hom` is --home abbreviated: argparse takes `csr` as the folder and `profiles` as the
    # command, while the quick look at the line guesses `csr`. The answer is the whole parser's
    # (as before the one-command parser), never "choose from 'csr'".
    monkeypatch.chdir(tmp_path)
    result = cli("--hom", "csr", "profiles")
    assert result.code == 2
    assert "choose a command" in result.err
    assert "choose from" not in result.err
    # and a usage error in the named command's own options lists what it accepts
    result = cli("csr", "--profile", "a", "--cn", "a", "--key-type", "dsa-1024", "--json")
    assert result.code == 2
    message = result.json["error"]["message"]
    assert "dsa-1024" in message and "ec-p256" in message


def test_a_command_run_without_logging_loaded_configures_it_when_first_imported():
    # logging is imported only by a module that uses it; it is then configured as every
    # command always had it (basicConfig, WARNING), so a library's warning reads the same.
    script = (
        "import sys\n"
        "from wizard.cli import main\n"
        "main(['--home', sys.argv[1], 'profiles'])\n"
        "assert 'logging' not in sys.modules, 'profiles loaded logging'\n"
        "import logging\n"
        "logging.getLogger('some.library').warning('a library speaks')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "unused-home"], capture_output=True, text=True, check=True
    )
    assert "WARNING:some.library:a library speaks" in done.stderr
