#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests (Debian's packages, installed when
# missing) on a free port of 127.0.0.1, and prints its URL:
#   postgres://imago:<password>@127.0.0.1:<port>/imago
# Run again while it is up: prints the same URL. Stop it with down.sh.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir="$IMAGO_SERVICES_DIR/postgres"
state="$dir/url"

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

if ! bindir >/dev/null; then
    log "PostgreSQL is not installed: apt-get install -y postgresql"
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    fi
fi
bin=$(bindir) || die "initdb not found after installing postgresql"

# The server refuses to run as root: run it as the postgres user when we are root.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ -f "$state" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    cat "$state"
    exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/sock"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
chmod 700 "$dir"

port=$(free_port)
password=$(random_hex 16)
log "postgres: initdb in $dir/data, port $port"
as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
# fsync off: a crash of this throwaway cluster loses nothing anyone needs, and the
# suite runs faster on a busy disk.
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c max_connections=200" \
    start >&2 || { cat "$dir/server.log" >&2; die "postgres did not start"; }

as_pg "$bin/psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >&2 <<SQL
CREATE ROLE imago LOGIN PASSWORD '$password';
CREATE DATABASE imago OWNER imago;
SQL

url="postgres://imago:$password@127.0.0.1:$port/imago"
printf '%s\n' "$url" >"$state"
chmod 600 "$state"
log "postgres: up on 127.0.0.1:$port"
printf '%s\n' "$url"
