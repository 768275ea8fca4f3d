#!/bin/sh
# Builds the GGUF reader fuzzer with clang (libFuzzer, ASan, UBSan) and runs
# it for a bounded time on a seed corpus made by the GGUF writer.
# Usage: scripts/fuzz-gguf.sh [SECONDS]   (default 30)
# Exit status: 0 when nothing was found; libFuzzer's non-zero status and a
# crash-* file in the build directory otherwise.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build=${LAPBENCH_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${JOBS:-$(nproc)}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz-gguf: error: clang++ not found (expected the clang package;" \
    "run scripts/install-deps.sh)" >&2
  exit 2
fi

launcher=""
if command -v ccache >/dev/null 2>&1; then
  launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
fi
# shellcheck disable=SC2086
cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo $launcher >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null

# Seeds are rewritten each run; the corpus directory keeps what libFuzzer
# found interesting across runs.
mkdir -p "$build/seeds" "$build/corpus"
"$build/gguf_seeds" "$build/seeds"

echo "fuzz-gguf: fuzzing the GGUF reader for ${seconds} s" >&2
"$build/gguf_fuzz" "$build/corpus" "$build/seeds" \
  -dict="$root/tests/fuzz/gguf.dict" \
  -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
  -timeout=10 -artifact_prefix="$build/" -print_final_stats=1
