#!/bin/sh
# Run a command (the test suite) with a real, unlocked SecretService: gnome-keyring inside the
# private D-Bus session that `dbus-run-session` gave us, with HOME in a temporary folder so no
# keyring or setting of the person running the tests is touched.
set -eu
HOME=$(mktemp -d)
export HOME
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config"
mkdir -p "$XDG_DATA_HOME/keyrings"
# The daemon reads the login password on stdin and unlocks (creating) the login keyring with it.
eval "$(printf 'test-keyring-pw' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export CPI_TEST_REAL_KEYRING=1
status=0
"$@" || status=$?
rm -rf "$HOME"
exit $status
