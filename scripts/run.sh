#!/usr/bin/env bash
# Installs deps, builds, and starts skald-store + skald-collector on the defaults in configs/.
# Data lives in ./data (override with SKALD_DATA). The collector tails the local Docker logs when a
# Docker socket exists and always tails ./data/demo-logs/*.log, which a demo writer fills.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target skald-store skald-collector

export SKALD_DATA=${SKALD_DATA:-$PWD/data}
mkdir -p "$SKALD_DATA/store" "$SKALD_DATA/demo-logs" "$SKALD_DATA/collector"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

./build/bin/skald-store -config.file=configs/skald-store.yaml -config.expand-env=true &
pids+=($!)
for _ in $(seq 1 50); do
  ./build/bin/skald-store -health -config.file=configs/skald-store.yaml -config.expand-env=true \
    >/dev/null 2>&1 && break
  sleep 0.2
done

( i=0; levels=(INFO INFO INFO WARN ERROR DEBUG)
  while true; do
    i=$((i+1)); lvl=${levels[$((i % ${#levels[@]}))]}
    printf '%s %s demo request_id=req-%d status=%d msg="demo line %d"\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$lvl" "$i" $(( i % 7 == 0 ? 500 : 200 )) "$i" \
      >> "$SKALD_DATA/demo-logs/demo.log"
    sleep 1
  done ) &
pids+=($!)

./build/bin/skald-collector -config.file=configs/skald-collector.yaml -config.expand-env=true &
pids+=($!)

echo "skald-store on http://127.0.0.1:3100 (try: curl -G localhost:3100/loki/api/v1/query_range --data-urlencode 'query={job=\"demo\"}')"
wait -n "${pids[@]}"
