"""The test call as a curl command line, quoted for the shell it is pasted into."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from wizard.core import tlsprobe
from wizard.core.client_identity import ServerTrust
from wizard.core.profiles import Profile

CURL = "curl.exe" if sys.platform == "win32" else "curl"  # PowerShell's `curl` is another command


def shell_quote(text: str) -> str:
    """`text` as one word of the shell the line is pasted into: POSIX sh, or PowerShell on Windows
    (where backslashes, drive letters and UNC paths need no quoting, and ' is doubled)."""
    if sys.platform != "win32":
        return shlex.quote(text)
    if re.fullmatch(r"[\w@%+=:,./\\-]+", text):
        return text
    return "'" + re.sub(r"(['\u2018\u2019\u201a\u201b])", r"\1\1", text) + "'"


def curl_command(
    *,
    profile: Profile,
    identity_chain: Path,
    key_file: Path,
    trust: ServerTrust,
    url: str,
    method: str,
    headers: Sequence[tuple[str, str]],
    data_arg: str | None,
    proxy: tlsprobe.Proxy | None,
    timeout: float,
    home: Path | None = None,
) -> str:
    """The same call with curl. The key passphrase is fetched by a command, never written here.
    `home`: the data folder when it is not the default one (the secret command needs it)."""
    q = shell_quote
    home_arg = f"--home {q(str(home))} " if home is not None else ""
    parts = [
        CURL,
        "--cert",
        q(str(identity_chain)),
        "--key",
        q(str(key_file)),
        "--pass",
        f'"$(cpi-cert-wizard {home_arg}secret show key --profile {q(profile.name)})"',
    ]
    if trust.cafile is not None:
        parts += ["--cacert", q(str(trust.cafile))]
    if proxy is not None:
        auth = " --proxy-user USER:PASSWORD" if proxy.authorization else ""
        parts += ["--proxy", q(proxy.display) + auth]
    for name, value in headers:
        shown = (
            "***" if name.lower() in ("authorization", "proxy-authorization", "cookie") else value
        )
        parts += ["-H", q(f"{name}: {shown}")]
    if data_arg is not None:
        parts += ["--data-binary", q(data_arg)]
        if method != "POST":
            parts += ["-X", method]
    elif method != "GET":
        parts += ["-X", method]
    parts += ["--max-time", f"{timeout:g}", q(url)]
    return " ".join(parts)


def _data_for_curl(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "@BODY_FILE"
    return text if len(text) <= 2000 and text.isprintable() else "@BODY_FILE"
