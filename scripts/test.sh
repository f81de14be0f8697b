#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the default (gcc,
# RelWithDebInfo), asan (clang, AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer)
# and windows (MinGW-w64, run under Wine; docs/windows.md) presets, runs every test in
# each, and prints a summary.
#
#   scripts/test.sh              the three presets
#   scripts/test.sh default      one preset
# Environment: HVR_FUZZ_SECONDS (default 20) is how long each fuzzer runs under asan.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
"$root/scripts/install-deps.sh" || { echo "install-deps failed"; exit 1; }

presets=("$@")
((${#presets[@]})) || presets=(default asan windows)
if [[ " ${presets[*]} " == *" windows "* ]]; then
  "$root/scripts/windows-deps.sh" || { echo "windows-deps failed"; exit 1; }
fi
jobs=$(nproc)

total_passed=0
total_failed=0
summary=()
for preset in "${presets[@]}"; do
  echo "=== $preset: configure and build"
  if ! cmake --preset "$preset" -DHVR_FUZZ_SECONDS="${HVR_FUZZ_SECONDS:-20}" >/dev/null; then
    summary+=("$preset: configure failed")
    total_failed=$((total_failed + 1))
    continue
  fi
  if ! cmake --build --preset "$preset" -j "$jobs"; then
    summary+=("$preset: build failed")
    total_failed=$((total_failed + 1))
    continue
  fi
  echo "=== $preset: test"
  log="build/$preset/ctest.log"
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [[ -z "$line" ]]; then
    summary+=("$preset: ctest did not finish")
    total_failed=$((total_failed + 1))
    continue
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  count=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  total_passed=$((total_passed + count - failed))
  total_failed=$((total_failed + failed))
  summary+=("$preset: $((count - failed)) passed, $failed failed")
done

# The PowerShell module needs the .NET SDK, which a fresh Debian 12 lacks (docs/powershell.md).
if ! command -v dotnet >/dev/null 2>&1; then
  summary+=("PowerShell tests skipped: the .NET SDK (dotnet) is not installed, so the module and its C# layer are neither built nor tested")
fi

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "${total_passed} passed, ${total_failed} failed"
((total_failed == 0))
