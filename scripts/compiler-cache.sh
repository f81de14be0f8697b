# Sourced by scripts/test.sh: where ccache is installed, every preset compiles through it,
# with its cache outside the clone, so that a later run, from this clone or another one at
# any path, compiles only what changed (docs/ci-time.md). The presets themselves name no
# launcher, so a developer's own choice for their builds stands.
#
#   compiler_cache_configure_args   what to give each preset's configure
#   compiler_cache_begin PRESET     before a preset's build
#   compiler_cache_report PRESET    after it: one line, how many compilations the cache served
#
# The cache is $CCACHE_DIR when the caller set it, else $HVR_USER_CACHE/ccache, at most
# $CCACHE_MAXSIZE (5 GB unless set; three presets take about 1.5 GB).
# shellcheck shell=bash
# shellcheck source=scripts/user-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/user-cache.sh"

compiler_cache_configure_args=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR="${CCACHE_DIR:-$HVR_USER_CACHE/ccache}"
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  # Paths under the clone are hashed relative to it, so another clone at another path hits.
  export CCACHE_BASEDIR="$root"
  # With line tables, ccache would also hash the build folder, which names the clone. Without
  # it, an object from the cache keeps the line tables of the clone that compiled it: a report
  # may name a file under that clone's path, with the right file and line.
  export CCACHE_NOHASHDIR=1
  # The test programs' precompiled header (clang, the asan preset; tests/CMakeLists.txt): ccache
  # caches what uses one only when told that its macros and __TIME__ need not be checked.
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:+$CCACHE_SLOPPINESS,}pch_defines,time_macros"
  compiler_cache_configure_args=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# Each preset's compilations are logged in its build tree, so that the count is that build's
# alone, whatever else shares the cache.
compiler_cache_begin() {
  ((${#compiler_cache_configure_args[@]})) || return 0
  export CCACHE_STATSLOG="$root/build/$1/ccache-stats.log"
  rm -f "$CCACHE_STATSLOG"
}

compiler_cache_report() {
  ((${#compiler_cache_configure_args[@]})) || { echo "$1: compiled without a cache (ccache is not installed)"; return 0; }
  local log="$root/build/$1/ccache-stats.log" calls=0 hits=0 misses=0
  if [[ -f "$log" ]]; then
    calls=$(grep -c '^# ' "$log")
    hits=$(grep -cxE '(direct|preprocessed)_cache_hit' "$log")
    misses=$(grep -cx 'cache_miss' "$log")
  fi
  local rate=0
  ((calls == 0)) || rate=$((100 * hits / calls))
  echo "$1: ccache served $hits of $calls compilations ($rate %), $misses compiled, $((calls - hits - misses)) not cacheable"
}
