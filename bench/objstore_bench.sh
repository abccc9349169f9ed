#!/usr/bin/env bash
# Object-storage benchmark (#22): skald-store ingest and scans on local disk vs an S3 bucket (a real
# radosgw started here on its own port), same corpus, same machine, one invocation. Figures per CPU-s.
#
#   bench/objstore_bench.sh --skald build/bin/skald-store [--corpus $REF/corpus/corpus-300mb-s42]
#       [--mb 300] [--clients 4] [--workdir DIR] [--s3-port 7590] [--port 3530] [--repeat 3] [--out FILE.json]
#
# Real log lines: the side-by-side corpus (../shared/tools/sidebyside, SIDEBYSIDE=dir): built from
# loghub (LOGHUB=bare git dir) when --corpus does not exist. Needs /usr/bin/python3 with
# python3-snappy, curl, and the Ceph packages of scripts/install-deps.sh. Kills only what it started.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
SIDEBYSIDE=${SIDEBYSIDE:-/work/shared/tools/sidebyside}
REF=${REF:-$HOME/ref}
LOGHUB=${LOGHUB:-/work/.mirror/logpai+loghub/repo}
SKALD=""; MB=300; CLIENTS=4; WORK=""; S3PORT=7590; PORT=3530; REPEAT=3; OUT=""; CORPUS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skald) SKALD=$2; shift 2;;
    --corpus) CORPUS=$2; shift 2;;
    --mb) MB=$2; shift 2;;
    --clients) CLIENTS=$2; shift 2;;
    --workdir) WORK=$2; shift 2;;
    --s3-port) S3PORT=$2; shift 2;;
    --port) PORT=$2; shift 2;;
    --repeat) REPEAT=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    -h|--help) sed -n '2,10p' "$0"; exit 0;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
[ -x "$SKALD" ] || { echo "need --skald BIN (skald-store)" >&2; exit 2; }
SKALD=$(cd "$(dirname "$SKALD")" && pwd)/$(basename "$SKALD")
CORPUS=${CORPUS:-$REF/corpus/corpus-${MB}mb-s42}
WORK=${WORK:-$(mktemp -d /tmp/objstore-bench.XXXXXX)}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
OUT=${OUT:-$WORK/result.json}
log() { echo "[objstore_bench $(date -u +%H:%M:%S)] $*" >&2; }

CHILD=""
cleanup() {
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null
  fi
  bash "$ROOT/scripts/s3-server.sh" stop "$WORK/s3" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

if [ ! -f "$CORPUS.txt" ] || [ ! -f "$CORPUS.streams.json" ]; then
  log "building corpus $CORPUS ($MB MB) from $LOGHUB"
  mkdir -p "$(dirname "$CORPUS")"
  $PY "$SIDEBYSIDE/make_corpus.py" --loghub "$LOGHUB" --mb "$MB" --seed 42 --out "$CORPUS" || exit 1
fi
log "push bodies ($CLIENTS clients) in $WORK/bodies"
$PY "$SIDEBYSIDE/make_bodies.py" --corpus "$CORPUS" --clients "$CLIENTS" --out "$WORK/bodies" >/dev/null || exit 1

log "starting radosgw on port $S3PORT"
bash "$ROOT/scripts/s3-server.sh" start "$WORK/s3" "$S3PORT" || exit 1

$PY "$HERE/objstore_bench.py" --skald "$SKALD" --bodies "$WORK/bodies" --work "$WORK" --s3dir "$WORK/s3" \
  --port "$PORT" --repeat "$REPEAT" --out "$OUT" & CHILD=$!
wait $CHILD; rc=$?
CHILD=""
rm -rf "$WORK/bodies"/shard-*
log "exit $rc; results in $OUT, logs in $WORK"
exit $rc
