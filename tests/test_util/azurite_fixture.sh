#!/usr/bin/env bash
# Azurite on 127.0.0.1, natively, for the tests of the Windows build under Wine (a
# Windows program cannot start or stop a Linux one there): a CTest fixture's setup starts
# it and leaves it running; its cleanup stops it. The test programs find it through
# HVR_TEST_AZURITE=FOLDER (tests/test_util/azurite.hpp), the scripts read the connection.
#   azurite_fixture.sh start FOLDER   writes FOLDER/connection (no Container=), FOLDER/port
#                                     and FOLDER/pid; Azurite's output is FOLDER/azurite.log
#   azurite_fixture.sh stop FOLDER
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
action=$1 folder=$2
# shellcheck source=scripts/azurite.sh
source "$here/../../scripts/azurite.sh"

case "$action" in
  start)
    rm -rf "$folder"
    mkdir -p "$folder"
    azurite_start "$folder" --inMemoryPersistence </dev/null
    echo "$azurite_pid" >"$folder/pid"
    echo "$azurite_connection" >"$folder/connection"
    port=${azurite_connection##*127.0.0.1:}
    echo "${port%%/*}" >"$folder/port"
    ;;
  stop)
    [[ -f "$folder/pid" ]] && kill "$(cat "$folder/pid")" 2>/dev/null || true
    rm -rf "$folder"
    ;;
  *) echo "usage: azurite_fixture.sh start|stop FOLDER" >&2; exit 2 ;;
esac
