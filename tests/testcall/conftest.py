"""Fixtures for the test-call tests: the nginx world of harness.py, odd listeners, profiles."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tests import pki
from tests.testcall.harness import (
    Client,
    Nginx,
    World,
    free_port,
    make_world,
    run_nginx,
    run_tinyproxy,
)
from wizard.core.keys import encrypt_key
from wizard.core.profiles import Artefact, Profile, ProfileStore, State
from wizard.core.secrets import SecretKind, Secrets


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()


@pytest.fixture(scope="session")
def nginx(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    with run_nginx(world, tmp_path_factory.mktemp("nginx")) as server:
        yield server


@pytest.fixture(scope="session")
def tinyproxy(nginx: Nginx, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A CONNECT proxy that tunnels only to the tenant's main TLS port."""
    with run_tinyproxy(nginx.port, tmp_path_factory.mktemp("tinyproxy")) as url:
        yield url


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    return free_port()


# --- profiles -----------------------------------------------------------------------------------


@pytest.fixture
def make_profile(home: Path, memory_keyring, world: World):
    """A profile ready for a test call, written the way the import commands leave it."""
    store = ProfileStore(home)
    secrets = Secrets()

    def make(
        name: str,
        client: Client,
        *,
        url: str,
        environment: str = "cf",
        tenant_root: x509.Certificate | None = None,
        client_ca_names: list[str] | None = None,
    ) -> Profile:
        profile = store.create(name)
        passphrase = f"passphrase of {name}"
        store.write_artefact(name, Artefact.KEY, encrypt_key(client.key, passphrase))
        secrets.store(name, SecretKind.KEY_PASSPHRASE, passphrase)
        store.write_artefact(name, Artefact.CHAIN, pki.pem(*client.known))
        store.write_artefact(name, Artefact.CLIENT_CHAIN_PEM, pki.pem(*client.sent))
        root = tenant_root if tenant_root is not None else world.lb_root.cert
        store.write_artefact(name, Artefact.TENANT_ROOT_PEM, pki.pem(root))
        profile.leaf_subject = client.cert.subject.rfc4514_string()
        profile.leaf_issuer = client.cert.issuer.rfc4514_string()
        profile.not_after = client.cert.not_valid_after_utc.isoformat()
        profile.not_before = client.cert.not_valid_before_utc.isoformat()
        profile.environment = environment
        profile.tenant_url = url
        profile.tenant_root_sha256 = root.fingerprint(hashes.SHA256()).hex()
        profile.client_ca_names = list(client_ca_names or [])
        profile.state = State.MAPPED
        return store.save(profile)

    make.store = store  # type: ignore[attr-defined]
    make.secrets = secrets  # type: ignore[attr-defined]
    return make
