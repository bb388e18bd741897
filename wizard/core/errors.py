"""The one exception type that carries a message meant for the user.

Anything raised as `WizardError` is shown as it is (CLI exit status 2, GUI page error); anything
else is a bug. Messages say what is wrong, where (file, certificate, profile), and what to do, and
never contain a secret.
"""

from __future__ import annotations


class WizardError(Exception):
    """Bad input or an environment problem the user can fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class SecretsUnavailable(WizardError):
    """No usable OS keyring; the caller must ask the user for the secret instead."""

    def __init__(self, message: str) -> None:
        super().__init__("keyring.unavailable", message)
