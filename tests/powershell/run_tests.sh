#!/usr/bin/env bash
# Installs the build into a temporary prefix and runs the xunit tests of the PowerShell
# module (HvReplication.Tests.csproj) against the module installed there.
#   run_tests.sh BUILD_DIR SOURCE_DIR DOTNET [dotnet test arguments...]
set -euo pipefail
build=$1
source=$2
dotnet=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
export HVR_TEST_MODULE="$work/prefix/share/hvr/powershell/HvReplication/HvReplication.psd1"
export HVR_TEST_AZURITE="$source/.deps/azurite/node_modules/.bin/azurite-blob"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The test process must find the module's libhvr, not one the environment names.
unset HVR_LIBRARY
"$dotnet" test "$source/tests/powershell/HvReplication.Tests.csproj" --nologo \
  --artifacts-path "$build/powershell/tests" --logger "console;verbosity=normal" "$@"
