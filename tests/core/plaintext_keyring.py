"""A keyring backend that keeps secrets base64-encoded in a plain file, as keyrings.alt's
PlaintextKeyring (and keyrings.cryptfile when its cipher cannot load) do: what the program must
refuse. Selected by PYTHON_KEYRING_BACKEND=tests.core.plaintext_keyring.PlainFileKeyring."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


def secrets_file() -> Path:
    return Path(os.environ.get("PLAINTEXT_KEYRING_FILE", "plaintext-keyring.json"))


class PlainFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    viable = False  # type: ignore[assignment]  # never discovered, only chosen by name

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(secrets_file().read_text())
        except OSError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        value = self._read().get(f"{service}/{username}")
        return base64.b64decode(value).decode() if value else None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}/{username}"] = base64.b64encode(password.encode()).decode()
        secrets_file().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(f"{service}/{username}", None)
        secrets_file().write_text(json.dumps(data))
