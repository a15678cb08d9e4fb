#!/usr/bin/env bash
# semester_by_role.sh: a semester run from outside through the CLI as the
# offices' own roles — a school operator and the working group's reviewer
# (红星小学 3121000001), the county officer (210102), and a school operator of
# another county (3121000301, 210103) — never as the city administrator
# except to set up accounts and to stand in for the family's papers. Part of
# `make test` (ctest cli_semester_roles). What it checks (issue 22):
#   - two single applications of one round both succeed; re-running one
#     changes nothing;
#   - the round as the roles: review within the quota, notice, approval
#     refused before the notice closes, approved after it;
#   - a place given after the notice waits for its own supplementary notice;
#   - a return to school without --school resumes the aid; nobody underpaid;
#   - disqualification after approval stops the entitlement;
#   - payments: funds, batch, bank file, a failed line, the card corrected
#     from the CLI, `pay retry --corrected`;
#   - a transfer to another county recorded by the receiving school's
#     operator; the sending school sees where the pupil went;
#   - the university-admission grant handed to civil affairs: its own
#     account, a batch for 民政局, their confirmation recorded.
# A week of notice passes by restarting the services with their clocks ahead.
# ZIZHU_CLI_KEEP_STACK=1 leaves the stack running afterwards.
set -euo pipefail
umask 077
source "$(dirname "$0")/env.sh"

step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# expect_fail WHAT TEXT CMD...: the command fails and says TEXT.
expect_fail() {
  local what="$1" text="$2"
  shift 2
  local out
  if out="$("$@" 2>&1)"; then fail "$what: succeeded, expected a refusal saying '$text'"; fi
  grep -qF -- "$text" <<< "$out" || fail "$what: refused without '$text': $out"
  echo "refused as expected ($what)"
}
# eventually CMD...: retried for up to 30 s (the services follow each other).
eventually() {
  for _ in $(seq 1 150); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  "$@" || fail "never true: $*"
}
json() {
  local code="$1"
  shift
  python3 -c "import json,sys; $code" "$@"
}

"$root/deploy/local/stack.sh" down > /dev/null 2>&1 || true
rm -rf "$run"
mkdir -p "$run"
if [[ "${ZIZHU_CLI_KEEP_STACK:-}" != 1 ]]; then
  trap '"$root/deploy/local/stack.sh" down >/dev/null 2>&1 || true' EXIT
fi
step "a stack of its own in $run"
"$root/deploy/local/stack.sh" up > "$run/stack.log" 2>&1 || { tail -40 "$run/stack.log"; exit 1; }

password="cli-$(openssl rand -hex 10)"
login_all() {
  ZIZHU_TOKEN_FILE="$run/token-admin" z login admin --password-stdin < "$keys/admin-password" > /dev/null
  for login in cli.school cli.reviewer cli.county cli.recv cli.auditor; do
    echo "$password" | as "$login" login "$login" --password-stdin > /dev/null
  done
}
# The services restart with their clocks HOURS ahead; tokens are issued anew.
clock_ahead() {
  ZIZHU_TESTING_CLOCK_OFFSET_HOURS="$1" "$root/deploy/local/stack.sh" restart-services >> "$run/stack.log" 2>&1 ||
    { tail -20 "$run/stack.log"; exit 1; }
  eventually bash -c "ZIZHU_TOKEN_FILE='$run/token-admin' '$build/tools/zizhu' --ca '$keys/tls/ca.pem' \
    --identity 127.0.0.1:27000 login admin --password-stdin < '$keys/admin-password'"
  login_all
}

step "accounts: the offices' roles"
ZIZHU_TOKEN_FILE="$run/token-admin" z login admin --password-stdin < "$keys/admin-password" > /dev/null
as admin --request-id cli-school-301 school register --code 3121000301 --name 沈河实验小学 --county 210103 \
  --county-name 沈河区 --stages 小学 > /dev/null
as admin --request-id cli-school-univ school register --code 4121000001 --name 省师范大学 --county 210102 \
  --county-name 和平区 --stages 大学 > /dev/null
for account in "cli.school school_operator 3121000001" "cli.reviewer reviewer 3121000001" \
               "cli.county county_officer 210102" "cli.recv school_operator 3121000301" \
               "cli.auditor auditor 210102"; do
  read -r login role scope <<< "$account"
  printf '%s\n%s\n' "$password" "$password" | as admin account create "$login" --role "$role" --scope "$scope" > /dev/null
done
login_all

# Valid national IDs (GB 11643 check digit) for the pupils this run registers.
national_id() {
  python3 -c '
import sys
body = sys.argv[1]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11])' "$1"
}
step "two hardship applicants (not registered-poor) registered by the school"
register() {  # NAME ID17 -> student id
  as cli.school --json student register --name "$1" --national-id "$(national_id "$2")" --school 3121000001 \
    --stage 小学 --grade 3 --class 3班 --boarding --bank-card 6217000010000$((RANDOM % 900000 + 100000)) --phone 13800000000 |
    json 'print(json.loads(sys.stdin.readline())["student_id"])'
}
hardship1="$(register 韩一 21010220170305011)"
hardship2="$(register 韩二 21010220170406022)"
university="$(as admin --json student register --name 许大学 --national-id "$(national_id 21010220070101033)" \
  --school 4121000001 --stage 大学 --grade 1 --categories 建档立卡 --household H210102001 --bank-card 6217000010000777777 |
  json 'print(json.loads(sys.stdin.readline())["student_id"])')"

round=3121000001/2027-spring
step "single applications (issue 22 finding 3): each of the school's uncovered pupils, one by one"
eventually as cli.school aid status "$round"
todo="$(as cli.school --json aid todo "$round" | json '
for l in sys.stdin: print(json.loads(l)["student_id"])')"
[[ -n "$todo" ]] || fail "the demo round has no registered-poor pupil to cover"
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.school --json aid status $round >/dev/null"
for student in $todo "$hardship1" "$hardship2"; do
  eventually as cli.school aid apply "$round" --student "$student" --stamped-by 红旗村委会 --stamped-on 2026-12-01 \
    --scan-ref "scan/$student.pdf"
done
submitted() { as cli.school --json aid status "$round" | json 'print(json.loads(sys.stdin.readline())["submitted"])'; }
before="$(submitted)"
first="$(echo "$todo" | head -1)"
as cli.school aid apply "$round" --student "$first" --stamped-by 红旗村委会 --stamped-on 2026-12-01 \
  --scan-ref "scan/$first.pdf" > /dev/null || fail "re-running a single application failed"
[[ "$(submitted)" == "$before" ]] || fail "re-running a single application changed the round"
echo "applications submitted: $before; the re-run changed nothing"

step "the working group reviews: registered-poor accepted, one hardship place of two used, one refused"
reviews="$run/reviews.csv"
as cli.reviewer --json aid applications "$round" | json '
print("student_id,decision,tier,reason")
for l in sys.stdin:
    a = json.loads(l)
    if a["state"] != "APPLICATION_STATE_SUBMITTED": continue
    sid = a["application"]["student_id"]
    if sid == sys.argv[1]: print("%s,reject,0,家庭收入超过认定标准" % sid)
    else: print("%s,accept,1," % sid)' "$hardship2" > "$reviews"
as cli.reviewer aid review "$round" --reviewers 李老师,王书记,赵主任 --file "$reviews" > /dev/null
expect_fail "a school operator reviewing" "" as cli.school aid review "$round" --reviewers 某人 --student "$hardship2" --accept
as cli.school aid notice "$round" > /dev/null
expect_fail "approval during the notice" "公示期内不能批复" as cli.county aid approve "$round"

step "a week later (clocks +192 h): the county approves"
clock_ahead 192
as cli.county aid approve "$round" | tee "$run/approve.txt"
entitlements() {  # STUDENT -> the entitlement's state
  as cli.county --json aid entitlements --semester 2027-spring --student "$1" |
    json 'l = sys.stdin.readline(); print(json.loads(l).get("state", "") if l else "")'
}
[[ "$(entitlements "$hardship1")" == ENTITLEMENT_STATE_ACCRUING ]] || fail "hardship pupil 1 has no entitlement"

step "the place given after the notice waits for a supplementary notice (finding 2)"
as cli.reviewer aid review "$round" --reviewers 李老师,王书记,赵主任 --student "$hardship2" --accept --tier 1 > /dev/null
as cli.school aid status "$round" | grep -F "待补充公示" || fail "the round does not show who waits for a notice"
expect_fail "approval of an addition never on a notice" "尚未公示：$hardship2" \
  as cli.county aid approve "$round"
as cli.school aid notice "$round" | grep -F "supplementary notice closes" || fail "no supplementary notice"
expect_fail "approval during the supplementary notice" "补充公示期至" as cli.county aid approve "$round"

step "a return to school without --school resumes the aid (finding 1)"
returning="$(echo "$todo" | tail -1)"
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json aid entitlements --semester 2027-spring \
  --student $returning | grep -q ACCRUING"
as cli.school student set-status "$returning" --status dropped_out --date 2026-12-10 --reason 辍学 > /dev/null
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json aid entitlements --semester 2027-spring \
  --student $returning | grep -q STOPPED"
as cli.school student set-status "$returning" --status enrolled --date 2026-12-14 --reason 劝返复学 > /dev/null
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json aid entitlements --semester 2027-spring \
  --student $returning | grep -q ACCRUING"
underpaid="$(as cli.county --json aid underpaid --semester 2027-spring --county 210102 | wc -l)"
[[ "$underpaid" == 0 ]] || fail "$underpaid pupils underpaid"
as cli.county aid underpaid --semester 2027-spring --county 210102
# The county's remedy for a stop never undone (old events) is refused when nothing is stopped.
expect_fail "resuming an accruing entitlement" "只有已停发的资助才能恢复" \
  as cli.county aid resume "$round" --student "$returning" --date 2026-12-14 --reason 复学

step "disqualification after approval"
disqualified="$(echo "$todo" | head -1)"
as cli.school aid disqualify "$round" --student "$disqualified" --reason wasted_aid --note "校纪处分决定 2026-31号" \
  --date 2026-12-14 > /dev/null
[[ "$(entitlements "$disqualified")" == ENTITLEMENT_STATE_DISQUALIFIED ]] || fail "the disqualified pupil still accrues"

step "payments: funds, a batch per source, the bank's return with a failed card, corrected from the CLI (finding 4)"
sources="$(as cli.county --json aid totals --semester 2027-spring --county 210102 |
  json 'r = json.loads(sys.stdin.readline())
for p in r["totals"]["payable_shares"]:
    s = p["source"].replace("FUND_SOURCE_", "").lower()
    if s != "civil_affairs": print(s)')"
[[ -n "$sources" ]] || fail "no fund source to pay from"
failed_payment=""
for source in $sources; do
  account=(--county 210102 --source "$source" --semester 2027-spring)
  as cli.county pay allocate "${account[@]}" --yuan 100000 --document "财教〔2027〕$source" > /dev/null
  eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json pay payments ${account[*]} --state pending | grep -q ."
  as cli.county pay batch "${account[@]}" --batch-id "2027S-210102-$source-1" --bank 农商银行 > /dev/null
  as cli.county pay export "${account[@]}" --batch-id "2027S-210102-$source-1" --out "$run/bank-$source.csv" \
    --encoding utf-8 > /dev/null
  # The bank pays every line but the first of the first batch (a closed card).
  python3 - "$run/bank-$source.csv" "$run/return-$source.csv" "${failed_payment:+x}" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8")) if r and r[0] not in ("参考号", "合计")]
out = csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""))
out.writerow(["参考号", "结果", "金额", "原因"])
total = 0
for i, r in enumerate(rows):
    fen = round(float(r[3]) * 100)
    total += fen
    failed = i == 0 and not sys.argv[3]
    out.writerow([r[0], "失败" if failed else "成功", r[3], "账户已销户" if failed else ""])
out.writerow(["合计", len(rows), "%d.%02d" % (total // 100, total % 100), ""])
PY
  as cli.county pay return "${account[@]}" --batch-id "2027S-210102-$source-1" "$run/return-$source.csv"
  if [[ -z "$failed_payment" ]]; then
    failed_source="$source"
    failed_payment="$(as cli.county --json pay payments "${account[@]}" --state failed |
      json 'print(json.loads(sys.stdin.readline())["payment_id"])')"
  fi
done
failed_student="$(as cli.county --json pay payments --county 210102 --source "$failed_source" --semester 2027-spring \
  --state failed | json 'print(json.loads(sys.stdin.readline())["student_id"])')"
as cli.school student update "$failed_student" --bank-card 6228480010000888881 > /dev/null
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json pay payments --county 210102 \
  --source $failed_source --semester 2027-spring --state failed | grep -q '\"card_corrected\":true'"
as cli.county pay retry --county 210102 --source "$failed_source" --semester 2027-spring --corrected \
  --note "家长更换一卡通" | tee "$run/retry.txt"
grep -qF "retried 1 payments" "$run/retry.txt" || fail "the corrected card's payment was not retried"

step "a transfer to another county, recorded by the receiving school (finding 6)"
moving="$(as cli.school --json aid applications "$round" | json '
for l in sys.stdin:
    a = json.loads(l)
    if a["state"] == "APPLICATION_STATE_APPROVED" and a["application"]["student_id"] not in sys.argv[1:]:
        print(a["application"]["student_id"]); break' $todo "$hardship1" "$hardship2")"
[[ -n "$moving" ]] || fail "no approved pupil to transfer"
moving_id="$(as admin --json student get "$moving" --reveal --reason "转学联系函核对（测试代家长出示）" |
  json 'print(json.loads(sys.stdin.readline())["national_id"]["clear"])')"
# The county's auditor finds that reveal in the audit, from the CLI as in the console.
as cli.auditor audit reveals --student "$moving" | grep -qF "转学联系函核对" ||
  fail "the auditor does not see the reveal in 'zizhu audit reveals'"
expect_fail "a school operator reading the audit" "无权查阅审计记录" as cli.school audit reveals
expect_fail "the receiving school changing the status" "不存在，或不在您的管辖范围内" \
  as cli.recv student set-status "$moving" --status enrolled --school 3121000301 --date 2026-12-14 --reason 转入
as cli.recv student transfer-in --national-id "$moving_id" --school 3121000301 --date 2026-12-14 \
  --evidence "转学联系函 红星小学 2026-17" --class 2班 > /dev/null
as cli.school --json student list --left --all | grep -F "$moving" | grep -qF 3121000301 ||
  fail "the sending school does not see where the pupil went"
expect_fail "the sending school reading the pupil who left" "不存在，或不在您的管辖范围内" \
  as cli.school student get "$moving"
# The same refusal in English when asked for (--lang en; the reason's words, from libs/reasons).
expect_fail "the same refusal in English" "not found" as cli.school --lang en student get "$moving"
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json aid entitlements --semester 2027-spring \
  --student $moving | grep -q STOPPED"

step "the university-admission grant, handed to civil affairs"
uround=4121000001/2027-spring
eventually as admin aid open --school 4121000001 --semester 2027-spring --quota 0
as admin aid apply "$uround" --student "$university" --stamped-by 红旗村委会 --stamped-on 2026-12-01 \
  --scan-ref scan/univ.pdf > /dev/null
as admin aid review "$uround" --reviewers 李老师 --student "$university" --accept --tier 1 > /dev/null
as admin aid notice "$uround" > /dev/null

step "another week (clocks +384 h): the supplementary notice has run; the grant list goes to civil affairs"
clock_ahead 384
as cli.county aid approve "$round" | tee -a "$run/approve.txt"
[[ "$(entitlements "$hardship2")" == ENTITLEMENT_STATE_ACCRUING ]] || fail "the addition was not approved"
as cli.county aid approve "$uround" > /dev/null
civil=(--county 210102 --source civil_affairs --semester 2027-spring)
as cli.county pay allocate "${civil[@]}" --yuan 1000 --document "民发〔2027〕3号" > /dev/null
eventually bash -c "source '$root/tests/cli/env.sh'; as cli.county --json pay payments ${civil[*]} --state pending | grep -q ."
as cli.county pay batch "${civil[@]}" --batch-id 2027S-210102-MZ-1 --bank 民政局 > /dev/null
as cli.county pay export "${civil[@]}" --batch-id 2027S-210102-MZ-1 --out "$run/civil.csv" --encoding utf-8 > /dev/null
grep -qF 500.00 "$run/civil.csv" || fail "the civil-affairs list does not carry the half-year 500.00: $(cat "$run/civil.csv")"
python3 - "$run/civil.csv" "$run/civil-return.csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8")) if r and r[0] not in ("参考号", "合计")]
out = csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""))
out.writerow(["参考号", "结果", "金额", "原因"])
for r in rows: out.writerow([r[0], "成功", r[3], ""])
total = sum(round(float(r[3]) * 100) for r in rows)
out.writerow(["合计", len(rows), "%d.%02d" % (total // 100, total % 100), ""])
PY
as cli.county pay return "${civil[@]}" --batch-id 2027S-210102-MZ-1 "$run/civil-return.csv" | tee "$run/civil-paid.txt"
grep -qF "1 paid (500.00 yuan)" "$run/civil-paid.txt" || fail "civil affairs' confirmation was not recorded"

step "reports: a school operator asking for the city's report is told which one it reads (the code printed, exit 2)"
report=(report monthly --period "$(TZ=Asia/Shanghai date +%Y-%m)" --kafka 127.0.0.1:29092
  --kafka-config "$keys/kafka/zizhu-report.properties" --token-public-key "$keys/token.pub" --out "$run/reports")
refused_rc() {  # refused_rc WHAT RC TEXT... -- CMD...: exits RC and says every TEXT
  local what="$1" want="$2" out rc
  shift 2
  local texts=()
  while [[ "$1" != -- ]]; do texts+=("$1"); shift; done
  shift
  set +e
  out="$(cd "$root" && "$@" 2>&1)"
  rc=$?
  set -e
  [[ "$rc" == "$want" ]] || fail "$what: exit $rc, expected $want: $out"
  for text in "${texts[@]}"; do grep -qF -- "$text" <<< "$out" || fail "$what: no '$text' in: $out"; done
  echo "refused as expected ($what)"
}
refused_rc "the city report as a school" 2 PERMISSION_DENIED "可查阅本校报表" "--scope school --school 3121000001" -- \
  as cli.school "${report[@]}" --scope city
refused_rc "its county's report as a school" 2 PERMISSION_DENIED "可查阅本校报表" -- \
  as cli.school "${report[@]}" --scope county --county 210102
refused_rc "a report of a month not begun" 2 INVALID_ARGUMENT "只能编制已开始期间的报表" -- \
  as cli.county report monthly --period 2099-01 --scope county --county 210102 --kafka 127.0.0.1:29092 \
  --kafka-config "$keys/kafka/zizhu-report.properties" --token-public-key "$keys/token.pub" --out "$run/reports"

echo
echo "cli_semester_roles: every check held"
