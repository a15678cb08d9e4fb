#!/usr/bin/env bash
# make bench-rosters: generate three rosters (GROUPS x 12 people, default about
# 1,000,000 people), import them into a dedicated broker + registry in
# .run/roster-bench, run the cross-match, and print rows/s and peak memory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.run/roster-bench"
build="${BUILD_DIR:-$root/build}"
groups="${BENCH_GROUPS:-83334}"
umask 077
rm -rf "$dir"; mkdir -p "$dir/data"
kport=19292; rport=17291; iport=17290
echo "generating $groups groups (about $((groups * 12)) people)..."
/usr/bin/time -f "  generator: %e s, peak %M KiB" "$build/tools/zizhu-gen" --out "$dir/data" --groups "$groups" --csv-only
source "$root/deploy/lib.sh"
security_setup "$dir/keys"
"$root/deploy/kafka/broker.sh" start "$dir/kafka" "$kport" $((kport + 1)) $((kport + 2))
trap 'stop_pid "$dir/registry.pid"; stop_pid "$dir/identity.pid"; "$root/deploy/kafka/broker.sh" stop "$dir/kafka"' EXIT
start_identity "$build" "$iport" "$kport" "$dir/identity" "$dir/identity.log" "$dir/identity.pid"
start_registry "$build" "$rport" "$kport" "$dir" "$dir/registry.log" "$dir/registry.pid"
login_admin "$build" "$iport"
pid=$(cat "$dir/registry.pid")
Z="$build/tools/zizhu --server 127.0.0.1:$rport"
start=$(date +%s.%N)
for source in poverty civil status; do
  file="$dir/data/$source.gbk.csv"; [[ -f "$file" ]] || file="$dir/data/$source.csv"
  /usr/bin/time -f "  client: %e s, peak %M KiB" $Z import "$source" "$file" --errors "$dir/$source.errors.csv" \
    2>&1 | grep -v '^importing' || true
done
imported=$(date +%s.%N)
/usr/bin/time -f "  client: %e s" $Z match run --as-of 2026-09-01
done_at=$(date +%s.%N)
$Z match summary
rows=$(( $(wc -l < "$dir/data/poverty.gbk.csv") + $(wc -l < "$dir/data/civil.gbk.csv") + $(wc -l < "$dir/data/status.csv") - 3 ))
awk -v s="$start" -v i="$imported" -v d="$done_at" -v rows="$rows" 'BEGIN {
  printf "import: %d rows in %.1f s (%.0f rows/s); cross-match run: %.1f s; total %.1f s\n", rows, i - s, rows / (i - s), d - i, d - s }'
echo "registry peak memory: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
du -sh "$dir/projection" "$dir/kafka/data" | sed 's/^/  size: /'
