#!/usr/bin/env bash
# The local single-node stack: Kafka broker (KRaft) + identity + registry + subsidy +
# disbursement + dropout + pairing, state
# in .run/, TLS on every port (a local CA in .run/keys/tls), a bootstrap city
# administrator "admin" (password in .run/keys/admin-password).
#   stack.sh up     start (or restart) everything, load the demo data, print addresses
#   stack.sh down   stop everything (data stays in .run/; delete it to start afresh)
#   stack.sh restart-services   stop and start the six services only (no demo data
#                   loaded; the broker and the gateway keep running): the console's
#                   tests restart them with ZIZHU_TESTING_CLOCK_OFFSET_HOURS
# Ports: ZIZHU_KAFKA_PORT (9092), ZIZHU_KAFKA_CONTROLLER_PORT (9093),
# ZIZHU_IDENTITY_PORT (7000), ZIZHU_REGISTRY_PORT (7001), ZIZHU_SUBSIDY_PORT (7002),
# ZIZHU_DISBURSEMENT_PORT (7003), ZIZHU_DROPOUT_PORT (7004),
# ZIZHU_PAIRING_PORT (7005), ZIZHU_GATEWAY_PORT (8443, HTTPS); ZIZHU_RUN_DIR (.run) for
# a second stack of its own (the console tests use .run/e2e).
set -euo pipefail
# Everything the stack writes (keys, Kafka segments, projections, logs,
# reports) is private to the user who runs it.
umask 077
root="$(cd "$(dirname "$0")/../.." && pwd)"
run="${ZIZHU_RUN_DIR:-$root/.run}"
build="${BUILD_DIR:-$root/build}"
kafka_port="${ZIZHU_KAFKA_PORT:-9092}"
ctrl_port="${ZIZHU_KAFKA_CONTROLLER_PORT:-9093}"
registry_port="${ZIZHU_REGISTRY_PORT:-7001}"
identity_port="${ZIZHU_IDENTITY_PORT:-7000}"
subsidy_port="${ZIZHU_SUBSIDY_PORT:-7002}"
disbursement_port="${ZIZHU_DISBURSEMENT_PORT:-7003}"
dropout_port="${ZIZHU_DROPOUT_PORT:-7004}"
pairing_port="${ZIZHU_PAIRING_PORT:-7005}"
gateway_port="${ZIZHU_GATEWAY_PORT:-8443}"

source "$root/deploy/lib.sh"

case "${1:-}" in
  down)
    stop_pid "$run/gateway.pid"
    stop_pid "$run/pairing.pid"
    stop_pid "$run/dropout.pid"
    stop_pid "$run/disbursement.pid"
    stop_pid "$run/subsidy.pid"
    stop_pid "$run/registry.pid"
    stop_pid "$run/identity.pid"
    "$root/deploy/kafka/broker.sh" stop "$run/kafka"
    echo "stack stopped (data kept in $run)"
    exit 0 ;;
  up|restart-services) ;;
  *) echo "usage: $0 up|down|restart-services" >&2; exit 2 ;;
esac

mkdir -p "$run/logs"
chmod 700 "$run"
security_setup "$run/keys"
# The demo loader's token stays in .run/keys, not in the operator's home.
export ZIZHU_TOKEN_FILE="$run/keys/demo-loader-token"
"$root/deploy/kafka/broker.sh" start "$run/kafka" "$kafka_port" "$ctrl_port"

stop_pid "$run/pairing.pid"
stop_pid "$run/dropout.pid"
stop_pid "$run/disbursement.pid"
stop_pid "$run/subsidy.pid"
stop_pid "$run/registry.pid"
stop_pid "$run/identity.pid"
start_identity "$build" "$identity_port" "$kafka_port" "$run/identity" "$run/logs/identity.log" "$run/identity.pid"
REGISTRY_KEY_FILE="$run/keys/personal-data.key" \
  start_registry "$build" "$registry_port" "$kafka_port" "$run/registry" "$run/logs/registry.log" "$run/registry.pid"
start_subsidy "$build" "$subsidy_port" "$kafka_port" "$run/subsidy" "$run/logs/subsidy.log" "$run/subsidy.pid"
REGISTRY_KEY_FILE="$run/keys/personal-data.key" start_disbursement "$build" "$disbursement_port" "$kafka_port" \
  "$run/disbursement" "$run/logs/disbursement.log" "$run/disbursement.pid"
REGISTRY_KEY_FILE="$run/keys/personal-data.key" start_dropout "$build" "$dropout_port" "$kafka_port" \
  "$run/dropout" "$run/logs/dropout.log" "$run/dropout.pid"
start_pairing "$build" "$pairing_port" "$kafka_port" "$run/pairing" "$run/logs/pairing.log" "$run/pairing.pid"
if [[ "$1" == restart-services ]]; then
  echo "services restarted${ZIZHU_TESTING_CLOCK_OFFSET_HOURS:+ with their clocks $ZIZHU_TESTING_CLOCK_OFFSET_HOURS hours ahead}"
  exit 0
fi
mkdir -p "$run/reports"
stop_pid "$run/gateway.pid"
start_gateway "$build" "$gateway_port" "$run/logs/gateway.log" "$run/gateway.pid" "$identity_port" "$registry_port" \
  "$subsidy_port" "$disbursement_port" "$dropout_port" "$pairing_port" "$run/reports" "$kafka_port"
login_admin "$build" "$identity_port"
zizhu="$build/tools/zizhu --server 127.0.0.1:$registry_port --identity 127.0.0.1:$identity_port --subsidy 127.0.0.1:$subsidy_port --disbursement 127.0.0.1:$disbursement_port --dropout 127.0.0.1:$dropout_port --pairing 127.0.0.1:$pairing_port"
$zizhu health

echo "loading demo data (fixed request ids: loading twice changes nothing)..."
$zizhu --request-id demo-school-1 school register --code 3121000001 --name 红星小学 --county 210102 --county-name 和平区 --stages 小学 --rural >/dev/null 2>&1 || true
$zizhu --request-id demo-school-2 school register --code 3121000002 --name 希望中学 --county 210102 --county-name 和平区 --stages 初中 --rural >/dev/null 2>&1 || true
$zizhu --request-id demo-school-3 school register --code 3121000003 --name 阳光幼儿园 --county 210103 --county-name 沈河区 --stages 学前 >/dev/null 2>&1 || true
for n in 1 2 3 4; do
  $zizhu --request-id "demo-household-$n" household register --number "H2101020$(printf %02d $n)" --head "户主$n" \
    --type general --year 2016 --county 和平区 --village "红旗村" >/dev/null 2>&1 || true
done
# The demo roster is GBK-encoded, as agencies send it, and has two broken rows
# on purpose (a wrong check digit, an ID Excel turned into 2.10102E+17).
$zizhu import students "$root/deploy/local/demo/students.gbk.csv" --errors "$run/logs/demo-import-errors.csv" || true

# Agency rosters (the generated sample of tests/data/rosters: GBK CSV and XLSX
# with planted cases) and the cross-match of them with the registry.
rosters="$root/tests/data/rosters"
tail -n +2 "$rosters/schools.csv" | while IFS=, read -r code name county_code county stage; do
  $zizhu --request-id "demo-school-$code" school register --code "$code" --name "$name" \
    --county "$county_code" --county-name "$county" --stages "$stage" >/dev/null 2>&1 || true
done
tail -n +2 "$rosters/registry_households.csv" | while IFS=, read -r number head; do
  $zizhu --request-id "demo-household-$number" household register --number "$number" --head "$head" \
    --type general >/dev/null 2>&1 || true
done
$zizhu import students "$rosters/registry_students.csv" --errors "$run/logs/demo-roster-students-errors.csv" >/dev/null || true
# The student-status roster first (as offices do): the dropout ledger opens a
# case for each child the cross-match finds enrolled nowhere when a roster
# arrives, so enrolments known first spare cases that would only be crossed off.
$zizhu import status "$rosters/status.xlsx" --errors "$run/logs/demo-status-errors.csv" 2>/dev/null | head -2 || true
for source in poverty civil; do
  $zizhu import "$source" "$rosters/$source.gbk.csv" --errors "$run/logs/demo-$source-errors.csv" 2>/dev/null | head -2 || true
done
$zizhu --request-id demo-match-run match run --as-of 2026-09-01 >/dev/null || true
$zizhu match summary

# The aid round: the domain page's policy, and a round for 红星小学 in the
# coming spring semester with an application for each of its students (the
# demo's applications file is made from the school's student list).
$zizhu --request-id demo-policy policy load "$root/services/subsidy/policy/default-policy.yaml" >/dev/null 2>&1 || true
demo_round=3121000001/2027-spring
for _ in $(seq 1 50); do  # the subsidy follows the registry: wait until it knows the school
  $zizhu --request-id demo-round-open aid open --school 3121000001 --semester 2027-spring --quota 2 >/dev/null 2>&1 && break
  sleep 0.2
done
applications="$run/logs/demo-applications.csv"
$zizhu --json student list --school 3121000001 --all 2>/dev/null | python3 -c '
import json, sys
print("student_id,stamped_by,stamped_on,scan_ref")
for n, line in enumerate(sys.stdin):
    s = json.loads(line)
    if s.get("status", "") == "ENROLMENT_STATUS_ENROLLED" and n % 3 != 2:
        print("%s,红旗村委会,2026-11-20,scan/2027-spring/%04d.pdf" % (s["student_id"], n))
' > "$applications"
$zizhu aid apply "$demo_round" --file "$applications" >/dev/null 2>&1 || true
$zizhu aid status "$demo_round" || true

# The dropout ledger: a demo pupil of 红星小学 drops out (a case opens by
# itself from the registry's event), gets a team and a visit.
demo_pupil="$($zizhu --json student list --school 3121000001 --all 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    s = json.loads(line)
    if s.get("status", "") == "ENROLMENT_STATUS_ENROLLED":
        print(s["student_id"]); break
')"
if [[ -n "$demo_pupil" ]]; then
  $zizhu --request-id demo-dropout student set-status "$demo_pupil" --status dropped_out --date 2026-11-02 \
    --reason "随父母外出务工" >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do  # the dropout service follows the registry: wait for the case
    $zizhu dropout show "$demo_pupil#1" >/dev/null 2>&1 && break
    sleep 0.2
  done
  $zizhu --request-id demo-dropout-team dropout team "$demo_pupil#1" --teacher 王老师 --cadre 红旗村支书刘某 \
    --guardian 户主1 >/dev/null 2>&1 || true
  $zizhu --request-id demo-dropout-visit dropout visit "$demo_pupil#1" --date 2026-11-05 --by 王老师 --by 刘某 \
    --agreed "家长同意春季开学返校" --next "开学第一周班主任确认到校" >/dev/null 2>&1 || true
fi
$zizhu dropout cases || true

# Pairing: an urban school of the roster sample (registered without --rural)
# pairs with the rural 红星小学 (3121000001); a plan for 2026-2028.
urban="$(tail -n +2 "$rosters/schools.csv" | head -1 | cut -d, -f1)"
for _ in $(seq 1 50); do  # the pairing service follows the registry: wait for the schools
  $zizhu --request-id demo-pair-1 pairing pair --urban "$urban" --rural 3121000001 --start 2026-09-01 \
    >/dev/null 2>&1 && break
  sleep 0.2
done
$zizhu --request-id demo-plan-2026 pairing plan --scope 2101 --name 2026-2028 --from 2026-01-01 --to 2028-12-31 \
  --school-pairs 100 --teacher-pairs 200 --lessons 300 >/dev/null 2>&1 || true
$zizhu pairing progress 2101/2026-2028 || true

# Demo logins for the console, one per role (their password in keys/demo-password).
[[ -f "$run/keys/demo-password" ]] || (umask 077; echo "demo-$(openssl rand -hex 6)" > "$run/keys/demo-password")
demo_password="$(cat "$run/keys/demo-password")"
for account in "demo.school school_operator 3121000001" "demo.reviewer reviewer 3121000001" \
               "demo.county county_officer 210102" "demo.auditor auditor 2101"; do
  read -r login role scope <<< "$account"
  printf '%s\n%s\n' "$demo_password" "$demo_password" | $zizhu account create "$login" --role "$role" --scope "$scope" \
    >/dev/null 2>&1 || true
done

cat <<INFO

zizhu is running (TLS on every gRPC port; CA $run/keys/tls/ca.pem):
  Kafka broker        127.0.0.1:$kafka_port   (TLS, a client certificate per principal: $run/keys/kafka;
                      rights in deploy/kafka/principals.conf; data $run/kafka, log $run/kafka/broker.log)
  identity (gRPC)     127.0.0.1:$identity_port   (accounts, login; log $run/logs/identity.log)
  registry (gRPC)     127.0.0.1:$registry_port   (projection $run/registry, log $run/logs/registry.log)
  subsidy (gRPC)      127.0.0.1:$subsidy_port   (policy, aid rounds; log $run/logs/subsidy.log)
  disbursement (gRPC) 127.0.0.1:$disbursement_port   (funds, payments, bank files; log $run/logs/disbursement.log)
  dropout (gRPC)      127.0.0.1:$dropout_port   (the 三帮一 ledger, rates, left-behind children; log $run/logs/dropout.log)
  pairing (gRPC)      127.0.0.1:$pairing_port   (school pairing, teacher rotation; log $run/logs/pairing.log)
  gateway (HTTPS)     https://127.0.0.1:$gateway_port/   (JSON API, OpenAPI at /api/v1/openapi.json; log $run/logs/gateway.log)
  personal-data key   $run/keys/personal-data.key  (back it up; without it sealed data is unreadable)
  token signing key   $run/keys/token.key (identity only; every service gets $run/keys/token.pub)
  password-hash key   $run/keys/identity-seal.key (identity only; seals the password hashes in its events)
  rotate a Kafka key  ZIZHU_SECRETS=$run/keys deploy/kafka/broker.sh rotate $run/kafka zizhu-registry   (then make run)

The console: https://127.0.0.1:$gateway_port/ (the local CA: $run/keys/tls/ca.pem) — log in as
  admin (city administrator; password: cat $run/keys/admin-password), or with the password in
  $run/keys/demo-password as demo.school (school operator, 3121000001), demo.reviewer (its
  working group), demo.county (county officer, 210102) or demo.auditor (auditor, the city).

Log in (from this directory the CLI finds the CA itself) as the first city administrator:
  $build/tools/zizhu login admin          # password: cat $run/keys/admin-password
Then try:
  $build/tools/zizhu whoami
  $build/tools/zizhu student list --all
  $build/tools/zizhu student list --school 3121000001 --grade 3
  $build/tools/zizhu match list --category not_enrolled
  $build/tools/zizhu account create wang.li --role school_operator --scope 3121000001
  $build/tools/zizhu projection checksum
  $build/tools/zizhu policy show 2026-v1
  $build/tools/zizhu aid status $demo_round
  $build/tools/zizhu aid todo $demo_round          # registered-poor students without an application
  $build/tools/zizhu aid applications $demo_round
  $build/tools/zizhu pay accounts --semester 2027-spring   # payments appear once a round is approved
  $build/tools/zizhu dropout cases                        # the dropout ledger (a demo case is open)
  $build/tools/zizhu dropout rates
  $build/tools/zizhu pairing pairs
  $build/tools/zizhu pairing missed --semester 2026-autumn
  $build/tools/zizhu report monthly --period $(TZ=Asia/Shanghai date +%Y-%m) --scope city --out $run/reports   # XLSX, CSV, JSON; the console lists them
  curl --cacert $run/keys/tls/ca.pem -c /tmp/zz -H 'content-type: application/json' \
    -d "{\"login\":\"admin\",\"password\":\"\$(cat $run/keys/admin-password)\"}" https://127.0.0.1:$gateway_port/api/v1/session
Stop with: make stop
INFO
