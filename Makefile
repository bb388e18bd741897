# One command to set up and launch, one to set up and run every test (Debian/Ubuntu).
#   make run    system packages + virtualenv, then open the wizard
#   make test   the same plus test tools, then the whole suite inside a private D-Bus session
#               with an unlocked gnome-keyring (a real SecretService)
#   make windows       the Windows program and its installer, built on Linux under Wine
#                      (dist/cpi-cert-wizard-<version>-windows-x64-setup.exe)
#   make test-windows  the core and CLI tests on the Windows Python under Wine, then the installed
#                      Windows program driven by tests/windows (CI runs it after make test)
#   make test-windows-core   only the first half (WINDOWS_PYTEST_ARGS="tests/core/test_x.py -x")

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Qt offscreen/xcb needs these; python3-venv for the virtualenv.
RUN_PACKAGES  = python3 python3-venv python3-pip openssl ca-certificates \
                libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
                libglib2.0-0 libx11-6 libfreetype6 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 \
                gnome-keyring
TEST_PACKAGES = $(RUN_PACKAGES) default-jre-headless nginx tinyproxy dbus dbus-x11 curl xvfb \
                fonts-noto-cjk krb5-kdc krb5-admin-server krb5-user libkrb5-dev gcc python3-dev

# Translations: the .ts sources are kept current by `make translations` (lupdate keeps what is
# translated); the .qm catalogues are built by lrelease on setup and never committed.
LANGUAGES = de fr es ja
TS_FILES  = $(foreach lang,$(LANGUAGES),translations/cpi_cert_wizard_$(lang).ts)
QM_FILES  = $(TS_FILES:.ts=.qm)
LUPDATE  ?= $(BIN)/pyside6-lupdate
LRELEASE ?= $(BIN)/pyside6-lrelease

# Windows under Wine: the tools to build (NSIS, mingw-w64 for the test-only shims) and to test
# (DejaVu fonts for the offscreen screenshots). The Windows CPython and its wheels are cached in
# ~/.cache/cpi-cert-wizard (CPI_WINE_CACHE) by packaging/wine/prepare.
WINDOWS_PACKAGES = wine wine64 nsis mingw-w64 fonts-dejavu-core unzip osslsigncode
WINDOWS_PYTEST_ARGS ?= tests/core tests/cli tests/fleet

.PHONY: run test setup setup-test system-packages system-test-packages lint translations qm clean \
        windows windows-prefix test-windows test-windows-core test-windows-installed \
        system-windows-packages

run: setup
	$(BIN)/cpi-cert-wizard

test: setup-test
	dbus-run-session -- sh tests/keyring-session.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The Windows leg: core + CLI tests on the Windows CPython, then the installed program.
test-windows: test-windows-core test-windows-installed

test-windows-core: windows-prefix qm
	packaging/wine/python -m pytest -p no:cacheprovider $(WINDOWS_PYTEST_ARGS)

# tests/windows drive the installed program through packaging/windows-cli; here a missing Wine or
# installer fails instead of skipping.
test-windows-installed: windows
	CPI_WINDOWS_TESTS=required $(BIN)/python -m pytest -p no:cacheprovider tests/windows

windows: windows-prefix qm
	packaging/build-windows

windows-prefix: system-windows-packages setup-test
	packaging/wine/prepare

setup: system-packages $(BIN)/cpi-cert-wizard qm
setup-test: system-test-packages $(VENV)/.test-deps qm

translations: | $(BIN)/cpi-cert-wizard
	for lang in $(LANGUAGES); do \
	  $(LUPDATE) $$(find wizard -name '*.py' | sort) -locations relative -source-language en \
	    -target-language $$lang -no-obsolete -ts translations/cpi_cert_wizard_$$lang.ts || exit 1; \
	done
	$(MAKE) qm

qm: $(QM_FILES)

translations/%.qm: translations/%.ts | $(BIN)/cpi-cert-wizard
	$(LRELEASE) -silent $< -qm $@

system-packages:
	@dpkg -s $(RUN_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(RUN_PACKAGES); }

system-test-packages:
	@dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEST_PACKAGES); }

system-windows-packages:
	@dpkg -s $(WINDOWS_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(WINDOWS_PACKAGES); }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(BIN)/cpi-cert-wizard: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
