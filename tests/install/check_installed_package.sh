#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds examples/embed.c against it the
# two ways a consumer would (CMake's find_package and pkg-config) and runs both; checks the
# PowerShell module is installed whole when the build made it (the .NET SDK was found).
set -euo pipefail
build=$1
source=$2
cc=$3
flags=${4:-}  # extra compile and link flags, e.g. sanitizers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
lib="$work/prefix/lib"
[[ -d "$lib" ]] || lib=$(dirname "$(find "$work/prefix" -name 'libhvr.so' | head -1)")
soname=$(objdump -p "$lib/libhvr.so" | awk '/SONAME/ {print $2}')
[[ "$soname" =~ ^libhvr\.so\.[0-9]+$ ]] || { echo "unexpected SONAME '$soname'"; exit 1; }
[[ -f "$lib/libhvr.a" ]] || { echo "libhvr.a not installed"; exit 1; }
[[ -f "$work/prefix/include/hvr.h" && -f "$work/prefix/include/hvr/error.hpp" ]] ||
  { echo "headers not installed"; exit 1; }

# The PowerShell module: manifest, script, the compiled C# layer, its help, its views and the
# native library.
module="$work/prefix/share/hvr/powershell/HvReplication"
if [[ -f "$build/powershell/HvReplication/HvReplication.dll" ]]; then
  for file in HvReplication.psd1 HvReplication.psm1 HvReplication.dll HvReplication.dll-Help.xml HvReplication.Format.ps1xml \
    "$soname"; do
    [[ -f "$module/$file" ]] || { echo "PowerShell module incomplete: no $file in $module"; exit 1; }
  done
  module_note="PowerShell module in place"
else
  [[ ! -e "$module" ]] || { echo "PowerShell module installed without its HvReplication.dll"; exit 1; }
  module_note="PowerShell module not built (no .NET SDK)"
fi

# 1. CMake package.
cmake -S "$source/examples/embed" -B "$work/cmake-build" -G Ninja \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
LD_LIBRARY_PATH="$lib" "$work/cmake-build/embed" "$work/run-cmake"

# 2. pkg-config.
PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --exists hvr
# shellcheck disable=SC2046
"$cc" -std=c99 -pedantic -Wall -Werror -o "$work/embed-pc" "$source/examples/embed/embed.c" \
  $(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags --libs hvr) $flags
LD_LIBRARY_PATH="$lib" "$work/embed-pc" "$work/run-pc"
echo "installed package: SONAME $soname, find_package and pkg-config consumers run, $module_note"
