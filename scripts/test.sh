#!/usr/bin/env bash
# Builds Khabar and runs the whole test suite under ctest: unit tests,
# end-to-end tests over the real binaries, the reflection (buf curl) test;
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then the concurrency tests (ingest and search together, background merges)
# under ThreadSanitizer.
#
#   scripts/test.sh                 what CI runs (.ci/run)
#   KHABAR_SANITIZERS=0 scripts/test.sh   skip the sanitizer pass (quick local loop)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
# buf (npm @bufbuild/buf) stands in for grpcurl in the reflection e2e test.
if [ ! -x tools/buf/node_modules/.bin/buf ]; then
  echo "test: installing buf into tools/buf (npm @bufbuild/buf)"
  npm install --no-save --no-audit --no-fund --prefix tools/buf @bufbuild/buf@1.75.0 >/dev/null
fi

run_suite() {  # build-dir sanitize-list
  local build=$1 sanitize=$2
  echo "== test: configure $build (sanitizers: ${sanitize:-none})"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON -DKHABAR_BUILD_BENCH=ON \
    -DKHABAR_SANITIZE="$sanitize" >/dev/null
  echo "== test: build $build"
  cmake --build "$build" -j2
  echo "== test: ctest $build"
  ctest --test-dir "$build" --output-on-failure -j2 --timeout 300
}

run_suite build ""
if [ "${KHABAR_SANITIZERS:-1}" != "0" ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite build-asan "address,undefined"
fi
if [ "${KHABAR_SANITIZERS:-1}" != "0" ]; then
  # Only the tests that run threads against each other: the engine and the
  # index (snapshots, background merges). Debian's gRPC and Abseil are not
  # built with TSan, so the gRPC binaries stay out of this pass.
  echo "== test: configure build-tsan (sanitizers: thread)"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=ON -DKHABAR_BUILD_BENCH=OFF \
    -DKHABAR_SANITIZE=thread >/dev/null
  echo "== test: build build-tsan"
  cmake --build build-tsan -j2 --target engine_concurrency_test inverted_index_test
  echo "== test: ctest build-tsan"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build-tsan --output-on-failure -j2 --timeout 300 \
    -R '^(EngineConcurrencyTest|SegmentedIndex|InvertedIndexTest)'
fi
echo "== test: all passed"
