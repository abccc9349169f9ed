#!/usr/bin/env bash
# A throw-away single-node Ceph cluster (one mon, one memstore OSD, one radosgw) on loopback: the
# real S3 server Skald's object-storage tests run against (#22). No systemd, no disks, no mgr.
#
# Usage: scripts/s3-server.sh start <dir> [port]   (port: radosgw's HTTP port, default 7480)
#        scripts/s3-server.sh stop <dir>
# start writes <dir>/s3.env (SKALD_TEST_S3_ENDPOINT/ACCESS_KEY/SECRET_KEY/REGION), logs go to
# <dir>/log/. Start on a running server is a no-op; a failed start stops what it started. stop kills
# the daemons named in <dir>/run/*.pid and removes nothing. SKALD_S3_OWNER_PID=<pid> makes start
# leave a watcher that stops the cluster once that process is gone (test binaries that crash).
# Every start builds a fresh cluster: the memstore OSD keeps its objects in memory only.
set -euo pipefail

ACCESS_KEY=SKALDTESTACCESSKEY01
SECRET_KEY=skald-test-secret-key-0123456789abcdefghij
REGION=default # the zonegroup; radosgw accepts any region in the SigV4 scope, but a LocationConstraint must name this one
STORE_BYTES=$((2 << 30)) # memstore capacity
WAIT_S=${SKALD_S3_START_TIMEOUT:-90}

die() { echo "s3-server: $*" >&2; exit 1; }
log() { echo "s3-server: $*" >&2; }

# The pid in <dir>/run/<name>.pid when it is alive and one of this cluster's daemons.
live_pid() {
  local f=$DIR/run/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/ceph.conf" || return 1
  echo "$pid"
}

# Process $1 exists and is not a zombie (an init that does not reap leaves killed daemons as zombies).
running_pid() {
  local state
  state=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Sends signal $1 to the daemons named in <dir>/run/*.pid, waits up to 3 s, then KILLs what is left.
signal_and_wait() {
  local sig=$1 name pid pids=()
  shift
  for name in "$@"; do
    if pid=$(live_pid "$name") && [ "$pid" != $$ ]; then
      kill "-$sig" "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for _ in $(seq 30); do
    local alive=0
    for pid in "${pids[@]}"; do running_pid "$pid" && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# SIGKILL, all at once: the cluster is throw-away (start rebuilds it, the memstore OSD keeps nothing)
# and a graceful stop costs ~2 s per daemon, done one at a time since radosgw and the OSD hang in
# shutdown until killed when the monitor goes first or alongside.
stop_cluster() {
  signal_and_wait KILL watcher rgw osd.0 mon.a
  rm -f "$DIR"/run/*.pid
}

# Runs a daemon in the foreground of a new session, detached from the caller's stdio.
spawn() {
  local name=$1
  shift
  setsid "$@" -f -c "$DIR/ceph.conf" </dev/null >>"$DIR/log/$name.out" 2>&1 &
  echo $! >"$DIR/run/$name.pid"
}

ceph_cli() { timeout 30 ceph -c "$DIR/ceph.conf" --connect-timeout 10 "$@"; }

# Polls `$@` every 0.2 s until it succeeds or the start deadline passes; fails fast when daemon
# <name> has exited.
wait_for() {
  local what=$1 name=$2
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    live_pid "$name" >/dev/null || die "$name exited while waiting for $what (see $DIR/log/$name.out and $DIR/log/*.log)"
    [ "$SECONDS" -lt "$WAIT_S" ] || die "timed out after ${WAIT_S}s waiting for $what (see $DIR/log/)"
    sleep 0.2
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_conf() {
  cat >"$DIR/ceph.conf" <<EOF
# Written by scripts/s3-server.sh: a throw-away single-node cluster on loopback.
[global]
fsid = $(cat /proc/sys/kernel/random/uuid)
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
ms_bind_msgr1 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
ms_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
keyring = $DIR/keyring
log_file = $DIR/log/\$name.log
run_dir = $DIR/run
crash_dir = $DIR/crash
pid_file = $DIR/run/\$name.daemon.pid
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
mon_data_avail_warn = 2
mon_data_avail_crit = 1
mon_warn_on_insecure_global_id_reclaim_allowed = false
# every osdmap change (pool create, osd boot) otherwise waits for a 1 s paxos round
paxos_propose_interval = 0.05
paxos_min_wait = 0.01

[mon]
admin_socket = $DIR/run/\$name.asok
mon_data = $DIR/mon/\$name
mon_cluster_log_file = $DIR/log/cluster.log

[osd]
admin_socket = $DIR/run/\$name.asok
osd_data = $DIR/osd/\$name
osd_objectstore = memstore
memstore_device_bytes = $STORE_BYTES
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1

[client.rgw]
admin_socket = $DIR/run/\$name.asok
rgw_data = $DIR/rgw
rgw_frontends = beast endpoint=127.0.0.1:$PORT
# path-style on any host name; virtual-host style (<bucket>.localhost:<port>) too
rgw_dns_name = localhost
rgw_thread_pool_size = 32
EOF
}

start_mon() {
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$(sed -n 's/^fsid = //p' "$DIR/ceph.conf")" \
    --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
    >>"$DIR/log/mon.a.out" 2>&1 || die "ceph-mon --mkfs failed (see $DIR/log/mon.a.out)"
  spawn mon.a ceph-mon -i a
  wait_for "the monitor" mon.a ceph_cli mon stat
}

osd_up() { ceph_cli osd dump | grep -q '^osd.0 up'; }

start_osd() {
  local uuid
  uuid=$(cat /proc/sys/kernel/random/uuid)
  [ "$(ceph_cli osd new "$uuid")" = 0 ] || die "ceph osd new did not return id 0"
  mkdir -p "$DIR/osd/osd.0"
  ceph-osd -c "$DIR/ceph.conf" -i 0 --mkfs --osd-uuid "$uuid" >>"$DIR/log/osd.0.out" 2>&1 ||
    die "ceph-osd --mkfs failed (see $DIR/log/osd.0.out)"
  spawn osd.0 ceph-osd -i 0
  wait_for "the OSD" osd.0 osd_up
}

rgw_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; }

# Our radosgw bound the port (not some other server answering on it) and answers HTTP.
rgw_serving() {
  grep -q "starting handler: beast" "$DIR/log/client.rgw.log" && ! grep -q "failed to bind" "$DIR/log/client.rgw.log" &&
    rgw_answers
}

# No listener on 127.0.0.1:$1 (SO_REUSEADDR, as radosgw binds: TIME_WAIT from a stopped one is fine).
port_free() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

start_rgw() {
  spawn rgw radosgw -n client.rgw
  wait_for "radosgw on 127.0.0.1:$PORT" rgw rgw_serving
  timeout 60 radosgw-admin -c "$DIR/ceph.conf" user create --uid skald-test --display-name "Skald tests" \
    --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >>"$DIR/log/radosgw-admin.out" 2>&1 ||
    die "radosgw-admin user create failed (see $DIR/log/radosgw-admin.out)"
}

# Stops the cluster once process $1 is gone (the caller that owns it crashed or forgot to stop).
start_watcher() {
  local owner=$1
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" stop "$3"' \
    s3-server-watcher "$owner" "$(realpath "$0")" "$DIR" "$DIR/ceph.conf" </dev/null >/dev/null 2>&1 &
  echo $! >"$DIR/run/watcher.pid"
}

running() {
  [ -f "$DIR/s3.env" ] && live_pid mon.a >/dev/null && live_pid osd.0 >/dev/null && live_pid rgw >/dev/null &&
    PORT=$(sed -n 's|^SKALD_TEST_S3_ENDPOINT=http://127.0.0.1:||p' "$DIR/s3.env") && rgw_answers
}

start() {
  for b in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool curl python3; do
    command -v "$b" >/dev/null || die "$b not found: run scripts/install-deps.sh"
  done
  if running; then
    log "already running at http://127.0.0.1:$PORT ($DIR/s3.env)"
    return 0
  fi
  stop_cluster
  port_free "$PORT" || die "port 127.0.0.1:$PORT is in use"
  rm -rf "$DIR/mon" "$DIR/osd" "$DIR/rgw" "$DIR/run" "$DIR/s3.env" "$DIR/monmap" "$DIR/keyring"
  mkdir -p "$DIR/log" "$DIR/run" "$DIR/mon/mon.a" "$DIR/rgw" "$DIR/crash"
  trap 'if [ $? -ne 0 ]; then stop_cluster; fi' EXIT
  trap 'exit 1' INT TERM HUP
  MON_PORT=$(free_port)
  write_conf
  start_mon
  start_osd
  start_rgw
  if [ -n "${SKALD_S3_OWNER_PID:-}" ]; then start_watcher "$SKALD_S3_OWNER_PID"; fi
  printf '%s\n' "SKALD_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT" "SKALD_TEST_S3_ACCESS_KEY=$ACCESS_KEY" \
    "SKALD_TEST_S3_SECRET_KEY=$SECRET_KEY" "SKALD_TEST_S3_REGION=$REGION" >"$DIR/s3.env.tmp"
  mv "$DIR/s3.env.tmp" "$DIR/s3.env"
  log "ready at http://127.0.0.1:$PORT in ${SECONDS}s ($DIR/s3.env)"
}

[ $# -ge 2 ] || die "usage: $0 start <dir> [port] | stop <dir>"
mkdir -p "$2"
DIR=$(realpath "$2")
PORT=${3:-7480}
case $1 in
  start) start ;;
  stop) stop_cluster ;;
  *) die "unknown command $1 (start|stop)" ;;
esac
