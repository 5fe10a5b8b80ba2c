# Sourced by the benchmark's scripts (after setting `here` to bench/): the checkout, the
# work folder (IMAGO_BENCH_DIR, default /tmp/imago-bench), the files nginx serves from it
# and the state folder where each part leaves its tables and logs.
root=$(dirname "$here")
dir=${IMAGO_BENCH_DIR:-/tmp/imago-bench}
www=$dir/www
state=$dir/state
