#!/usr/bin/env bash
# Make sure a real Secret Service can be run for the tests: gnome-keyring on a private D-Bus
# session bus (tests/cli/test_secret_service.py starts both under dbus-run-session).
#
#   scripts/ensure-secret-service.sh    do nothing when dbus-run-session and
#                                       gnome-keyring-daemon are on PATH; else install Debian's
#                                       packages when we are root with apt-get
#
# Installs, without recommends: gnome-keyring (the daemon; it pulls in gcr, p11-kit and
# libsecret), dbus-daemon (dbus-daemon, dbus-run-session) and dbus-x11 (the lightest package
# that provides a session bus, so apt does not bring in systemd for dbus-user-session).
#
# Exit status 77 means the tools are missing and cannot be installed here (the reason is on
# stderr): the tests skip on it and say why. Any other failure is a failure.
set -euo pipefail

CANNOT_INSTALL=77
PACKAGES=(gnome-keyring dbus-daemon dbus-x11)

have_tools() {
    command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1
}

cannot() {
    echo "ensure-secret-service: cannot install a Secret Service: $*" >&2
    exit "$CANNOT_INSTALL"
}

have_tools && exit 0

[[ $(id -u) -eq 0 ]] || cannot "gnome-keyring or dbus is missing, and installing them needs root" \
    "(as root: apt-get install ${PACKAGES[*]})"
command -v apt-get >/dev/null 2>&1 || cannot "gnome-keyring or dbus is missing, and there is no" \
    "apt-get to install them with"

# Two runs at once must not both run apt-get; the second finds the first's install.
exec 9>/tmp/selfcare-tui-secret-service-install.lock
flock 9
have_tools && exit 0

echo "ensure-secret-service: installing ${PACKAGES[*]} (once per machine)..." >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! {
    apt-get update -qq -o DPkg::Lock::Timeout=300 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            -o DPkg::Lock::Timeout=300 "${PACKAGES[@]}"
} >"$log" 2>&1; then
    cannot "apt-get failed: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
have_tools || {
    echo "ensure-secret-service: ${PACKAGES[*]} were installed, yet dbus-run-session or" \
        "gnome-keyring-daemon is not on PATH" >&2
    exit 1
}
echo "ensure-secret-service: installed" >&2
