# One command to set up and launch, one to set up and run every test (Debian/Ubuntu).
#   make run    system packages + virtualenv, then open the wizard
#   make test   the same plus test tools, then the whole suite inside a private D-Bus session
#               with an unlocked gnome-keyring (a real SecretService)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Qt offscreen/xcb needs these; python3-venv for the virtualenv.
RUN_PACKAGES  = python3 python3-venv python3-pip openssl ca-certificates \
                libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
                libglib2.0-0 libx11-6 libfreetype6 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 \
                gnome-keyring
TEST_PACKAGES = $(RUN_PACKAGES) default-jre-headless nginx tinyproxy dbus dbus-x11 curl xvfb

.PHONY: run test setup setup-test system-packages system-test-packages lint translations clean

run: setup
	$(BIN)/cpi-cert-wizard

test: setup-test
	dbus-run-session -- sh tests/keyring-session.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: system-packages $(BIN)/cpi-cert-wizard
setup-test: system-test-packages $(VENV)/.test-deps

system-packages:
	@dpkg -s $(RUN_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(RUN_PACKAGES); }

system-test-packages:
	@dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEST_PACKAGES); }

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
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
