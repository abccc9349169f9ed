#!/usr/bin/env bash
# Installs the Debian packages scripts/stack-test.sh needs on top of scripts/install-deps.sh:
# debootstrap (the images' base rootfs) and docker-compose (Debian's, v1.29). Not used by CI.
set -euo pipefail

PKGS=(docker.io debootstrap docker-compose curl python3 ca-certificates)

# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"
apt_install_missing install-stack-deps "${PKGS[@]}"
