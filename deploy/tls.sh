#!/usr/bin/env bash
# deploy/tls.sh DIR: a local certificate authority and certificates for a
# single-machine deployment, made with OpenSSL (only what is missing):
#   DIR/ca.pem, ca.key          the CA (keep ca.key off the servers in production)
#   DIR/server.pem, server.key  every service's server certificate: localhost, 127.0.0.1
#   DIR/client.pem, client.key  a client certificate (services and agency systems, for mutual TLS)
#   DIR/kafka-broker.pem, .key  the Kafka broker's: its TLS listeners, and the broker's own
#                               principal (zizhu-broker, the broker's only super user) on its
#                               mutual-TLS listeners (controller, internal administration)
# Keys are 0600. Certificates are valid for 825 days.
set -euo pipefail
dir="${1:?usage: tls.sh DIR}"
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077
if [[ ! -f ca.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -keyout ca.key -out ca.pem -subj "/O=zizhu local/CN=zizhu local CA" 2>/dev/null
fi
issue() {  # issue NAME SUBJECT EXTENSIONS
  local name="$1" subject="$2" ext="$3"
  [[ -f "$name.pem" ]] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "$subject" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
    -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
issue server "/O=zizhu local/CN=localhost" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
issue client "/O=zizhu local/CN=zizhu-client" "extendedKeyUsage=clientAuth"
issue kafka-broker "/O=zizhu local/CN=zizhu-broker" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth,clientAuth"
# Certificates are public; the directory itself is private (0700).
chmod 644 ca.pem server.pem client.pem kafka-broker.pem
