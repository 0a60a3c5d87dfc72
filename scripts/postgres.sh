#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (and for trying `selfcare server` on PostgreSQL).
#
#   scripts/postgres.sh find        print the directory holding initdb, pg_ctl and postgres, or
#                                   fail if there is none
#   scripts/postgres.sh bindir      the same, but install Debian's `postgresql` package when
#                                   none is found and we are root with apt-get
#   scripts/postgres.sh start       create a cluster in a new temporary directory DIR and start
#                                   it, listening only on the Unix socket in DIR (user postgres,
#                                   trust auth, no fsync); prints DIR. Connect with
#                                   postgresql+psycopg://postgres@/postgres?host=DIR
#   scripts/postgres.sh stop DIR    stop that server at once and delete DIR
#
# Exit status 77 means PostgreSQL is not installed and cannot be installed here (the reason is
# on stderr): the tests skip on it. Any other failure is a failure.
set -euo pipefail

CANNOT_INSTALL=77

find_bindir() {
    local pg_ctl candidate
    # Debian puts the server outside PATH, in one directory per major version: newest first.
    for candidate in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5 -rn); do
        [[ -x "$candidate/pg_ctl" && -x "$candidate/initdb" && -x "$candidate/postgres" ]] \
            && echo "$candidate" && return 0
    done
    if pg_ctl=$(command -v pg_ctl); then
        candidate=$(dirname "$(readlink -f "$pg_ctl")")
        [[ -x "$candidate/initdb" && -x "$candidate/postgres" ]] && echo "$candidate" && return 0
    fi
    return 1
}

install_postgres() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "PostgreSQL is not installed, and installing it needs root" >&2
        exit "$CANNOT_INSTALL"
    fi
    if ! command -v apt-get >/dev/null; then
        echo "PostgreSQL is not installed, and there is no apt-get to install it with" >&2
        exit "$CANNOT_INSTALL"
    fi
    # Two test runs at once must not both run apt-get; the second finds the first's install.
    exec 9>/tmp/selfcare-tui-postgres-install.lock
    flock 9
    find_bindir && return 0
    echo "installing Debian's postgresql package (once per machine)..." >&2
    local log
    log=$(mktemp)
    if ! {
        apt-get update -o DPkg::Lock::Timeout=300 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                -o DPkg::Lock::Timeout=300 postgresql
    } >"$log" 2>&1; then
        echo "apt-get could not install postgresql: $(tail -n 3 "$log" | tr '\n' ' ')" >&2
        rm -f "$log"
        exit "$CANNOT_INSTALL"
    fi
    rm -f "$log"
    find_bindir || {
        echo "postgresql was installed, yet no pg_ctl was found" >&2
        exit 1
    }
}

bindir() {
    find_bindir || install_postgres
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` user Debian's package
# creates (or as nobody), otherwise as ourselves.
as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$SERVER_USER" -- "$@"
    else
        "$@"
    fi
}

start() {
    local bin dir
    bin=$(bindir)
    SERVER_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    # In /tmp, not under a root-only temporary directory, so the server user can reach it.
    dir=$(mktemp -d /tmp/selfcare-postgres.XXXXXX)
    if [[ $(id -u) -eq 0 ]]; then
        chown "$SERVER_USER:" "$dir"
    fi
    if ! as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    # No TCP port, so no port to find free or to collide on; the socket directory is private.
    # Durability is pointless for a server deleted after the run, and fsync is slow.
    if ! as_server_user "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        >/dev/null; then
        cat "$dir/server.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    echo "$dir"
}

stop() {
    local dir=$1 bin
    [[ -d "$dir/data" ]] || { echo "$dir is no cluster started by this script" >&2; exit 1; }
    SERVER_USER=$(stat -c %U "$dir")
    # Immediate: nothing in it is worth a clean shutdown.
    if bin=$(find_bindir); then
        as_server_user "$bin/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
find) find_bindir ;;
bindir) bindir ;;
start) start ;;
stop) stop "${2:?usage: $0 stop DIR}" ;;
*)
    echo "usage: $0 find | bindir | start | stop DIR" >&2
    exit 2
    ;;
esac
