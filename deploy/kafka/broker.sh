#!/usr/bin/env bash
# Runs a single-node Apache Kafka broker (KRaft, broker+controller in one
# process) on loopback, from the jars fetched by fetch.sh.
#
#   broker.sh start <data-dir> <port> [<controller-port>]   format if new, start, wait until it answers
#   broker.sh stop  <data-dir>                               stop the broker started there
#
# Environment: KAFKA_HEAP (default 512m), KAFKA_START_TIMEOUT (seconds, default 60).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop <data-dir> [port] [controller-port]" >&2; exit 2; }

source "$here/../lib.sh"
stop_broker() { stop_pid "$dir/broker.pid"; }

case "$cmd" in
  stop) stop_broker; exit 0 ;;
  start) ;;
  *) echo "unknown command '$cmd' (start or stop)" >&2; exit 2 ;;
esac

port="${3:?port required}"
ctrl="${4:-$((port + 1))}"
"$here/fetch.sh"
mkdir -p "$dir/data"
dir="$(cd "$dir" && pwd)"
cp_arg="$here/libs/*"
java_opts=(-Xmx"${KAFKA_HEAP:-512m}" -Xms128m -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$here/log4j2.yaml")

cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$ctrl
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
log.flush.interval.messages=9223372036854775807
PROPS

if [[ ! -f "$dir/data/meta.properties" ]]; then
  cluster_id="$(java -cp "$cp_arg" kafka.tools.StorageTool random-uuid)"
  java -cp "$cp_arg" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$dir/server.properties" --standalone > "$dir/format.log" 2>&1 \
    || { cat "$dir/format.log" >&2; exit 1; }
fi

stop_broker
nohup java -cp "$cp_arg" "${java_opts[@]}" kafka.Kafka "$dir/server.properties" > "$dir/broker.log" 2>&1 &
echo $! > "$dir/broker.pid"

deadline=$(( $(date +%s) + ${KAFKA_START_TIMEOUT:-60} ))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
    echo "kafka broker exited during start-up; last log lines:" >&2; tail -30 "$dir/broker.log" >&2; exit 1
  fi
  if (( $(date +%s) > deadline )); then
    echo "kafka broker did not answer on 127.0.0.1:$port in time" >&2; tail -30 "$dir/broker.log" >&2; exit 1
  fi
  sleep 0.2
done
echo "kafka broker up on 127.0.0.1:$port (data in $dir, pid $(cat "$dir/broker.pid"))"
