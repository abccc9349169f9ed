#!/usr/bin/env bash
# The fuzz stage of scripts/test.sh: builds only the libFuzzer targets (clang, ASan+UBSan) and runs
# each on a copy of its seed corpus tests/fuzz/corpus/<name>/ for a fixed time; any finding fails.
# Usage: scripts/fuzz.sh                       every tests/fuzz/*_fuzz.cc, SKALD_FUZZ_SECONDS each (10)
#        SKALD_FUZZ_SECONDS=600 scripts/fuzz.sh logql_parser push_decoder   chosen fuzzers, longer
# Env: SKALD_FUZZ_BUILD (build dir, build-fuzz), SKALD_FUZZ_JOBS (fuzzers run at once, nproc),
#      SKALD_FUZZ_SEED (libFuzzer -seed; 1 by default so a CI run explores the same inputs each time
#      and a finding is not a coin toss on unrelated changes; `random` for a fresh exploration:
#      SKALD_FUZZ_SEED=random SKALD_FUZZ_SECONDS=300 scripts/fuzz.sh   before a stop, see TESTING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${SKALD_FUZZ_SECONDS:-10}
BUILD=${SKALD_FUZZ_BUILD:-build-fuzz}
JOBS=${JOBS:-$(nproc)}
RUN_JOBS=${SKALD_FUZZ_JOBS:-$(nproc)}
SEED=${SKALD_FUZZ_SEED:-1}
seed_arg=()
if [ "$SEED" != random ]; then seed_arg=(-seed="$SEED"); fi

# Longest input per fuzzer (bytes); parsers of whole request bodies or files get more room.
max_len() {
  case "$1" in
    push_decoder | http_request | backup_lz4_stream | ruler_rule_file | retention_rules) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

names=()
if [ $# -gt 0 ]; then
  for n in "$@"; do names+=("${n#fuzz_}"); done
else
  for f in tests/fuzz/*_fuzz.cc; do n=${f##*/}; names+=("${n%_fuzz.cc}"); done
fi
for n in "${names[@]}"; do
  [ -f "tests/fuzz/${n}_fuzz.cc" ] || { echo "fuzz: no tests/fuzz/${n}_fuzz.cc" >&2; exit 2; }
  if ! compgen -G "tests/fuzz/corpus/$n/*" >/dev/null; then
    echo "fuzz_$n: FAILED: no seed corpus in tests/fuzz/corpus/$n/ (every fuzzer needs one)" >&2
    exit 1
  fi
done

echo "== Fuzz: build ${#names[@]} libFuzzer targets (clang, ASan+UBSan)"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=1   # reusable across checkouts
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSKALD_FUZZ=ON \
  -DSKALD_TESTS=OFF -DSKALD_BENCH=OFF -DSKALD_UI=OFF "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target "${names[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/skald-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_one <name>: fuzzes a copy of the seed corpus; writes $work/<name>.log and $work/<name>.rc.
run_one() {
  local n=$1 corpus="$work/corpus/$1" art="$work/artifacts/$1"
  mkdir -p "$corpus" "$art"
  cp -r "tests/fuzz/corpus/$n/." "$corpus/"
  local rc=0
  # The outer timeout only guards against a fuzzer that stops honouring -max_total_time.
  timeout --kill-after=10 $((SECS + 120)) "$BUILD/fuzz/fuzz_$n" -max_total_time="$SECS" -timeout=10 "${seed_arg[@]}" \
    -rss_limit_mb=2048 -max_len="$(max_len "$n")" -print_final_stats=1 -artifact_prefix="$art/" \
    "$corpus" >"$work/$n.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$n.rc"
}

# report <name>: one summary line; on a finding the report (stack) and each reproducer. 0 = clean.
report() {
  local n=$1 rc runs cov
  rc=$(cat "$work/$n.rc" 2>/dev/null || echo "none: did not run")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$n.log" 2>/dev/null | tail -1 || true)
  cov=$(grep -a -o 'cov: [0-9]*' "$work/$n.log" 2>/dev/null | tail -1 | cut -d' ' -f2 || true)
  local seeds found
  seeds=$(find "tests/fuzz/corpus/$n" -type f | wc -l)
  found=$(find "$work/corpus/$n" -type f | wc -l)
  if [ "$rc" = 0 ] && ! compgen -G "$work/artifacts/$n/*" >/dev/null; then
    echo "fuzz_$n: ${runs:-?} runs, ok (cov ${cov:-?}, corpus $seeds -> $found)"
    return 0
  fi
  echo "fuzz_$n: ${runs:-?} runs, FAILED (exit $rc)"
  # The report from its first line (sanitizer error, UBSan runtime error, timeout alarm) on.
  local first
  first=$(grep -a -n -m1 -E 'ERROR: |runtime error:|ALARM: working' "$work/$n.log" | cut -d: -f1 || true)
  echo "---- fuzz_$n report ----"
  tail -n +"${first:-1}" "$work/$n.log" | grep -a -v -E '^#[0-9]+' | head -n 80
  local keep="$ROOT/$BUILD/fuzz-artifacts"
  mkdir -p "$keep"
  for a in "$work/artifacts/$n"/*; do
    [ -e "$a" ] || continue
    cp "$a" "$keep/fuzz_${n}-${a##*/}"
    echo "---- reproducer $keep/fuzz_${n}-${a##*/} ($(stat -c %s "$a") bytes)"
    echo "     replay: $BUILD/fuzz/fuzz_$n $keep/fuzz_${n}-${a##*/}"
    echo "base64:"
    base64 -w 76 "$a" | head -n 100
    echo "hexdump (first 512 bytes):"
    od -A x -t x1z -v -N 512 "$a"
  done
  return 1
}

echo "== Fuzz: ${#names[@]} fuzzers, ${SECS}s each, $RUN_JOBS at a time, seed $SEED"
start=$(date +%s)
running=0
for n in "${names[@]}"; do
  run_one "$n" &
  running=$((running + 1))
  if [ "$running" -ge "$RUN_JOBS" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

failed=0
for n in "${names[@]}"; do report "$n" || failed=$((failed + 1)); done
echo "== Fuzz: $((${#names[@]} - failed))/${#names[@]} clean in $(($(date +%s) - start))s"
echo "fuzz: $((${#names[@]} - failed)) passed, $failed failed"
[ "$failed" = 0 ]
