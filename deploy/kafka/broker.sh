#!/usr/bin/env bash
# Runs a single-node Apache Kafka broker (KRaft, broker+controller in one
# process) on loopback, from the jars fetched by fetch.sh — authenticated and
# authorised: no listener accepts an unauthenticated client.
#
#   broker.sh start  <data-dir> <port> [<controller-port> [<internal-port>]]
#                    make what is missing (credentials, keystore), format if new,
#                    start, wait until it answers, bring the ACLs in line with
#                    principals.conf
#   broker.sh stop   <data-dir>                stop the broker started there
#   broker.sh rotate <data-dir> <principal>    a new key for one principal; its old key
#                    loses every right at once (restart that principal's processes)
#
# Listeners (all on 127.0.0.1):
#   <port>           CLIENTS: TLS with client certificates — every service and job,
#                    each as its own principal (principals.conf; the certificate's
#                    CN "<principal>.g<generation>"). Mutual TLS rather than SCRAM:
#                    Debian 12's librdkafka 2.0.2 cannot log in with SCRAM to a Kafka
#                    4 broker (fixed in librdkafka 2.6.1, confluentinc/librdkafka#4895).
#   <controller-port> CONTROLLER: TLS with client certificates (the broker itself)
#   <internal-port>  INTERNAL: TLS with client certificates, the broker's own principal
#                    zizhu-broker (the only super user): replication and administration
#                    (users, ACLs), never for services. Defaults: port+1, port+2.
# Authorisation: the KRaft StandardAuthorizer; nothing is allowed without an ACL.
#
# Environment:
#   ZIZHU_SECRETS (required): a directory made by deploy/lib.sh's security_setup (its tls/
#     has the local CA and deploy/tls.sh's kafka-broker certificate). Credentials go to
#     ZIZHU_SECRETS/kafka: <principal>.key, .pem and .properties (the librdkafka settings
#     naming them; give each process its own with --kafka-config), 0600.
#   ZIZHU_KAFKA_EXTRA_PRINCIPALS: further principals files (tests, benchmarks), space-separated.
#   KAFKA_HEAP (default 512m), KAFKA_START_TIMEOUT (seconds, default 60).
set -euo pipefail
umask 077
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop|rotate <data-dir> ..." >&2; exit 2; }

source "$here/../lib.sh"
stop_broker() { stop_pid "$dir/broker.pid"; }

case "$cmd" in
  stop) stop_broker; exit 0 ;;
  start|rotate) ;;
  *) echo "unknown command '$cmd' (start, stop or rotate)" >&2; exit 2 ;;
esac

secrets="${ZIZHU_SECRETS:?ZIZHU_SECRETS must name the secrets directory (deploy/lib.sh security_setup)}"
secrets="$(cd "$secrets" && pwd)"
tls="$secrets/tls"
creds="$secrets/kafka"
[[ -f "$tls/kafka-broker.pem" ]] || bash "$here/../tls.sh" "$tls" >/dev/null
mkdir -p "$creds"; chmod 700 "$creds"
cp_arg="$here/libs/*"
java_opts=(-Xmx"${KAFKA_HEAP:-512m}" -Xms128m -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$here/log4j2.yaml")

# The principals files: name, writes, reads (comments and blank lines skipped).
principal_files=("$here/principals.conf")
for extra in ${ZIZHU_KAFKA_EXTRA_PRINCIPALS:-}; do principal_files+=("$extra"); done
principals() { grep -hv '^\s*\(#\|$\)' "${principal_files[@]}" | awk '{print $1}'; }

# Each principal's credential: a key and a certificate from the local CA,
# subject "/O=zizhu kafka/CN=<principal>.g<generation>" — the broker maps it
# to the Kafka principal "<principal>.g<generation>", and the ACLs name that
# generation only, so `rotate` (a new generation) leaves an old key with no
# right at all. The settings file points librdkafka at them (0600).
new_password() { openssl rand -hex 24; }
generation_of() { cat "$creds/$1.generation" 2>/dev/null || echo 1; }
issue_credential() {  # PRINCIPAL GENERATION
  local p="$1" gen="$2"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$creds/$p.key.new" -out "$creds/$p.csr" \
    -subj "/O=zizhu kafka/CN=$p.g$gen" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$creds/$p.ext"
  openssl x509 -req -in "$creds/$p.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 825 \
    -extfile "$creds/$p.ext" -out "$creds/$p.pem.new" 2>/dev/null
  rm -f "$creds/$p.csr" "$creds/$p.ext"
  mv "$creds/$p.key.new" "$creds/$p.key"; mv "$creds/$p.pem.new" "$creds/$p.pem"
  echo "$gen" > "$creds/$p.generation"
  cat > "$creds/$p.properties" <<PROPS
# librdkafka settings of Kafka principal $p (generation $gen; made by deploy/kafka/broker.sh, 0600).
# Give it to that principal's processes only: --kafka-config $creds/$p.properties
security.protocol=SSL
ssl.ca.location=$tls/ca.pem
ssl.certificate.location=$creds/$p.pem
ssl.key.location=$creds/$p.key
PROPS
}
for p in $(principals); do
  [[ -f "$creds/$p.properties" && -f "$creds/$p.pem" ]] || issue_credential "$p" "$(generation_of "$p")"
done

# The broker's keystore (its certificate from the local CA) and the settings of
# its own principal for administration over the internal listener.
if [[ ! -f "$creds/broker.p12" ]]; then
  new_password > "$creds/broker.p12.password"
  openssl pkcs12 -export -in "$tls/kafka-broker.pem" -inkey "$tls/kafka-broker.key" -certfile "$tls/ca.pem" \
    -name zizhu-broker -out "$creds/broker.p12" -passout "file:$creds/broker.p12.password"
fi
keystore_password="$(cat "$creds/broker.p12.password")"
cat > "$creds/broker-admin.java.properties" <<PROPS
security.protocol=SSL
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.pem
ssl.keystore.type=PKCS12
ssl.keystore.location=$creds/broker.p12
ssl.keystore.password=$keystore_password
PROPS

# sync_broker INTERNAL_PORT: the ACLs exactly as the principals files say, for
# each principal's current generation (admin/ZizhuKafkaAdmin.java, as the
# broker's own principal on the internal listener).
sync_broker() {
  java -cp "$cp_arg" -Xmx256m -Dlog4j2.configurationFile="$here/log4j2.yaml" "$here/admin/ZizhuKafkaAdmin.java" \
    --bootstrap "127.0.0.1:$1" --admin-config "$creds/broker-admin.java.properties" --credentials "$creds" \
    "${principal_files[@]}"
}

if [[ "$cmd" == rotate ]]; then
  principal="${3:?usage: broker.sh rotate <data-dir> <principal>}"
  principals | grep -qxF "$principal" || { echo "unknown principal '$principal' (see $here/principals.conf)" >&2; exit 2; }
  internal="$(sed -n 's/^listeners=.*INTERNAL:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$dir/server.properties")"
  old="$(generation_of "$principal")"
  mkdir -p "$creds/retired"
  for f in key pem properties generation; do cp -p "$creds/$principal.$f" "$creds/retired/$principal.g$old.$f"; done
  issue_credential "$principal" $((old + 1))
  if ! sync_broker "$internal"; then
    for f in key pem properties generation; do cp -p "$creds/retired/$principal.g$old.$f" "$creds/$principal.$f"; done
    echo "the ACLs could not be moved to the new key; $principal keeps generation $old" >&2; exit 1
  fi
  rm -f "$creds/retired/$principal.g$old."*
  echo "rotated: $principal is now generation $((old + 1)); the old key has no right left."
  echo "Restart the processes that run as $principal (they read $creds/$principal.properties)."
  exit 0
fi

port="${3:?port required}"
ctrl="${4:-$((port + 1))}"
internal="${5:-$((port + 2))}"
"$here/fetch.sh"
mkdir -p "$dir/data"
chmod 700 "$dir" "$dir/data"
dir="$(cd "$dir" && pwd)"

cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$ctrl
listeners=CLIENTS://127.0.0.1:$port,INTERNAL://127.0.0.1:$internal,CONTROLLER://127.0.0.1:$ctrl
advertised.listeners=CLIENTS://127.0.0.1:$port,INTERNAL://127.0.0.1:$internal
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CLIENTS:SSL,INTERNAL:SSL,CONTROLLER:SSL
ssl.enabled.protocols=TLSv1.3,TLSv1.2
ssl.keystore.type=PKCS12
ssl.keystore.location=$creds/broker.p12
ssl.keystore.password=$keystore_password
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.pem
ssl.client.auth=required
listener.name.clients.ssl.client.auth=required
listener.name.internal.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=zizhu-broker,O=zizhu local$/zizhu-broker/,RULE:^CN=(zizhu-[a-z0-9-]+[.]g[0-9]+),O=zizhu kafka$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:zizhu-broker
allow.everyone.if.no.acl.found=false
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
# Operator additions to the broker's settings, "name=value;name=value" (last wins).
if [[ -n "${ZIZHU_KAFKA_BROKER_PROPERTIES:-}" ]]; then
  tr ';' '\n' <<< "$ZIZHU_KAFKA_BROKER_PROPERTIES" >> "$dir/server.properties"
fi

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
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$internal") 2>/dev/null; do
  if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
    echo "kafka broker exited during start-up; last log lines:" >&2; tail -30 "$dir/broker.log" >&2; exit 1
  fi
  if (( $(date +%s) > deadline )); then
    echo "kafka broker did not answer on 127.0.0.1:$port in time" >&2; tail -30 "$dir/broker.log" >&2; exit 1
  fi
  sleep 0.2
done
# Nothing is allowed until this has run: the ACLs as the files say.
if ! sync_broker "$internal"; then
  stop_broker; echo "the broker's ACLs could not be set; broker stopped" >&2; exit 1
fi
echo "kafka broker up on 127.0.0.1:$port (TLS, a certificate per principal; data in $dir, pid $(cat "$dir/broker.pid"); credentials in $creds)"
