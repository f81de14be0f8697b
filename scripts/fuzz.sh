#!/usr/bin/env bash
# Runs one fuzz target for as long as you like (CI runs each for HVR_FUZZ_SECONDS only).
# Builds the asan preset (clang, libFuzzer, AddressSanitizer + UBSan) first.
#
#   scripts/fuzz.sh                      lists the targets
#   scripts/fuzz.sh hrl_reader_fuzz 3600 runs one for an hour
# New inputs that reach new code land in build/asan/tests/fuzz/TARGET.found; copy the
# interesting ones into the target's committed corpus.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/install-deps.sh"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)"

if [[ $# -lt 1 ]]; then
  echo "fuzz targets:"
  ctest --preset asan -N -L fuzz | sed -n 's/.*Test *#[0-9]*: fuzz\./  /p'
  exit 0
fi
target=$1
seconds=${2:-600}
# The CTest entry knows the binary and its corpus folders; run it with the requested time.
command=$(ctest --preset asan -R "^fuzz\.${target}\$" -N -V | sed -n 's/.*Test command: //p' | head -1)
[[ -n "$command" ]] || { echo "no fuzz target named $target"; exit 2; }
eval "${command//-max_total_time=[0-9]*/-max_total_time=$seconds}"
