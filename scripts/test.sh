#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the default (gcc,
# RelWithDebInfo), asan (clang, AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer)
# and windows (MinGW-w64, run under Wine; docs/windows.md) presets, runs every test in
# each, and prints a summary.
#
#   scripts/test.sh              the three presets
#   scripts/test.sh default      one preset
# Environment: HVR_FUZZ_SECONDS (default 20) is how long each fuzzer runs under asan;
# CCACHE_DIR and CCACHE_MAXSIZE, where the compiler cache is and its size
# (scripts/compiler-cache.sh).
#
# The summary ends with the wall time of each phase, so a run shows where CI's budget goes
# (docs/ci-time.md).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
# shellcheck source=scripts/compiler-cache.sh
source "$root/scripts/compiler-cache.sh"

# Wall time of each phase: "phase_start" before it, "phase_end NAME" after it.
phase_times=()
phase_began=$SECONDS
run_began=$SECONDS
record_time() { phase_times+=("$(printf '%-40s %3dm%02ds' "$1" $(($2 / 60)) $(($2 % 60)))"); }
phase_start() { phase_began=$SECONDS; }
phase_end() { record_time "$1" $((SECONDS - phase_began)); }

phase_start
"$root/scripts/install-deps.sh" || { echo "install-deps failed"; exit 1; }
phase_end install-deps

presets=("$@")
((${#presets[@]})) || presets=(default asan windows)
if [[ " ${presets[*]} " == *" windows "* ]]; then
  phase_start
  "$root/scripts/windows-deps.sh" || { echo "windows-deps failed"; exit 1; }
  phase_end windows-deps
fi
jobs=$(nproc)

total_passed=0
total_failed=0
summary=()
cache_lines=()
for preset in "${presets[@]}"; do
  echo "=== $preset: configure and build"
  phase_start
  # Line tables rather than full debug information: reports still name files and lines,
  # and the builds take about a third less compiler time (docs/ci-time.md).
  if ! cmake --preset "$preset" -DHVR_FUZZ_SECONDS="${HVR_FUZZ_SECONDS:-20}" -DHVR_DEBUG_INFO=lines \
    "${compiler_cache_configure_args[@]}" >/dev/null; then
    phase_end "$preset: configure and build"
    summary+=("$preset: configure failed")
    total_failed=$((total_failed + 1))
    continue
  fi
  compiler_cache_begin "$preset"
  if ! cmake --build --preset "$preset" -j "$jobs"; then
    phase_end "$preset: configure and build"
    cache_lines+=("$(compiler_cache_report "$preset")")
    summary+=("$preset: build failed")
    total_failed=$((total_failed + 1))
    continue
  fi
  phase_end "$preset: configure and build"
  cache_lines+=("$(compiler_cache_report "$preset")")
  echo "=== $preset: test"
  log="build/$preset/ctest.log"
  phase_start
  ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
  phase_end "$preset: test"
  # The PowerShell tests run beside the others; ctest's label summary adds up their own times.
  powershell=$(sed -nE 's/^ *powershell *= *([0-9]+)[.0-9]* sec.*/\1/p' "$log" | tail -1)
  [[ -z "$powershell" ]] || record_time "$preset: PowerShell tests (among them)" "$powershell"
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
echo "=== time (wall)"
record_time total $((SECONDS - run_began))
printf '%s\n' "${phase_times[@]}"
echo
echo "=== compiler cache${CCACHE_DIR:+ ($CCACHE_DIR)}"
printf '%s\n' "${cache_lines[@]}"
echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "${total_passed} passed, ${total_failed} failed"
((total_failed == 0))
