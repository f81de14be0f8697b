#!/usr/bin/env bash
# A soak of the fault-injection suite (docs/fault-injection.md): the scenario of the
# suite run over and over for MINUTES minutes against Azurite, 1 % of requests faulted,
# hvrepl killed with SIGKILL every one to four minutes, every recovery point checked after
# each kill and each step. It prints the faults injected by kind, the kills, the points
# checked and the bytes sent against runs without faults. Builds the default preset first.
#
#   scripts/soak.sh MINUTES [SEED]      e.g. scripts/soak.sh 60
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ $# -lt 1 || ! "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/soak.sh MINUTES [SEED]   (MINUTES: a whole number, 1 or more)" >&2
  exit 2
fi
seed=${2:-1}
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "scripts/soak.sh: SEED is a whole number" >&2; exit 2; }
"$root/scripts/install-deps.sh"
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target fault_suite_test
HVR_SOAK_MINUTES=$1 HVR_SOAK_SEED=$seed \
  build/default/tests/integration/fault_suite_test --gtest_filter='FaultSuiteTest.Soak'
