#!/usr/bin/env bash
# Builds Khabar and runs the whole test suite (unit + end-to-end) under ctest.
# From a clean clone on Debian 12:   scripts/test.sh
# Environment: BUILD_DIR (default build), KHABAR_SANITIZE ('' | address,undefined | thread).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# buf (npm @bufbuild/buf) stands in for grpcurl in the reflection e2e test.
if [ ! -x tools/buf/node_modules/.bin/buf ]; then
  npm install --no-save --no-audit --no-fund --prefix tools/buf @bufbuild/buf@1.75.0 >/dev/null
fi

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKHABAR_SANITIZE="${KHABAR_SANITIZE:-}"
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2
