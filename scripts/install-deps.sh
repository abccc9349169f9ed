#!/usr/bin/env bash
# Installs every Debian package Skald's build, tests and benchmarks need.
# Idempotent: safe to run on every build; runs `apt-get update` only when a package is missing.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev ccache
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev libsimdjson-dev liblz4-dev lz4 libzstd-dev
  libsqlite3-dev sqlite3 libfmt-dev libyaml-cpp-dev catch2 libre2-dev
  libprotobuf-dev protobuf-compiler libsnappy-dev zlib1g-dev libboost-dev libcrypt-dev
  curl ca-certificates python3
  docker.io busybox-static
  prometheus prometheus-alertmanager
  chromium
  ceph-mon ceph-osd ceph-base ceph-common radosgw
  libexpat1-dev
)

# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"
apt_install_missing install-deps "${PKGS[@]}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Node.js + npm come with the base image (nodesource build, which conflicts with Debian's npm);
# install Debian's only where no node exists at all.
if ! command -v node >/dev/null 2>&1; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
