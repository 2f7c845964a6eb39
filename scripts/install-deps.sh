#!/usr/bin/env bash
# Installs Khabar's build dependencies from Debian 12 (bookworm) packages.
#   scripts/install-deps.sh          build dependencies (what deploy/ images need)
#   scripts/install-deps.sh --test   also Node.js/npm, for the reflection test's `buf curl`
#   scripts/install-deps.sh --bench  also Lucene 4.10 + a JDK and hunspell-ar, for
#                                    scripts/bench_vs_lucene.sh, and libxapian-dev for
#                                    the anchors' run_xapian (../shared/anchors)
#   (the two flags combine: scripts/install-deps.sh --test --bench)
# Idempotent: only missing packages are installed; safe to re-run.
# Runs apt-get through sudo when not root.
set -euo pipefail

want_test=0 want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_bench=1 ;;
    *) echo "install-deps: unknown option '$arg' (expected --test and/or --bench)" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libicu-dev libabsl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The e2e tests drive the services with `buf curl` (npm @bufbuild/buf); Node.js may
# come from elsewhere (e.g. NodeSource), so only install Debian's when npm is absent.
if [ "$want_test" = 1 ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

# The side-by-side benchmark: run_lucene needs the Lucene 4.10 jars and javac;
# gen_corpus.py draws its vocabulary from hunspell-ar. About 25 MB in all.
if [ "$want_bench" = 1 ]; then
  for p in liblucene4.10-java default-jdk-headless hunspell-ar libxapian-dev; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
