#!/usr/bin/env bash
# Browser tests of the web page of `imago serve`: Debian's chromium driven by
# playwright-core (npm, no browser download), uploading real files through the page.
#
# The server is the real one (SQLite + local store in a temporary folder), started by
# the example crates/imago-server/examples/serve_for_e2e.rs, which makes a user and
# prints {"url", "key", "name", "password"}. IMAGO_E2E_SERVER may name another command that does the same
# and accepts --body-limit BYTES. Screenshots land in crates/imago-server/e2e/screenshots/.
#
# Usage: scripts/e2e-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e-web: please install as root: apt-get install chromium" >&2
    exit 2
  fi
  echo "e2e-web: apt-get install chromium"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "e2e-web: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 2
}

if [ -z "${IMAGO_E2E_SERVER:-}" ]; then
  # --workspace, not -p imago-server: the same features as `cargo test --workspace`, so
  # after the test step nothing is compiled again (with -p, tokio and serde_json get
  # other features and half the dependency tree is built a second time).
  cargo build --quiet --workspace --example serve_for_e2e
fi

cd crates/imago-server/e2e
# playwright-core only; it downloads no browser.
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node --test --test-concurrency=1 tests/
