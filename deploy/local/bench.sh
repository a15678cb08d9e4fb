#!/usr/bin/env bash
# make bench: a dedicated broker + registry in .run/bench on their own ports,
# then 100,000 registrations through gRPC. Prints students/s and latencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.run/bench"
build="${BUILD_DIR:-$root/build}"
count="${BENCH_COUNT:-100000}"
rm -rf "$dir"; mkdir -p "$dir"
kport=19192; rport=17191
"$root/deploy/kafka/broker.sh" start "$dir/kafka" "$kport" $((kport + 1))
"$build/services/registry/zizhu-registry" --listen "127.0.0.1:$rport" --data-dir "$dir/projection" \
  --key-file "$dir/key" --create-key-if-missing --kafka-bootstrap "127.0.0.1:$kport" > "$dir/registry.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; "$root/deploy/kafka/broker.sh" stop "$dir/kafka"' EXIT
for _ in $(seq 1 300); do "$build/tools/zizhu" --server "127.0.0.1:$rport" --timeout-ms 1000 health >/dev/null 2>&1 && break; sleep 0.2; done
"$build/tools/register_bench" --server "127.0.0.1:$rport" --count "$count" --concurrency "${BENCH_CONCURRENCY:-256}"
