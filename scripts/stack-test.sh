#!/usr/bin/env bash
# Proves deploy/docker-compose.yml on a real Docker engine: a private dockerd, a debootstrapped Debian
# base image, both Skald images built from deploy/Dockerfile.*, the stack up with healthy checks, and
# a test container's lines read back from the store with the seed's labels. Not part of .ci/run.
#
# Usage: scripts/stack-test.sh [--keep]      (root; needs scripts/install-stack-deps.sh first)
#   --keep            leave dockerd and the stack running at the end (prints how to reach them)
# Environment:
#   SKALD_STACK_DIR   dockerd state, volumes, logs      (default /var/tmp/skald-stack; kept between
#                     runs so image layers are cached; delete it for a cold run)
#   SKALD_BASE_CACHE  the debootstrapped rootfs tarball (default /var/cache/skald-stack/bookworm.tar)
#   DEBIAN_MIRROR     debootstrap mirror                (default http://deb.debian.org/debian)
#   SKALD_BUILD_JOBS  ninja -j inside the image build   (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

DIR=${SKALD_STACK_DIR:-/var/tmp/skald-stack}
BASE_TAR=${SKALD_BASE_CACHE:-/var/cache/skald-stack/bookworm.tar}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
JOBS=${SKALD_BUILD_JOBS:-2}
PROJECT=skaldstack
export DOCKER_HOST="unix://$DIR/docker.sock"
T0=$(date +%s)

log() { printf '[stack-test %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
die() { log "FAIL: $*"; exit 1; }

require() {
  for c in dockerd docker docker-compose debootstrap python3 curl tar; do
    command -v "$c" >/dev/null || die "$c missing: run scripts/install-stack-deps.sh"
  done
  [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, dockerd)"
}

# Debian bookworm minbase rootfs as a tarball, made once and cached.
make_base_tar() {
  if [ -s "$BASE_TAR" ]; then log "base rootfs cached: $BASE_TAR"; return; fi
  local rootfs="$BASE_TAR.rootfs"
  mkdir -p "$(dirname "$BASE_TAR")"
  rm -rf "$rootfs"
  log "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" > "$DIR/debootstrap.log" 2>&1 \
    || die "debootstrap failed, see $DIR/debootstrap.log"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
  tar -C "$rootfs" --numeric-owner -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$rootfs"
}

# A private dockerd: own socket, data root and exec root; no iptables, no docker0.
start_dockerd() {
  mkdir -p "$DIR/data" "$DIR/exec"
  if docker version >/dev/null 2>&1; then log "reusing running private dockerd"; return; fi
  log "starting dockerd on $DOCKER_HOST"
  setsid dockerd --host "$DOCKER_HOST" --data-root "$DIR/data" --exec-root "$DIR/exec" \
    --pidfile "$DIR/docker.pid" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver "${SKALD_STORAGE_DRIVER:-overlay2}" > "$DIR/dockerd.log" 2>&1 &
  echo $! > "$DIR/dockerd.launch.pid"
  for _ in $(seq 1 120); do
    docker version >/dev/null 2>&1 && return
    sleep 0.5
  done
  tail -20 "$DIR/dockerd.log"
  die "dockerd did not start"
}

stop_dockerd() {
  [ -f "$DIR/dockerd.launch.pid" ] || return 0
  local pid
  pid=$(cat "$DIR/dockerd.launch.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$DIR/dockerd.launch.pid"
}

compose() {
  (cd "$ROOT/deploy" && docker-compose -p "$PROJECT" -f docker-compose.yml -f docker-compose.test.yml \
    --profile infrastructure --profile stack-test "$@")
}

cleanup() {
  local rc=$?
  if [ "$KEEP" -eq 1 ]; then
    log "--keep: DOCKER_HOST=$DOCKER_HOST, store on http://127.0.0.1:$SKALD_HTTP_PORT"
    exit "$rc"
  fi
  if [ "$rc" -ne 0 ] && docker version >/dev/null 2>&1; then
    for c in loki promtail; do
      echo "---- docker logs $c (tail)"; docker logs --tail 30 "$c" 2>&1 || true
    done
  fi
  compose down -v -t 2 >/dev/null 2>&1 || true
  stop_dockerd
  exit "$rc"
}

# Sources only (no build dirs, no .git) copied once, so edits made during the build cannot
# split the two images' shared build stage.
snapshot_sources() {
  rm -rf "$DIR/src" && mkdir -p "$DIR/src"
  tar -C "$ROOT" --exclude='./build' --exclude='./build-*' --exclude='./.git' --exclude='./data' \
    --exclude='./.run' --exclude='node_modules' -cf - . | tar -C "$DIR/src" -xf -
}

build_images() {
  if ! docker image inspect skald-base:bookworm >/dev/null 2>&1; then
    log "docker import skald-base:bookworm"
    docker import "$BASE_TAR" skald-base:bookworm >/dev/null
  fi
  snapshot_sources
  for app in store collector; do
    log "docker build skald-$app:dev (compiles the project; minutes on 2 cores)"
    docker build --network host --build-arg "JOBS=$JOBS" -f "$DIR/src/deploy/Dockerfile.$app" \
      -t "skald-$app:dev" "$DIR/src" > "$DIR/build-$app.log" 2>&1 \
      || { tail -40 "$DIR/build-$app.log"; die "build of skald-$app failed ($DIR/build-$app.log)"; }
  done
  docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^skald-' | sed 's/^/    /'
}

wait_healthy() {
  local c=$1 s=""
  for _ in $(seq 1 90); do
    s=$(docker inspect -f '{{.State.Health.Status}}' "$c" 2>/dev/null || echo missing)
    [ "$s" = healthy ] && { log "$c is healthy"; return; }
    sleep 1
  done
  die "$c not healthy (status: $s)"
}

query_range() {  # query_range <logql> -> JSON on stdout
  curl -fsS -G "http://127.0.0.1:$SKALD_HTTP_PORT/loki/api/v1/query_range" \
    --data-urlencode "query=$1" --data-urlencode "start=$(( $(date +%s) - 600 ))000000000" \
    --data-urlencode "limit=1000"
}

# Every check on the store's answer, in one python pass: prints a summary or exits non-zero.
check_logs() {
  local logs errors volume
  logs=$(query_range '{job="docker", service="logger"}')
  errors=$(query_range '{job="docker", service="logger", level="ERROR"} |= "status=503"')
  volume=$(query_range 'sum by (service) (count_over_time({job="docker"}[5m]))')
  python3 - "$logs" "$errors" "$volume" "$PROJECT" <<'PY'
import json, sys
logs, errors, volume, project = (json.loads(a) if a[0] == "{" else a for a in sys.argv[1:])
def streams(r):
    assert r["status"] == "success" and r["data"]["resultType"] == "streams", r
    return r["data"]["result"]
got = streams(logs)
assert got, "no logger stream in the store"
for s in got:
    l = s["stream"]
    for k in ("job", "service", "container", "container_id", "image", "project", "stream"):
        assert k in l, f"label {k} missing from {l}"
    assert l["job"] == "docker" and l["service"] == "logger" and l["project"] == project, l
    assert l["image"] == "skald-base:bookworm", l
    assert l["container"].startswith(project) and "logger" in l["container"], l
lines = [v[1] for s in got for v in s["values"]]
assert any("INFO stack-test request_id=" in x for x in lines), lines[:3]
err = streams(errors)
assert err, "no ERROR stream"
assert all(s["stream"]["level"] == "ERROR" and s["stream"]["stream"] == "stderr" and
           s["stream"].get("http_status") == "503" for s in err), err
vol = volume["data"]["result"]
assert volume["data"]["resultType"] == "matrix" and any(
    m["metric"].get("service") == "logger" for m in vol), vol
print(f"    {len(got)} logger streams, {len(lines)} lines; {sum(len(s['values']) for s in err)} "
      f"ERROR lines; labels: {sorted(got[0]['stream'])}")
PY
}

check_containers() {
  local user mem
  user=$(docker exec loki cat /proc/1/status | awk '/^Uid:/{print $2}')
  [ "$user" = 10001 ] || die "store runs as uid $user, want 10001"
  mem=$(docker inspect -f '{{.HostConfig.Memory}}' loki)
  [ "$mem" = 536870912 ] || die "store memory limit $mem, want 512M"
  mem=$(docker inspect -f '{{.HostConfig.Memory}}' promtail)
  [ "$mem" = 268435456 ] || die "collector memory limit $mem, want 256M"
  curl -fsS "http://127.0.0.1:$SKALD_HTTP_PORT/prometheus/api/v1/rules" | grep -q '"datamancy-alerts"' \
    || die "the seed's alert rules (configs/rules) are not loaded"
  log "store runs as uid 10001; memory limits 512M / 256M applied; alert rules loaded"
}

main() {
  require
  mkdir -p "$DIR"
  make_base_tar
  start_dockerd
  trap cleanup EXIT
  build_images
  SKALD_HTTP_PORT=${SKALD_HTTP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  export SKALD_HTTP_PORT VOLUMES_ROOT="$DIR/volumes" DOCKER_SOCK="$DIR/docker.sock"
  export DOCKER_CONTAINERS_DIR="$DIR/data/containers"
  compose down -v -t 2 >/dev/null 2>&1 || true
  rm -rf "$VOLUMES_ROOT" && mkdir -p "$VOLUMES_ROOT/loki_data"
  chown 10001:10001 "$VOLUMES_ROOT/loki_data"
  log "docker-compose up (store on host port $SKALD_HTTP_PORT)"
  compose up -d loki promtail logger > "$DIR/compose-up.log" 2>&1 \
    || { cat "$DIR/compose-up.log"; die "docker-compose up failed"; }
  wait_healthy loki
  wait_healthy promtail
  check_containers
  for i in $(seq 1 60); do
    if out=$(check_logs 2>&1); then
      echo "$out"
      log "PASS: logger lines are in the store with the seed's labels"
      return 0
    fi
    sleep 1
  done
  echo "$out"
  die "logger lines did not reach the store with the expected labels"
}

main
