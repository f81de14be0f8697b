# Starting and stopping the project's pinned Azurite on 127.0.0.1, for scripts (the
# demo, the comparisons); tests have their own fixture (tests/test_util/azurite.hpp).
# Source it, then:
#   azurite_start FOLDER [EXTRA_ARGS...]   starts Azurite with its data in FOLDER/azurite
#                                          (in memory with --inMemoryPersistence; HTTPS
#                                          with --cert and --key) and sets
#                                          $azurite_connection (no Container=)
#   azurite_stop                           stops it and removes its data
#   azure_sdk_install                      installs the pinned @azure/storage-blob into
#                                          $azure_sdk (.deps/azure-storage-blob), the
#                                          reference client of the comparisons
# shellcheck shell=bash

azurite_pid=
azurite_folder=
azurite_connection=

azurite_start() {
  local folder=$1
  shift
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local azurite="$root/.deps/azurite/node_modules/.bin/azurite-blob"
  [[ -x "$azurite" ]] || { echo "Azurite is not installed: run scripts/install-deps.sh" >&2; return 1; }
  azurite_folder="$folder/azurite"
  mkdir -p "$azurite_folder"
  local location=(--location "$azurite_folder")
  [[ " $* " == *" --inMemoryPersistence "* ]] && location=()
  "$azurite" --blobHost 127.0.0.1 --blobPort 0 "${location[@]}" --disableTelemetry --silent "$@" \
    >"$folder/azurite.log" 2>&1 &
  azurite_pid=$!
  local port=
  for _ in $(seq 1 900); do
    port=$(sed -n 's/.*listens on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$folder/azurite.log")
    [[ -n "$port" ]] && break
    kill -0 "$azurite_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    cat "$folder/azurite.log" >&2
    return 1
  fi
  # The development account's key is public (Azurite's documentation).
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  local scheme=http
  [[ " $* " == *" --cert "* ]] && scheme=https
  azurite_connection="DefaultEndpointsProtocol=$scheme;AccountName=devstoreaccount1;AccountKey=$key"
  azurite_connection+=";BlobEndpoint=$scheme://127.0.0.1:$port/devstoreaccount1"
}

azurite_stop() {
  if [[ -n "$azurite_pid" ]]; then
    kill "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
    azurite_pid=
  fi
  [[ -n "$azurite_folder" ]] && rm -rf "$azurite_folder"
  azurite_folder=
}

azure_sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps/azure-storage-blob"

azure_sdk_install() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  # shellcheck source=scripts/versions.sh
  source "$here/versions.sh"
  [[ "$(cat "$azure_sdk/.installed" 2>/dev/null)" == "$HVR_AZURE_STORAGE_BLOB_VERSION" ]] && return
  echo "installing @azure/storage-blob@$HVR_AZURE_STORAGE_BLOB_VERSION into .deps/azure-storage-blob" >&2
  mkdir -p "$azure_sdk"
  npm install --prefix "$azure_sdk" --no-audit --no-fund --loglevel=error \
    "@azure/storage-blob@$HVR_AZURE_STORAGE_BLOB_VERSION" >/dev/null
  echo "$HVR_AZURE_STORAGE_BLOB_VERSION" >"$azure_sdk/.installed"
}
