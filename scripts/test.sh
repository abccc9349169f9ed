#!/usr/bin/env bash
# The whole test suite on a fresh machine: install deps, build (Release and ASan+UBSan), run ctest,
# then the fuzz stage (scripts/fuzz.sh: clang libFuzzer targets on their seed corpora).
# Usage: scripts/test.sh            (README's second command; .ci/run calls it)
#        SKALD_SKIP_ASAN=1 / SKALD_SKIP_FUZZ=1 scripts/test.sh   to skip the sanitizer / fuzz pass locally
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
JOBS=${JOBS:-$(nproc)}
T0=$(date +%s)
elapsed() { echo "   ($(( $(date +%s) - T0 )) s since the start)"; }

# ccache (installed by install-deps.sh): paths relative to the checkout and no build-dir hash, so
# a clean clone elsewhere (CI) reuses what earlier builds of the same sources compiled.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

# One real S3 server (radosgw on loopback, scripts/s3-server.sh) for every object-storage test; a
# test process finding SKALD_TEST_S3_* uses it instead of starting its own (tests/s3_server.h).
S3_DIR="$PWD/build-s3-server"
if command -v radosgw >/dev/null 2>&1 && [ -z "${SKALD_TEST_S3_ENDPOINT:-}" ]; then
  bash scripts/s3-server.sh start "$S3_DIR" "${SKALD_S3_PORT:-7481}"
  trap 'bash scripts/s3-server.sh stop "$S3_DIR" || true' EXIT
  set -a; . "$S3_DIR/s3.env"; set +a
fi

if [ "${SKALD_SKIP_ASAN:-0}" != "1" ]; then
  echo "== ASan+UBSan build: unit tests"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSKALD_SANITIZE=ON -DSKALD_BENCH=OFF "${launcher[@]}" >/dev/null
  cmake --build build-asan -j "$JOBS"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest -j "$JOBS" --output-on-failure -E '^e2e' --timeout 300)
  elapsed
fi

echo "== Release build: whole suite"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build build -j "$JOBS"
(cd build && ctest -j "$JOBS" --output-on-failure --timeout 600)
elapsed

if [ "${SKALD_SKIP_FUZZ:-0}" != "1" ]; then
  bash scripts/fuzz.sh   # clang libFuzzer targets, ~10 s each on their seed corpora
  elapsed
fi
