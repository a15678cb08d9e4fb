#!/usr/bin/env bash
# Installs what zizhu needs on Debian 12, only what is missing, then fetches
# the pinned Kafka broker jars. Safe to run again. Needs root (or sudo).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libabsl-dev libsodium-dev libssl-dev libcli11-dev libzip-dev libfreexl-dev libexpat1-dev libxlsxwriter-dev libyaml-cpp-dev librapidcheck-dev xlsx2csv libcpp-httplib-dev nlohmann-json3-dev
  libgoogle-perftools-dev prometheus-cpp-dev
  openjdk-17-jre-headless maven clang-format time openssl curl chromium fonts-wqy-microhei
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$here/kafka/fetch.sh"

# buf (protobuf lint, part of `make test`), pinned, from the Go module proxy.
BUF_VERSION=v1.75.0
gobin="$(go env GOPATH 2>/dev/null)/bin"
if ! "$gobin/buf" --version 2>/dev/null | grep -qx "${BUF_VERSION#v}"; then
  if command -v go >/dev/null; then
    echo "installing buf $BUF_VERSION (go install)"
    go install "github.com/bufbuild/buf/cmd/buf@$BUF_VERSION"
  else
    echo "go is not installed: buf (protobuf lint) cannot be installed; the buf_lint test will fail" >&2
  fi
fi

# The console (services/gateway/console) builds with Node.js >= 20 (Vite); its
# npm packages are installed by deploy/local/console_e2e.sh (npm ci, pinned by
# package-lock.json). Debian 12's own nodejs is 18: take Node 20 from NodeSource.
if ! node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "Node.js >= 20 is needed for the console (found: $(node --version 2>/dev/null || echo none));" \
       "install it (e.g. NodeSource's nodejs 20) — the console_e2e test will fail without it" >&2
fi
