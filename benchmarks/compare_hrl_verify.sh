#!/usr/bin/env bash
# Reading and verifying a 1 GiB replica log against a plain sequential read of the same
# file, in one run (target: at least half the plain read's throughput), and the extent
# map's random 4 KiB writes over 1 TiB (target: 5 million a second).
#
#   benchmarks/compare_hrl_verify.sh BUILD_DIR     (scripts/bench.sh passes build/release)
set -euo pipefail
build=${1:?usage: compare_hrl_verify.sh BUILD_DIR}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Medians of five repetitions, run in random order: the figures move with whatever else
# runs on the machine, and interleaving keeps a change of load from favouring one side.
"$build/benchmarks/hrl_bench" \
  --benchmark_filter='BM_PlainSequentialRead|BM_VerifyLog|BM_ExtentMapAddReference' \
  --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$out"
jq -r '
  def rate(name): [.benchmarks[] | select(.name == name + "_median")][0];
  def gbs(b): (b.bytes_per_second / 1e9);
  rate("BM_PlainSequentialRead/min_time:2.000/real_time") as $plain |
  rate("BM_VerifyLog/copy_out:0/min_time:2.000/real_time") as $verify |
  rate("BM_VerifyLog/copy_out:1/min_time:2.000/real_time") as $copy |
  rate("BM_ExtentMapAddReference/writes:1048576/reused:1") as $reused |
  rate("BM_ExtentMapAddReference/writes:1048576/reused:0") as $fresh |
  "plain sequential read      \(gbs($plain) * 100 | round / 100) GB/s",
  "verify log                 \(gbs($verify) * 100 | round / 100) GB/s  ratio \(($verify.bytes_per_second / $plain.bytes_per_second) * 100 | round / 100) (target >= 0.5)",
  "verify log, data copied    \(gbs($copy) * 100 | round / 100) GB/s  ratio \(($copy.bytes_per_second / $plain.bytes_per_second) * 100 | round / 100)",
  "extent map, map reused     \($reused.items_per_second / 1e6 * 10 | round / 10) M writes/s (target >= 5)",
  "extent map, new map        \($fresh.items_per_second / 1e6 * 10 | round / 10) M writes/s"
' "$out"
