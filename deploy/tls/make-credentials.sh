#!/usr/bin/env bash
# Makes the secrets docker-compose.tls.yml mounts: random passwords/token (one file each, no newline)
# and credentials.yaml for skald-store holding only their hashes (docs/SECURITY.md).
#
# Usage: deploy/tls/make-credentials.sh [--force]   (writes into the directory holding this script)
#   --force           replace existing secrets (restart the collector and Grafana afterwards; the
#                     store reloads credentials.yaml by itself)
# Environment:
#   SKALD_TENANT      the tenant the collector pushes to and Grafana reads (default fake: the tenant
#                     of a store with auth_enabled: false, so existing data and rules/fake stay visible)
#   SKALD_STORE_UID   owner given to credentials.yaml when run as root (default 10001)
# Files: collector_password, grafana_password, grafana_token, ops_password (admin + read, any
# tenant), credentials.yaml. Hashes are sha512crypt (`openssl passwd -6`).
set -euo pipefail
cd "$(dirname "$0")"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1
TENANT=${SKALD_TENANT:-fake}
STORE_UID=${SKALD_STORE_UID:-10001}

if [ -e credentials.yaml ] && [ "$FORCE" -eq 0 ]; then
  echo "make-credentials: $(pwd)/credentials.yaml exists; pass --force to replace the secrets" >&2
  exit 1
fi
umask 077

secret() { openssl rand -hex 24 | tr -d '\n' > "$1"; }
crypt() { openssl passwd -6 -stdin < "$1"; }

for f in collector_password grafana_password grafana_token ops_password; do secret "$f"; done
TOKEN_SHA=$(sha256sum < grafana_token | cut -d' ' -f1)

cat > credentials.yaml.tmp <<YAML
# skald-store credentials (docs/SECURITY.md), made by make-credentials.sh. Hashes only; the
# passwords are in the *_password files next to this one. Reloaded by the store when replaced.
credentials:
  - name: collector
    basic_auth:
      username: collector
      password_hash: '$(crypt collector_password)'
    tenants: [$TENANT]
    scopes: [push]
  - name: grafana
    basic_auth:
      username: grafana
      password_hash: '$(crypt grafana_password)'
    tenants: [$TENANT]
    scopes: [read]
  - name: grafana-token
    bearer_token_sha256: '$TOKEN_SHA'
    tenants: [$TENANT]
    scopes: [read]
  - name: operators
    basic_auth:
      username: ops
      password_hash: '$(crypt ops_password)'
    tenants: ['*']
    scopes: [admin, read]
YAML
mv credentials.yaml.tmp credentials.yaml
chmod 600 credentials.yaml collector_password grafana_password grafana_token ops_password
if [ "$(id -u)" -eq 0 ]; then
  chown "$STORE_UID" credentials.yaml
else
  echo "make-credentials: the store runs as uid $STORE_UID: sudo chown $STORE_UID $(pwd)/credentials.yaml" >&2
fi
echo "make-credentials: wrote credentials.yaml (tenant $TENANT) and the password/token files"
