"""What the pages share: the profile store, the secrets, the current profile, the sandbox."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from wizard.core.profiles import Profile, ProfileStore
from wizard.ui.workers import SecretPrompt

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from wizard.core.secrets import Secrets
    from wizard.sandbox import RunningSandbox


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_sandbox_host(profile: Profile) -> bool:
    """The profile's tenant is on this computer: the sandbox (no real tenant listens there)."""
    return profile.tenant_host in LOOPBACK


class Session(QObject):
    """One wizard window's state. Pages read `profile` (kept current from core's results)."""

    profile_changed = Signal()
    keyring_checked = Signal(bool, str)  # available, backend name

    def __init__(
        self,
        home: Path,
        *,
        sap_roots: Path | None = None,
        keyring: KeyringBackend | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.store = ProfileStore(self.home)
        # roots the user adds to SAP's list: --sap-roots, else the wizard's saved setting
        self._sap_roots = sap_roots
        self._sap_roots_read = sap_roots is not None
        self.profile: Profile | None = None
        self.renew = False
        self.sandbox: RunningSandbox | None = None
        self.prompt = SecretPrompt(self)
        self._keyring = keyring  # None: the OS keyring (chosen by the keyring library)
        self._secrets: Secrets | None = None
        self._lock = threading.Lock()
        self.keyring_available: bool | None = None
        self.keyring_name = ""
        self.prefill: dict[str, str] = {}  # what the sandbox tour fills in

    @property
    def secrets(self) -> Secrets:
        """Created on first use (on a worker: importing keyring is slow)."""
        with self._lock:
            if self._secrets is None:
                from wizard.core.secrets import Secrets

                self._secrets = Secrets(
                    backend=self._keyring, ask=self.prompt, home=self.home, references=self.store
                )
            return self._secrets

    def check_keyring(self) -> tuple[bool, str]:
        """Worker side: is there a usable keyring, and which (may talk to D-Bus)."""
        secrets = self.secrets
        return secrets.available, secrets.backend_name

    def set_profile(self, profile: Profile | None) -> None:
        self.profile = profile
        self.profile_changed.emit()

    @property
    def name(self) -> str:
        return self.profile.name if self.profile else ""

    @property
    def is_sandbox_profile(self) -> bool:
        """The current profile talks to the running sandbox (its CA can sign, its tables map)."""
        if self.sandbox is None or self.profile is None:
            return False
        return is_sandbox_host(self.profile) and self.profile.tenant_port == self.sandbox.port

    @property
    def sap_roots(self) -> Path | None:
        """--sap-roots, else the saved setting (read when first needed: wizard.core.trust loads
        certifi, ssl and cryptography, which must not be imported before the first paint)."""
        if not self._sap_roots_read:
            from wizard.core.trust import saved_sap_roots

            self._sap_roots = saved_sap_roots(self.home)
            self._sap_roots_read = True
        return self._sap_roots

    def set_sap_roots(self, path: Path | None) -> None:
        """The roots file chosen (or cleared) in the wizard's setting, used from now on."""
        self._sap_roots = path
        self._sap_roots_read = True

    @property
    def judge_roots(self) -> Path | None:
        """The list of client roots to judge the profile's chain against (SAP's, or the
        sandbox's demo CA for a sandbox profile)."""
        if self.is_sandbox_profile:
            return Path(self.sandbox.sandbox.ca_root_pem_path)  # type: ignore[union-attr]
        return self.sap_roots

    @property
    def ca_files(self) -> list[Path]:
        """Extra CA certificates that complete the profile's chain."""
        if self.is_sandbox_profile:
            return [Path(self.sandbox.sandbox.ca_root_pem_path)]  # type: ignore[union-attr]
        return []

    @property
    def tenant_trust(self) -> list[Path]:
        """Extra roots the tenant's server chain may end in (the sandbox load balancer's)."""
        if self.sandbox is not None and (self.profile is None or self.is_sandbox_profile):
            return [Path(self.sandbox.lb_root_pem_path)]
        return []

    def stop_sandbox(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
