#!/usr/bin/env bash
# run-report.sh monthly|quarterly|half-year [PERIOD]
# Makes the city report of the period before today (China time) unless
# PERIOD is given, in Chinese and English, into $ZIZHU_REPORT_DIR/<period>/.
# Settings (environment, e.g. /etc/zizhu/report.env): ZIZHU_KAFKA,
# ZIZHU_KAFKA_CONFIG (the zizhu-report principal's Kafka settings, 0600),
# ZIZHU_IDENTITY, ZIZHU_CA (the identity service, asked whether the token stands),
# ZIZHU_TOKEN_FILE (a report job's service token), ZIZHU_TOKEN_PUBLIC_KEY,
# ZIZHU_REPORT_DIR, ZIZHU_TARGETS, ZIZHU_PAIRING_RULES, ZIZHU_BIN (zizhu CLI).
# Safe to re-run: the same point gives the same files; a locked period is
# made at its lock; files are written to a temporary name and renamed.
set -euo pipefail
kind="${1:?monthly, quarterly or half-year}"
period="${2:-}"
if [[ -z "$period" ]]; then
  year=$(TZ=Asia/Shanghai date +%Y)
  month=$(TZ=Asia/Shanghai date +%-m)
  case "$kind" in
    monthly)   if (( month == 1 )); then period="$((year - 1))-12"; else period=$(printf "%d-%02d" "$year" $((month - 1))); fi ;;
    quarterly) q=$(( (month - 1) / 3 )); if (( q == 0 )); then period="$((year - 1))-Q4"; else period="$year-Q$q"; fi ;;
    half-year) if (( month <= 6 )); then period="$((year - 1))-H2"; else period="$year-H1"; fi ;;
    *) echo "run-report.sh: unknown kind '$kind'" >&2; exit 1 ;;
  esac
fi
out="${ZIZHU_REPORT_DIR:-/var/lib/zizhu/reports}/$period"
mkdir -p "$out"
bin="${ZIZHU_BIN:-zizhu}"
common=(--period "$period" --scope city --out "$out")
[[ -n "${ZIZHU_TARGETS:-}" ]] && common+=(--targets "$ZIZHU_TARGETS")
[[ -n "${ZIZHU_PAIRING_RULES:-}" ]] && common+=(--pairing-rules "$ZIZHU_PAIRING_RULES")
"$bin" report "$kind" "${common[@]}"
"$bin" report "$kind" "${common[@]}" --english
