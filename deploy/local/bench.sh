#!/usr/bin/env bash
# make bench: a dedicated broker + registry in .run/bench on their own ports;
# first the ceilings of the engines on this machine (raw Kafka produce and
# consume through the core's log adapter, raw RocksDB WriteBatch, an empty
# gRPC round trip), then zizhu's figures — registrations in a closed loop,
# registrations at a fixed rate with ghz, a projection rebuild from offset 0 —
# all over TLS with a login token, as deployed —
# each printed as a ratio of its ceiling, and the peak RSS of each process.
#
# BENCH_COUNT (100000) registrations in the closed loop, BENCH_CONCURRENCY (256)
# in flight; BENCH_RATE (2000/s) and BENCH_RATE_COUNT (20000) for ghz.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.run/bench"
build="${BUILD_DIR:-$root/build}"
count="${BENCH_COUNT:-100000}"
concurrency="${BENCH_CONCURRENCY:-256}"
rate="${BENCH_RATE:-2000}"
rate_count="${BENCH_RATE_COUNT:-20000}"
umask 077
rm -rf "$dir"; mkdir -p "$dir"
kport=19192; rport=17191; iport=17190
source "$root/deploy/lib.sh"
# As deployed: TLS on every port, every call with a verified token, every
# Kafka client its own principal (the ceilings as the tests' zizhu-test).
security_setup "$dir/keys"
ZIZHU_KAFKA_EXTRA_PRINCIPALS="$root/tests/support/kafka_test_principals.conf" \
  "$root/deploy/kafka/broker.sh" start "$dir/kafka" "$kport" $((kport + 1)) $((kport + 2))
trap 'stop_pid "$dir/registry.pid"; stop_pid "$dir/identity.pid"; "$root/deploy/kafka/broker.sh" stop "$dir/kafka"' EXIT
start_identity "$build" "$iport" "$kport" "$dir/identity" "$dir/identity.log" "$dir/identity.pid"
mport=17193
start_registry "$build" "$rport" "$kport" "$dir" "$dir/registry.log" "$dir/registry.pid" --metrics-listen "127.0.0.1:$mport"
login_admin "$build" "$iport"
Z="$build/tools/zizhu --server 127.0.0.1:$rport --timeout-ms 600000"

gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
ghz="$(command -v ghz || echo "$gobin/ghz")"
if [[ ! -x "$ghz" ]] && command -v go >/dev/null; then
  echo "installing ghz (go install) for the fixed-rate measure"
  go install github.com/bojand/ghz/cmd/ghz@v0.93.0 >/dev/null 2>&1 || true
fi

echo "== ceilings (same broker, same disk, same machine)"
"$build/tools/ceilings" --bootstrap "127.0.0.1:$kport" --kafka-config "$dir/keys/kafka/zizhu-test.properties" --dir "$dir/ceilings" --server "127.0.0.1:$rport" \
  | tee "$dir/ceilings.txt"
ceiling() { awk -v n="$1" '$1 == "ceiling" && $2 == n { print $3 }' "$dir/ceilings.txt"; }

# CPU seconds a process has spent so far (user + system), from /proc.
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$(cat "$1")/stat" 2>/dev/null || echo 0; }
metrics() { curl -s "http://127.0.0.1:$mport/metrics" || true; }
broker_pid_file="$dir/kafka/broker.pid"

echo "== registrations, closed loop ($concurrency in flight)"
metrics > "$dir/metrics-before.txt"
reg_cpu0=$(cpu_seconds "$dir/registry.pid"); broker_cpu0=$(cpu_seconds "$broker_pid_file")
TIMEFORMAT='%U %S'
{ time "$build/tools/register_bench" --server "127.0.0.1:$rport" --count "$count" --concurrency "$concurrency" \
  > "$dir/closed.txt"; } 2> "$dir/closed-client-cpu.txt"
cat "$dir/closed.txt"
reg_cpu1=$(cpu_seconds "$dir/registry.pid"); broker_cpu1=$(cpu_seconds "$broker_pid_file")
metrics > "$dir/metrics-after.txt"
closed_rate=$(sed -n 's/.*: \([0-9]*\) students\/s.*/\1/p' "$dir/closed.txt")
# CPU per registration of each process (ms of one core), and where the
# writer's time went per batch (from its metrics, this loop only).
cpu_line=$(awk -v n="$count" -v r0="$reg_cpu0" -v r1="$reg_cpu1" -v b0="$broker_cpu0" -v b1="$broker_cpu1" \
  '{ c = $1 + $2 } END { printf "registry %.3f ms, broker %.3f ms, client %.3f ms, all %.3f ms", \
     1000 * (r1 - r0) / n, 1000 * (b1 - b0) / n, 1000 * c / n, 1000 * (r1 - r0 + b1 - b0 + c) / n }' \
  "$dir/closed-client-cpu.txt")
writer_line=$(python3 - "$dir/metrics-before.txt" "$dir/metrics-after.txt" <<'PY'
import re, sys
def read(path):
    values = {}
    for line in open(path):
        m = re.match(r'(zizhu_\w+)\{([^}]*)\} ([0-9.e+-]+)', line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            values[(m.group(1), labels.get("phase", ""))] = float(m.group(3))
    return values
a, b = read(sys.argv[1]), read(sys.argv[2])
d = lambda name, phase="": b.get((name, phase), 0) - a.get((name, phase), 0)
batches = d("zizhu_command_batches_total")
if batches <= 0:
    print("(no writer metrics)"); sys.exit(0)
parts = ["%d batches, %.0f commands each" % (batches, d("zizhu_commands_total") / batches)]
for phase in ("decide", "append", "store_commit", "answer"):
    parts.append("%s %.2f ms" % (phase, 1000 * d("zizhu_writer_seconds_total", phase) / batches))
print(", ".join(parts))
PY
)
echo "CPU per registration: $cpu_line"
echo "writer per batch: $writer_line"

rate_line="(ghz not installed: go install github.com/bojand/ghz/cmd/ghz@v0.93.0)"
if [[ -x "$ghz" ]]; then
  echo "== registrations at a fixed rate: $rate/s, $rate_count requests (ghz)"
  $Z school register --code 3129990001 --name 定速测试学校 --county 210102 --stages 小学 >/dev/null
  python3 - "$dir/fixed.json" "$rate_count" <<'PY'
import json, sys
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def nid(s17):
    return s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, w)) % 11]
out = []
for i in range(int(sys.argv[2])):
    first17 = "210102%04d%02d%02d%03d" % (2014 + i // 336000 % 3, 1 + i // 28000 % 12, 1 + i // 1000 % 28, i % 1000)
    out.append({"meta": {"request_id": "fixed-%d" % i}, "name": "定速学生",
                "national_id": nid(first17), "school_code": "3129990001", "stage": "EDUCATION_STAGE_PRIMARY",
                "grade": 3, "class_name": "1班"})
json.dump(out, open(sys.argv[1], "w"), ensure_ascii=False)
PY
  # The token on the calls and on the reflection request too (the services list
  # their interfaces to a holder of a token only).
  auth="{\"authorization\":\"Bearer $(cat "$ZIZHU_TOKEN_FILE")\"}"
  "$ghz" --cacert "$ZIZHU_CA" --metadata "$auth" --reflect-metadata "$auth" \
    --call zizhu.registry.v1.RegistryService.RegisterStudent --data-file "$dir/fixed.json" \
    --rps "$rate" --total "$rate_count" --concurrency 64 --connections 4 --format json "127.0.0.1:$rport" \
    > "$dir/fixed-ghz.json" 2> "$dir/fixed-ghz.err" || true
  rate_line=$(python3 - "$dir/fixed-ghz.json" "$dir/fixed-ghz.err" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError:
    print("ghz failed: " + open(sys.argv[2]).read().strip()[:200])
    sys.exit(0)
lat = {d["percentage"]: d["latency"] / 1e6 for d in r.get("latencyDistribution") or []}
errors = sum(r.get("statusCodeDistribution", {}).get(k, 0) for k in r.get("statusCodeDistribution", {}) if k != "OK")
print("%.0f req/s achieved, p50 %.2f ms, p99 %.2f ms, %d not OK" % (r["rps"], lat.get(50, 0), lat.get(99, 0), errors))
PY
)
  echo "$rate_line"
fi

echo "== projection rebuild from offset 0"
$Z projection rebuild | tee "$dir/rebuild.txt"
events=$(sed -n 's/rebuilt: \([0-9]*\) events in \([0-9]*\) ms.*/\1/p' "$dir/rebuild.txt")
ms=$(sed -n 's/rebuilt: \([0-9]*\) events in \([0-9]*\) ms.*/\2/p' "$dir/rebuild.txt")
rebuild_rate=$(( events * 1000 / (ms > 0 ? ms : 1) ))

rss() { awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$(cat "$1")/status" 2>/dev/null || echo "?"; }

echo
echo "== summary (this run)"
printf '%-44s %14s %16s %8s\n' "measure" "zizhu" "ceiling" "ratio"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "-" }'; }
printf '%-44s %14s %16s %8s\n' "registrations/s, $concurrency in flight" "$closed_rate" \
  "$(ceiling kafka_produce) rec/s" "$(ratio "$closed_rate" "$(ceiling kafka_produce)")"
grpc_ceiling=$(awk '$1 == "ceiling" && $2 == "grpc_unary" { print $3 }' "$dir/ceilings.txt")
printf '%-44s %14s %16s %8s\n' "  (the same, against an empty TLS call)" "" "$grpc_ceiling calls/s" \
  "$(ratio "$closed_rate" "$grpc_ceiling")"
printf '%-44s %14s %16s %8s\n' "rebuild events/s from offset 0" "$rebuild_rate" \
  "$(ceiling kafka_consume) rec/s" "$(ratio "$rebuild_rate" "$(ceiling kafka_consume)")"
printf '%-44s %14s %16s %8s\n' "  (rocksdb WriteBatch, for the projection)" "" "$(ceiling rocksdb_writebatch) keys/s" ""
printf '%-44s %s\n' "  CPU per registration (closed loop)" "$cpu_line"
printf '%-44s %s\n' "  writer per batch (closed loop)" "$writer_line"
printf '%-44s %s\n' "fixed rate $rate/s (ghz)" "$rate_line"
printf '%-44s %s\n' "empty gRPC unary round trip" "$(grep '^ceiling grpc_unary' "$dir/ceilings.txt" | cut -d' ' -f3-)"
printf '%-44s %s\n' "peak RSS registry" "$(rss "$dir/registry.pid")"
[[ -f "$broker_pid_file" ]] && printf '%-44s %s\n' "peak RSS broker" "$(rss "$broker_pid_file")"
