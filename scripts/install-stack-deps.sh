#!/usr/bin/env bash
# Installs the Debian packages scripts/stack-test.sh needs on top of scripts/install-deps.sh:
# debootstrap (the images' base rootfs) and docker-compose (Debian's, v1.29). Not used by CI.
set -euo pipefail

PKGS=(docker.io debootstrap docker-compose curl python3 ca-certificates)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-stack-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
echo "install-stack-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
