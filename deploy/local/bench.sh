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
source "$root/deploy/lib.sh"
trap 'stop_pid "$dir/registry.pid"; "$root/deploy/kafka/broker.sh" stop "$dir/kafka"' EXIT
start_registry "$build" "$rport" "$kport" "$dir" "$dir/registry.log" "$dir/registry.pid"
"$build/tools/register_bench" --server "127.0.0.1:$rport" --count "$count" --concurrency "${BENCH_CONCURRENCY:-256}"
