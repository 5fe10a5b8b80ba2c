# Shared by the service scripts: where state lives, free ports, logging to stderr.
# Sourced, not run.

# Every service keeps its files (data, logs, pid, credentials) under one folder, so
# down.sh can stop them and remove everything in one place. The default folder is
# named after the checkout (its path's hash), so two worktrees on one machine each get
# their own services and one's down.sh never stops the other's. It stays in /tmp:
# PostgreSQL's socket path must be short, and the postgres user must reach it.
_imago_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_imago_tag=$(printf '%s' "$_imago_root" | cksum | cut -d' ' -f1)
IMAGO_SERVICES_DIR="${IMAGO_SERVICES_DIR:-/tmp/imago-services-$_imago_tag}"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A TCP port on 127.0.0.1 nobody listens on right now (the kernel picks it).
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "no free port found"
}

random_hex() { # bytes
    if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex "$1"
    else
        od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
    fi
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
