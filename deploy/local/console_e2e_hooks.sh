#!/usr/bin/env bash
# console_e2e_hooks.sh: what the console's browser walk asks of its stack
# (run by the Playwright tests; the environment is console_e2e.sh's).
#   week     a week of public notice passes: the six services restart with
#            their clocks 192 hours ahead (--testing-clock-offset-hours)
#   report   this month's county report of 210102, as of the services' clock,
#            into the gateway's report directory
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
run="${ZIZHU_RUN_DIR:?run by console_e2e.sh}"
offset_hours=192
case "${1:-}" in
  week)
    ZIZHU_TESTING_CLOCK_OFFSET_HOURS=$offset_hours "$root/deploy/local/stack.sh" restart-services \
      >> "$run/stack.log" 2>&1 || { tail -20 "$run/stack.log"; exit 1; } ;;
  report)
    keys="$run/keys"
    export ZIZHU_TOKEN_FILE="$run/e2e-admin-token"
    "$build/tools/zizhu" --ca "$keys/tls/ca.pem" --identity "127.0.0.1:${ZIZHU_IDENTITY_PORT:?}" \
      login admin --password-stdin < "$keys/admin-password" > /dev/null
    month="$(TZ=Asia/Shanghai date -d "+$offset_hours hours" +%Y-%m)"
    (cd "$root" && "$build/tools/zizhu" --ca "$keys/tls/ca.pem" --identity "127.0.0.1:${ZIZHU_IDENTITY_PORT:?}" \
      report monthly --period "$month" --scope county --county 210102 --testing-clock-offset-hours "$offset_hours" \
      --kafka "127.0.0.1:${ZIZHU_KAFKA_PORT:?}" --kafka-config "$keys/kafka/zizhu-report.properties" \
      --token-public-key "$keys/token.pub" --out "$run/reports") \
      >> "$run/reports.log" 2>&1 || { tail -20 "$run/reports.log"; exit 1; }
    echo "$month" ;;
  *) echo "usage: $0 week|report" >&2; exit 2 ;;
esac
