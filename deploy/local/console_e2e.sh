#!/usr/bin/env bash
# console_e2e.sh: the console's browser tests (part of `make test`).
# Builds the console (npm ci, vue-tsc, vite build), starts a demo stack of its own in
# .run/e2e on other ports (17000-17005, Kafka 19092, gateway 18443), makes a
# school operator and a reviewer (3121000001) and a county officer (210102), runs the
# Playwright tests with Debian's Chromium, and stops the stack. The walk
# (e2e/walk.spec.ts) lets the week of public notice pass by restarting the
# services with their clocks ahead (console_e2e_hooks.sh). Screenshots go to
# services/gateway/console/test-results/. Arguments go to Playwright (e.g. e2e/walk.spec.ts).
set -euo pipefail
umask 077  # the demo stack's keys, logs and reports are private
root="$(cd "$(dirname "$0")/../.." && pwd)"
console="$root/services/gateway/console"
build="${BUILD_DIR:-$root/build}"

echo "console: npm ci, vue-tsc and vite build"
(cd "$console" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npm run --silent build -- --logLevel warn)

export BUILD_DIR="$build" ZIZHU_RUN_DIR="$root/.run/e2e"
export ZIZHU_KAFKA_PORT=19092 ZIZHU_KAFKA_CONTROLLER_PORT=19093 ZIZHU_IDENTITY_PORT=17000 ZIZHU_REGISTRY_PORT=17001 \
  ZIZHU_SUBSIDY_PORT=17002 ZIZHU_DISBURSEMENT_PORT=17003 ZIZHU_DROPOUT_PORT=17004 ZIZHU_PAIRING_PORT=17005 \
  ZIZHU_GATEWAY_PORT=18443
"$root/deploy/local/stack.sh" down >/dev/null 2>&1 || true
rm -rf "$ZIZHU_RUN_DIR"
mkdir -p "$ZIZHU_RUN_DIR"
trap '"$root/deploy/local/stack.sh" down >/dev/null 2>&1 || true' EXIT
echo "console: starting a demo stack in $ZIZHU_RUN_DIR"
if ! "$root/deploy/local/stack.sh" up > "$ZIZHU_RUN_DIR/stack.log" 2>&1; then
  tail -40 "$ZIZHU_RUN_DIR/stack.log"
  exit 1
fi

keys="$ZIZHU_RUN_DIR/keys"
password="e2e-$(openssl rand -hex 12)"
zizhu=("$build/tools/zizhu" --ca "$keys/tls/ca.pem" --identity 127.0.0.1:17000 --server 127.0.0.1:17001)
export ZIZHU_TOKEN_FILE="$ZIZHU_RUN_DIR/e2e-admin-token"
"${zizhu[@]}" login admin --password-stdin < "$keys/admin-password" > /dev/null
printf '%s\n%s\n' "$password" "$password" | "${zizhu[@]}" account create e2e.school --role school_operator --scope 3121000001 > /dev/null
printf '%s\n%s\n' "$password" "$password" | "${zizhu[@]}" account create e2e.county --role county_officer --scope 210102 > /dev/null
printf '%s\n%s\n' "$password" "$password" | "${zizhu[@]}" account create e2e.reviewer --role reviewer --scope 3121000001 > /dev/null
printf '%s\n%s\n' "$password" "$password" | "${zizhu[@]}" account create e2e.auditor --role auditor --scope 210102 > /dev/null
# Callers of other scopes for the access table (e2e/access.spec.ts): another school of the
# county, a school, its working group, the officer and an auditor of another county.
for account in "other.school2 school_operator 3121000002" "other.school3 school_operator 3121000003" \
               "other.reviewer reviewer 3121000003" "other.county county_officer 210103" "other.auditor auditor 210103"; do
  read -r login role scope <<< "$account"
  printf '%s\n%s\n' "$password" "$password" | "${zizhu[@]}" account create "$login" --role "$role" --scope "$scope" > /dev/null
done

# This month's reports (the console lists each operator's own).
month="$(TZ=Asia/Shanghai date +%Y-%m)"
report=("$build/tools/zizhu" --ca "$keys/tls/ca.pem" --identity 127.0.0.1:17000 report monthly --period "$month"
        --kafka 127.0.0.1:19092 --token-public-key "$keys/token.pub"
        --kafka-config "$keys/kafka/zizhu-report.properties"
        --out "$ZIZHU_RUN_DIR/reports")
if ! (cd "$root" && "${report[@]}" --scope city && "${report[@]}" --scope county --county 210102 &&
       "${report[@]}" --scope county --county 210103) > "$ZIZHU_RUN_DIR/reports.log" 2>&1; then
  tail -20 "$ZIZHU_RUN_DIR/reports.log"
  exit 1
fi

echo "console: Playwright (Chromium headless)"
cd "$console"
ZIZHU_CONSOLE_URL="https://127.0.0.1:18443" ZIZHU_E2E_PASSWORD="$password" ZIZHU_E2E_ADMIN_PASSWORD="$(cat "$keys/admin-password")" \
  ZIZHU_E2E_HOOKS="$root/deploy/local/console_e2e_hooks.sh" npx playwright test "$@"
