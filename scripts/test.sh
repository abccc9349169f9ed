#!/usr/bin/env bash
# The whole test suite on a fresh machine: install deps, build (Release and ASan+UBSan), run ctest,
# then the fuzz stage (scripts/fuzz.sh: clang libFuzzer targets on their seed corpora).
# Usage: scripts/test.sh            (README's second command; .ci/run calls it)
#        SKALD_SKIP_ASAN=1 / SKALD_SKIP_FUZZ=1 scripts/test.sh   to skip the sanitizer / fuzz pass locally
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
JOBS=${JOBS:-$(nproc)}

if [ "${SKALD_SKIP_ASAN:-0}" != "1" ]; then
  echo "== ASan+UBSan build: unit tests"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSKALD_SANITIZE=ON -DSKALD_BENCH=OFF >/dev/null
  cmake --build build-asan -j "$JOBS"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest -j "$JOBS" --output-on-failure -E '^e2e' --timeout 300)
fi

echo "== Release build: whole suite"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$JOBS"
(cd build && ctest -j "$JOBS" --output-on-failure --timeout 600)

if [ "${SKALD_SKIP_FUZZ:-0}" != "1" ]; then
  bash scripts/fuzz.sh   # clang libFuzzer targets, ~15 s each on their seed corpora
fi
