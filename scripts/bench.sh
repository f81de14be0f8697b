#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks: every Google Benchmark program, then
# every side-by-side comparison script (benchmarks/compare_*.sh). Figures go into
# docs/benchmarks.md by hand, with the command that produced them.
#
#   scripts/bench.sh               everything
#   scripts/bench.sh hrl           programs and scripts whose name contains "hrl"
#   scripts/bench.sh wan delta     the parts named after the filter go to the scripts:
#                                  here compare_wan.sh's delta cycle alone (initial,
#                                  delta, many; sizes from WAN_* variables, see the script)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/install-deps.sh"
filter=${1:-}
parts=("${@:2}")

cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

for program in build/release/benchmarks/*_bench; do
  [[ -x "$program" && "$program" == *"$filter"* ]] || continue
  echo "=== $(basename "$program")"
  "$program"
done
for script in benchmarks/compare_*.sh; do
  [[ -f "$script" && "$script" == *"$filter"* ]] || continue
  echo "=== $(basename "$script")"
  bash "$script" "$root/build/release" "${parts[@]}"
done
