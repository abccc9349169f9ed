#!/usr/bin/env bash
# Makes the certificates docker-compose.tls.yml mounts: a private CA, the store's server certificate
# (SANs: loki, skald-store, localhost, 127.0.0.1) and a client certificate for the collector.
#
# Usage: deploy/tls/make-certs.sh [--force]   (writes into the directory holding this script)
#   --force              replace existing files (a new CA: every client must get the new ca.crt)
# Environment:
#   SKALD_TLS_EXTRA_SANS  more subjectAltNames for the server, e.g. "DNS:logs.example.com,IP:10.0.0.5"
#   SKALD_TLS_DAYS        validity of the leaf certificates in days (default 825; the CA gets 3650)
#   SKALD_STORE_UID       owner given to server.key when run as root (default 10001, the store's uid)
set -euo pipefail
cd "$(dirname "$0")"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1
DAYS=${SKALD_TLS_DAYS:-825}
STORE_UID=${SKALD_STORE_UID:-10001}
SANS="DNS:loki,DNS:skald-store,DNS:localhost,IP:127.0.0.1${SKALD_TLS_EXTRA_SANS:+,$SKALD_TLS_EXTRA_SANS}"

if [ -e ca.crt ] && [ "$FORCE" -eq 0 ]; then
  echo "make-certs: $(pwd)/ca.crt exists; pass --force to replace the CA and all certificates" >&2
  exit 1
fi
umask 077

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# $1 = name, $2 = subject CN, $3 = extensions (x509v3 config lines)
issue() {
  newkey "$1.key"
  openssl req -new -key "$1.key" -subj "/O=skald/CN=$2" -out "$1.csr"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$DAYS" \
    -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

newkey ca.key
openssl req -new -x509 -key ca.key -subj "/O=skald/CN=skald deployment CA" -days 3650 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.crt

# serverAuth for the listener; clientAuth too, so `skald-store -health` can present this certificate
# when the store verifies client certificates (docs/TLS.md, Health checks).
issue server skald-store "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$SANS"

issue client skald-collector "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

chmod 644 ca.crt server.crt client.crt
chmod 600 ca.key server.key client.key
rm -f ca.srl
if [ "$(id -u)" -eq 0 ]; then
  chown "$STORE_UID" server.key
else
  echo "make-certs: the store runs as uid $STORE_UID: sudo chown $STORE_UID $(pwd)/server.key" >&2
fi
openssl verify -CAfile ca.crt server.crt client.crt
echo "make-certs: server SANs: $SANS"
