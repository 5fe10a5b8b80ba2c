#!/usr/bin/env bash
# Stops what up.sh started and removes its files.
set -uo pipefail
. "$(dirname "$0")/common.sh"

pg="$IMAGO_SERVICES_DIR/postgres"
if [ -d "$pg/data" ]; then
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -m fast stop >&2 || true
    else
        "$bin/pg_ctl" -D "$pg/data" -m fast stop >&2 || true
    fi
fi

gpid=$(cat "$IMAGO_SERVICES_DIR/garage/pid" 2>/dev/null || true)
if pid_alive "$gpid"; then
    kill "$gpid"
    for _ in $(seq 1 20); do pid_alive "$gpid" || break; sleep 0.25; done
    pid_alive "$gpid" && kill -9 "$gpid"
fi

rm -rf "$IMAGO_SERVICES_DIR"
log "services stopped"
