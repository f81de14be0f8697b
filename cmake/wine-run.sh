#!/usr/bin/env bash
# Runs a Windows program under Wine: the CMAKE_CROSSCOMPILING_EMULATOR of the windows
# preset (cmake/toolchain-mingw64.cmake). The Wine prefix is the project's own, never the
# user's ~/.wine: ${HVR_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/hvr/wine}, created on
# first use (about 20 seconds), once even when tests start in parallel.
set -euo pipefail

# shellcheck source=scripts/user-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/user-cache.sh"
export WINEPREFIX=${HVR_WINEPREFIX:-$HVR_USER_CACHE/wine}
export WINEDEBUG=-all
# No Mono or Gecko install prompts: nothing here needs .NET or a browser engine. No
# debugger either: Wine starts winedbg on a crash, and one that came as a test program
# exited (its output complete) left winedbg waiting, the program never ending until the
# test's timeout; without it the crash ends the program at once, failing its test.
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
wine=${HVR_WINE:-/usr/lib/wine/wine64}

if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  (
    flock 9
    if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
      "$wine" wineboot --init >/dev/null 2>&1
      "$(dirname "$wine")/wineserver" -w
    fi
  ) 9>"$WINEPREFIX.lock"
fi
exec "$wine" "$@"
