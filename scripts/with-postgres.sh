#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server:
#   scripts/with-postgres.sh cargo test -p sharehub-server
# Installs PostgreSQL from Debian's packages when it is missing (idempotent), starts a
# cluster in a temporary directory on a free port of 127.0.0.1 (socket in that directory),
# exports SHAREHUB_TEST_DATABASE_URL, runs the command, and always stops and removes the
# cluster. Exits with the command's status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

pg_bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bin_dir)" ] || [ ! -x "$(pg_bin_dir)/initdb" ]; then
    echo "with-postgres: installing PostgreSQL from Debian packages" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "with-postgres: PostgreSQL is missing and installing it needs root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
BIN="$(pg_bin_dir)"

# initdb refuses to run as root: run the server as the `postgres` user then.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi

TMP="$(mktemp -d /tmp/sharehub-pg.XXXXXX)"
chmod 0755 "$TMP"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TMP"

cleanup() {
    if [ -f "$TMP/data/postmaster.pid" ]; then
        "${AS_PG[@]}" "$BIN/pg_ctl" -D "$TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
PORT=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 30000))
    if port_is_free "$candidate"; then
        PORT="$candidate"
        break
    fi
done
if [ -z "$PORT" ]; then
    echo "with-postgres: found no free port on 127.0.0.1" >&2
    exit 1
fi

"${AS_PG[@]}" "$BIN/initdb" -D "$TMP/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$TMP/initdb.log" 2>&1 \
    || { cat "$TMP/initdb.log" >&2; exit 1; }
# Throwaway data: durability settings off for speed.
"${AS_PG[@]}" "$BIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$TMP/server.log" >&2; exit 1; }

export SHAREHUB_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
