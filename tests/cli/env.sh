# Sourced by the CLI system tests: a stack of their own in .run/cli on ports
# 27000-27005 (Kafka 29092-29094, gateway 28443), and `z` / `as` to call it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
export BUILD_DIR="$build" ZIZHU_RUN_DIR="$root/.run/cli"
export ZIZHU_KAFKA_PORT=29092 ZIZHU_KAFKA_CONTROLLER_PORT=29093 ZIZHU_IDENTITY_PORT=27000 ZIZHU_REGISTRY_PORT=27001 \
  ZIZHU_SUBSIDY_PORT=27002 ZIZHU_DISBURSEMENT_PORT=27003 ZIZHU_DROPOUT_PORT=27004 ZIZHU_PAIRING_PORT=27005 \
  ZIZHU_GATEWAY_PORT=28443
run="$ZIZHU_RUN_DIR"
keys="$run/keys"
z() {
  "$build/tools/zizhu" --ca "$keys/tls/ca.pem" --identity 127.0.0.1:27000 --server 127.0.0.1:27001 \
    --subsidy 127.0.0.1:27002 --disbursement 127.0.0.1:27003 --dropout 127.0.0.1:27004 --pairing 127.0.0.1:27005 "$@"
}
# as LOGIN ARGS...: the CLI with LOGIN's token.
as() {
  local who="$1"
  shift
  ZIZHU_TOKEN_FILE="$run/token-$who" z "$@"
}
