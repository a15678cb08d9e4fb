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

# start_registry BUILD_DIR REGISTRY_PORT KAFKA_PORT DATA_DIR LOG_FILE PID_FILE [extra flags...]
# Starts zizhu-registry in the background (projection in DATA_DIR/projection,
# key DATA_KEY_FILE or DATA_DIR/key) and waits until it answers; fails with the
# log's tail when it exits or does not answer within 60 s.
start_registry() {
  local build="$1" port="$2" kafka_port="$3" data="$4" log="$5" pidfile="$6"
  shift 6
  nohup "$build/services/registry/zizhu-registry" --listen "127.0.0.1:$port" --data-dir "$data/projection" \
    --key-file "${REGISTRY_KEY_FILE:-$data/key}" --create-key-if-missing --kafka-bootstrap "127.0.0.1:$kafka_port" \
    "$@" > "$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 300); do
    "$build/tools/zizhu" --server "127.0.0.1:$port" --timeout-ms 1000 health >/dev/null 2>&1 && return 0
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "registry exited; see $log" >&2; tail -20 "$log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "registry did not answer on 127.0.0.1:$port within 60 s; see $log" >&2
  return 1
}
