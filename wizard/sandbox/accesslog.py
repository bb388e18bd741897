"""Writes the sandbox tenant's HTTP access log in SAP's format, one file per node and UTC day.

`<dir>/logs/http_access_<node>_<YYYYMMDD>.log`, one line per call::

    127.0.0.1 (127.0.0.1) - ERP_SENDER [12/Apr/2021:00:00:05 +0000] POST /http/orders HTTP/1.1 200 74 3 localhost:8443 -

Fields after the request line: status, response body bytes, response time in milliseconds,
host:port. The user field is `-` (no certificate reached the tenant), `<subject CN>@<issuer CN>`
(forwarded but not mapped; CNs may contain spaces, as on a real tenant) or the mapped user.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from wizard.core.storage import ensure_private_dir

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
# O_BINARY: no newline translation on Windows, so every node's file reads the same.
_APPEND_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class AccessRecord:
    client_ip: str
    user: str
    time: dt.datetime  # aware, UTC
    method: str
    path: str
    protocol: str
    status: int
    response_bytes: int
    duration_ms: int
    host: str  # host:port the call was addressed to


def _clean(value: str) -> str:
    """A certificate's CN or a request path must never break the line or fake another one."""
    return _UNPRINTABLE.sub("?", value) or "-"


def format_time(moment: dt.datetime) -> str:
    t = moment.astimezone(dt.UTC)
    return f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year:04d}:{t:%H:%M:%S} +0000"


def format_line(record: AccessRecord) -> str:
    return (
        f"{record.client_ip} ({record.client_ip}) - {_clean(record.user)} "
        f"[{format_time(record.time)}] {_clean(record.method)} {_clean(record.path)} "
        f"{_clean(record.protocol)} {record.status} {record.response_bytes} "
        f"{record.duration_ms} {_clean(record.host)} -"
    )


class AccessLog:
    """Appends lines; safe to share between the server's threads."""

    def __init__(self, folder: Path, node: str) -> None:
        self.folder = Path(folder)
        self.node = node
        self._lock = threading.Lock()

    def path_for(self, day: dt.date) -> Path:
        return self.folder / f"http_access_{self.node}_{day:%Y%m%d}.log"

    def current_path(self) -> Path:
        return self.path_for(dt.datetime.now(dt.UTC).date())

    def write(self, record: AccessRecord) -> Path:
        path = self.path_for(record.time.astimezone(dt.UTC).date())
        line = (format_line(record) + "\n").encode("utf-8", "replace")
        with self._lock:
            ensure_private_dir(self.folder)  # 0700 whatever the umask (the logs name users)
            fd = os.open(path, _APPEND_FLAGS, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return path
