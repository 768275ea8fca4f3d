#!/usr/bin/env bash
# The CI benchmark job (docs/compare.md): a short kernel benchmark and a
# short engine suite, each compared with its baseline in results/baselines/.
#
#   scripts/ci-bench.sh            run both and compare (report only)
#   scripts/ci-bench.sh --record   run both and write them as the baselines
#
# The comparison cannot fail on timings (a shared CI machine is too noisy
# for that); the job fails on unusable input or a case that fails to run.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${LAPBENCH_BUILD:-build/release}
out=${CI_BENCH_OUT:-build/ci-bench}
baselines=results/baselines
lapbench=$build/harness/lapbench
kernels=$build/kernels/bench/lapbench-kernels

# Q4_0 and Q8_0 matvec at Llama 3.2 1B's attention shape, one thread, with
# the portable variant and AVX2 (which most x86 CI machines run).
kernel_filter='^BM_MatVec/(ref|avx2)/(q4_0|q8_0)/llama32_1b_attn_q_2048x2048/n_threads:1/'

record=false
case "${1:-}" in
  --record) record=true ;;
  "") ;;
  *) echo "usage: $0 [--record]" >&2; exit 2 ;;
esac

if ! $record; then
  for baseline in "$baselines/kernels.json" "$baselines/ci-bench/report.json"; do
    if [ ! -f "$baseline" ]; then
      echo "ci-bench: error: no baseline '$baseline' (expected one recorded" \
        "with scripts/ci-bench.sh --record and committed)" >&2
      exit 2
    fi
  done
fi

# Runs "$@" with its stdout in $log, shown only when the command fails.
quietly() {
  local log=$1
  shift
  if ! "$@" >"$log"; then
    cat "$log"
    echo "ci-bench: failed: $*" >&2
    exit 1
  fi
}

rm -rf "$out"
mkdir -p "$out"

echo "ci-bench: kernels ($kernel_filter)" >&2
quietly "$out/kernels.txt" "$kernels" --benchmark_filter="$kernel_filter" \
  --benchmark_repetitions=5 --benchmark_min_time=0.05 \
  --benchmark_out="$out/kernels.json" --benchmark_out_format=json

echo "ci-bench: engine (lapbench run --suite ci-bench)" >&2
quietly "$out/engine.txt" "$lapbench" run --suite ci-bench --out "$out/engine"

if $record; then
  mkdir -p "$baselines/ci-bench"
  cp "$out/kernels.json" "$baselines/kernels.json"
  cp "$out/engine/report.json" "$baselines/ci-bench/report.json"
  echo "ci-bench: baselines written to $baselines/" >&2
  exit 0
fi

# Report only: every verdict is printed, a regression does not fail.
# Writes $out/$3.md (the table) and $out/$3-junit.xml.
compare() {
  "$lapbench" compare "$1" "$2" --report-only --allow-different-machine \
    --junit "$out/$3-junit.xml" | tee "$out/$3.md"
}
compare "$baselines/kernels.json" "$out/kernels.json" kernels
compare "$baselines/ci-bench/report.json" "$out/engine/report.json" engine
