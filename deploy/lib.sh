# Shell helpers shared by the deploy scripts (source it).

# stop_pid PIDFILE: TERM the process named in PIDFILE, wait up to 10 s, then KILL.
stop_pid() {
  local pidfile="$1"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# security_setup SECRETS_DIR: what the services and the CLI need to trust
# each other, made once and kept: SECRETS_DIR/tls (a local CA, the servers'
# and a client certificate; deploy/tls.sh) and SECRETS_DIR/admin-password
# (0600, the bootstrap city administrator's). The identity service creates
# its token key pair (SECRETS_DIR/token.key, token.pub) on first start.
# Exports ZIZHU_SECRETS and ZIZHU_CA (the CLI's trust) and ZIZHU_TOKEN_FILE.
security_setup() {
  local secrets="$1"
  mkdir -p "$secrets"; chmod 700 "$secrets"
  bash "$(dirname "${BASH_SOURCE[0]}")/tls.sh" "$secrets/tls"
  if [[ ! -f "$secrets/admin-password" ]]; then
    (umask 077; openssl rand -base64 18 > "$secrets/admin-password")
  fi
  export ZIZHU_SECRETS="$secrets" ZIZHU_CA="$secrets/tls/ca.pem" ZIZHU_TOKEN_FILE="$secrets/cli-token"
}

# start_service NAME BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# Starts zizhu-NAME in the background with TLS (ZIZHU_SECRETS/tls), its own
# Kafka principal zizhu-NAME (ZIZHU_SECRETS/kafka, made by deploy/kafka/broker.sh) and the
# identity service's token public key, serving city ZIZHU_CITY (2101),
# projection in DATA_DIR/projection;
# waits until it answers its health check; fails with the log's tail when it
# exits or does not answer within 60 s. ZIZHU_TESTING_CLOCK_OFFSET_HOURS (tests
# only: the console's browser tests let a week of public notice pass) runs its
# clock that many hours ahead.
start_service() {
  local name="$1" build="$2" port="$3" kafka_port="$4" data="$5" log="$6" pidfile="$7"
  shift 7
  if [[ -n "${ZIZHU_TESTING_CLOCK_OFFSET_HOURS:-}" ]]; then
    set -- "$@" --testing-clock-offset-hours "$ZIZHU_TESTING_CLOCK_OFFSET_HOURS"
  fi
  nohup "$build/services/$name/zizhu-$name" --listen "127.0.0.1:$port" --data-dir "$data/projection" \
    --kafka-bootstrap "127.0.0.1:$kafka_port" --kafka-config "$ZIZHU_SECRETS/kafka/zizhu-$name.properties" \
    --tls-cert "$ZIZHU_SECRETS/tls/server.pem" \
    --tls-key "$ZIZHU_SECRETS/tls/server.key" --token-public-key "$ZIZHU_SECRETS/token.pub" \
    --city "${ZIZHU_CITY:-2101}" \
    "$@" > "$log" 2>&1 &
  echo $! > "$pidfile"
  wait_until_answers "$name" "127.0.0.1:$port" "$pidfile" "$log" \
    "$build/tools/zizhu" --server "127.0.0.1:$port" --timeout-ms 1000 health
}

# wait_until_answers NAME ADDRESS PID_FILE LOG_FILE COMMAND...: polls COMMAND
# every 0.2 s until it succeeds (OK) or the process exits or 60 s pass (the
# log's tail, and 1).
wait_until_answers() {
  local name="$1" address="$2" pidfile="$3" log="$4"
  shift 4
  for _ in $(seq 1 300); do
    "$@" >/dev/null 2>&1 && return 0
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name exited; see $log" >&2; tail -20 "$log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "$name did not answer on $address within 60 s; see $log" >&2
  return 1
}

# start_identity BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE: the
# identity service, creating its token key pair, its own key that seals the
# password hashes in its events (ZIZHU_SECRETS/identity-seal.key) and the
# bootstrap city administrator "admin" of city 2101 on first start.
start_identity() {
  start_service identity "$1" "$2" "$3" "$4" "$5" "$6" \
    --token-signing-key "$ZIZHU_SECRETS/token.key" --create-token-key-if-missing \
    --key-file "$ZIZHU_SECRETS/identity-seal.key" --create-key-if-missing --trusted-proxies ipv4:127.0.0.1 \
    --bootstrap-admin admin --bootstrap-city 2101 --bootstrap-password-file "$ZIZHU_SECRETS/admin-password"
}

# start_registry BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# (personal-data key REGISTRY_KEY_FILE or DATA_DIR/key, created on first start).
start_registry() {
  local build="$1" port="$2" kafka_port="$3" data="$4" log="$5" pidfile="$6"
  shift 6
  start_service registry "$build" "$port" "$kafka_port" "$data" "$log" "$pidfile" \
    --key-file "${REGISTRY_KEY_FILE:-$data/key}" --create-key-if-missing "$@"
}

# start_subsidy BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# (follows the registry's topic; no key of its own: it holds masked copies only).
start_subsidy() {
  start_service subsidy "$@"
}

# start_disbursement BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# (follows the subsidy and the registry; opens bank cards with the registry's
# personal-data key REGISTRY_KEY_FILE to write bank files).
start_disbursement() {
  local build="$1" port="$2" kafka_port="$3" data="$4" log="$5" pidfile="$6"
  shift 6
  start_service disbursement "$build" "$port" "$kafka_port" "$data" "$log" "$pidfile" \
    --key-file "${REGISTRY_KEY_FILE:-$data/key}" "$@"
}

# start_dropout BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# (follows the registry; seals left-behind children's phones with the
# registry's personal-data key REGISTRY_KEY_FILE; targets file
# services/dropout/policy/targets.yaml unless --targets is given).
start_dropout() {
  local build="$1" port="$2" kafka_port="$3" data="$4" log="$5" pidfile="$6"
  shift 6
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  start_service dropout "$build" "$port" "$kafka_port" "$data" "$log" "$pidfile" \
    --key-file "${REGISTRY_KEY_FILE:-$data/key}" --targets "$root/services/dropout/policy/targets.yaml" "$@"
}

# start_pairing BUILD_DIR PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# (follows the registry's schools; rules file services/pairing/policy/rules.yaml).
start_pairing() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  start_service pairing "$@" --rules "$root/services/pairing/policy/rules.yaml"
}

# login_admin BUILD_DIR IDENTITY_PORT: logs the CLI in as the bootstrap
# administrator (token in ZIZHU_TOKEN_FILE).
login_admin() {
  "$1/tools/zizhu" --identity "127.0.0.1:$2" login admin --password-stdin < "$ZIZHU_SECRETS/admin-password" >/dev/null
}

# start_gateway BUILD_DIR PORT LOG_FILE PID_FILE SERVICE_PORTS... REPORTS_DIR [KAFKA_PORT]: the
# HTTPS gateway (same certificate as the services) in front of identity,
# registry, subsidy, disbursement, dropout and pairing (their ports, in that
# order), serving the console from services/gateway/console/dist when it is
# built and the report files of REPORTS_DIR (made from the console too when
# KAFKA_PORT is given); waits until it answers.
start_gateway() {
  local build="$1" port="$2" log="$3" pidfile="$4"
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local console=()
  [[ -f "$root/services/gateway/console/dist/index.html" ]] && console=(--console-dir "$root/services/gateway/console/dist")
  # The console's report runs call the CLI as the operator (report_runs.h): the
  # report principal's Kafka client and the token key; Kafka on port ${12}.
  local reports=()
  if [[ -n "${12:-}" && -f "$ZIZHU_SECRETS/kafka/zizhu-report.properties" ]]; then
    reports=(--report-cli "$build/tools/zizhu" --report-cli-global "--ca $ZIZHU_CA --identity 127.0.0.1:$5"
      --report-cli-args "--kafka 127.0.0.1:${12} --kafka-config $ZIZHU_SECRETS/kafka/zizhu-report.properties --token-public-key $ZIZHU_SECRETS/token.pub --targets $root/services/dropout/policy/targets.yaml --pairing-rules $root/services/pairing/policy/rules.yaml")
  fi
  nohup "$build/services/gateway/zizhu-gateway" --host 127.0.0.1 --port "$port" \
    --tls-cert "$ZIZHU_SECRETS/tls/server.pem" --tls-key "$ZIZHU_SECRETS/tls/server.key" --ca "$ZIZHU_CA" \
    --identity "127.0.0.1:$5" --registry "127.0.0.1:$6" --subsidy "127.0.0.1:$7" --disbursement "127.0.0.1:$8" \
    --dropout "127.0.0.1:$9" --pairing "127.0.0.1:${10}" --reports-dir "${11}" \
    --upload-dir "$(dirname "${11}")/gateway-uploads" "${console[@]}" "${reports[@]}" > "$log" 2>&1 &
  echo $! > "$pidfile"
  wait_until_answers gateway "https://127.0.0.1:$port" "$pidfile" "$log" \
    curl -sf --cacert "$ZIZHU_CA" "https://127.0.0.1:$port/api/v1/openapi.json"
}
