#!/usr/bin/env bash
# Starts the real backends the storage conformance suites run against and prints the
# `export` lines the tests read:  eval "$(scripts/services/up.sh)"
set -euo pipefail
here="$(dirname "$0")"
url=$("$here/postgres.sh")
printf "export IMAGO_TEST_POSTGRES_URL='%s'\n" "$url"
"$here/garage.sh"
