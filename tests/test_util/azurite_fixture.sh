#!/usr/bin/env bash
# Azurite on 127.0.0.1, natively, for the tests of the Windows build under Wine (a
# Windows program cannot start or stop a Linux one there, nor run the openssl program): a
# CTest fixture's setup starts it, over HTTP, over HTTPS and over HTTPS taking Entra ID
# tokens, and leaves them running; its cleanup stops them. The test programs find them
# through HVR_TEST_AZURITE=FOLDER (tests/test_util/azurite.hpp), the scripts read the
# connection.
#   azurite_fixture.sh start FOLDER   HTTP: writes FOLDER/connection (no Container=),
#                                     FOLDER/port and FOLDER/pid; Azurite's output is
#                                     FOLDER/azurite.log. HTTPS: the same in FOLDER/https,
#                                     with the certificate it serves (and the CA to trust)
#                                     in FOLDER/https/loopback.pem, its key beside it.
#                                     Entra ID (--oauth basic, the same certificate): the
#                                     same in FOLDER/oauth, and the application
#                                     certificates "app" and "other" in FOLDER/entra
#                                     (client_certificate.sh)
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
    # started: FOLDER [EXTRA_ARGS...] records the Azurite just started in FOLDER
    started() {
      local at=$1
      shift
      azurite_start "$at" --inMemoryPersistence "$@" </dev/null
      echo "$azurite_pid" >"$at/pid"
      echo "$azurite_connection" >"$at/connection"
      local port=${azurite_connection##*127.0.0.1:}
      echo "${port%%/*}" >"$at/port"
    }
    "$here/server_certificate.sh" "$folder/https" loopback 127.0.0.1
    tls=(--cert "$folder/https/loopback.pem" --key "$folder/https/loopback-key.pem")
    # Side by side: each spends seconds loading Node's modules before it listens.
    starting=()
    started "$folder" &
    starting+=($!)
    started "$folder/https" "${tls[@]}" &
    starting+=($!)
    started "$folder/oauth" "${tls[@]}" --oauth basic &
    starting+=($!)
    "$here/client_certificate.sh" "$folder/entra" app other
    for pid in "${starting[@]}"; do wait "$pid"; done
    ;;
  stop)
    for pid in "$folder/pid" "$folder/https/pid" "$folder/oauth/pid"; do
      [[ -f "$pid" ]] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    rm -rf "$folder"
    ;;
  *) echo "usage: azurite_fixture.sh start|stop FOLDER" >&2; exit 2 ;;
esac
