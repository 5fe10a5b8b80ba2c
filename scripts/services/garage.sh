#!/usr/bin/env bash
# Starts a single-node Garage (S3-compatible object store, from crates.io) for the tests,
# offline, on free ports of 127.0.0.1, with one bucket and one key, and prints:
#   export IMAGO_TEST_S3_ENDPOINT=http://127.0.0.1:<port>
#   export IMAGO_TEST_S3_BUCKET=imago-test
#   export IMAGO_TEST_S3_KEY_ID=GK...
#   export IMAGO_TEST_S3_SECRET=...
# Installs garage with `cargo install garage --locked` only when it is missing (that
# build takes a quarter of an hour on two cores). Run again while it is up: prints the
# same values. Stop it with down.sh.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir="$IMAGO_SERVICES_DIR/garage"
state="$dir/env"
bucket=imago-test

garage_bin() {
    if command -v garage >/dev/null 2>&1; then
        command -v garage
    elif [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/garage" ]; then
        echo "${CARGO_HOME:-$HOME/.cargo}/bin/garage"
    else
        return 1
    fi
}

if ! garage_bin >/dev/null; then
    log "garage is not installed: cargo install garage --locked (about 15 minutes)"
    cargo install garage --locked >&2
fi
garage=$(garage_bin) || die "garage not found after cargo install"
cfg="$dir/garage.toml"
g() { "$garage" -c "$cfg" "$@"; }

if [ -f "$state" ] && pid_alive "$(cat "$dir/pid" 2>/dev/null)"; then
    cat "$state"
    exit 0
fi

[ -f "$dir/pid" ] && pid_alive "$(cat "$dir/pid")" && kill "$(cat "$dir/pid")"
rm -rf "$dir"
mkdir -p "$dir/meta" "$dir/data"
chmod 700 "$dir"

rpc_port=$(free_port)
s3_port=$(free_port)
while [ "$s3_port" = "$rpc_port" ]; do s3_port=$(free_port); done

cat >"$cfg" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1

rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$(random_hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"
TOML
chmod 600 "$cfg"

log "garage: starting ($garage), s3 on 127.0.0.1:$s3_port, rpc on 127.0.0.1:$rpc_port"
nohup "$garage" -c "$cfg" server >"$dir/server.log" 2>&1 &
echo $! >"$dir/pid"

for i in $(seq 1 60); do
    if node=$(g node id -q 2>/dev/null); then break; fi
    pid_alive "$(cat "$dir/pid")" || { cat "$dir/server.log" >&2; die "garage exited"; }
    [ "$i" = 60 ] && { cat "$dir/server.log" >&2; die "garage did not answer"; }
    sleep 0.5
done
node_id=${node%%@*}

g layout assign -z dc1 -c 1G "$node_id" >&2
g layout apply --version 1 >&2
g bucket create "$bucket" >&2
key_out=$(g key create imago-test-key)
key_id=$(printf '%s\n' "$key_out" | awk -F': *' 'tolower($1) ~ /key id/ {print $2; exit}' | tr -d ' ')
secret=$(printf '%s\n' "$key_out" | awk -F': *' 'tolower($1) ~ /secret key/ {print $2; exit}' | tr -d ' ')
[ -n "$key_id" ] && [ -n "$secret" ] || { printf '%s\n' "$key_out" >&2; die "could not read the new key"; }
g bucket allow --read --write --owner "$bucket" --key imago-test-key >&2

# The S3 API answers once the layout is live; wait for any HTTP answer.
for i in $(seq 1 60); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$s3_port/$bucket" || true)
    [ "$code" != "000" ] && break
    [ "$i" = 60 ] && die "garage's S3 API did not answer"
    sleep 0.5
done

cat >"$state" <<ENV
export IMAGO_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export IMAGO_TEST_S3_BUCKET=$bucket
export IMAGO_TEST_S3_KEY_ID=$key_id
export IMAGO_TEST_S3_SECRET=$secret
ENV
chmod 600 "$state"
log "garage: up, bucket $bucket"
cat "$state"
