#!/usr/bin/env bash
# Makes the Windows zip with cpack and checks what it holds: hvr.dll without symbols, its
# import library, hvr.h, hvrepl.exe and hvr-guest.exe, the PowerShell module, and no file of
# the build machine.
#   check_windows_package.sh BUILD_DIR OBJDUMP
set -euo pipefail
build=$1
objdump=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -B "$work" >"$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
zip=$(ls "$work"/hvr-*-windows-x64.zip)
listing=$(zipinfo -1 "$zip")
status=0
for expected in bin/hvr.dll bin/libwinpthread-1.dll lib/libhvr.dll.a include/hvr.h bin/hvrepl.exe bin/hvr-guest.exe \
  share/hvr/powershell/HvReplication/HvReplication.psd1 share/hvr/powershell/HvReplication/HvReplication.psm1 \
  share/hvr/powershell/HvReplication/HvReplication.dll share/hvr/powershell/HvReplication/HvReplication.dll-Help.xml \
  share/hvr/powershell/HvReplication/HvReplication.Format.ps1xml \
  share/hvr/powershell/HvReplication/hvr.dll share/hvr/powershell/HvReplication/libwinpthread-1.dll; do
  grep -q "/$expected\$" <<<"$listing" || { echo "missing from $(basename "$zip"): $expected"; status=1; }
done
# Stripped: no symbol table and no debug sections left in the DLL.
unzip -q -d "$work/unpacked" "$zip"
dll=$(find "$work/unpacked" -path '*/bin/hvr.dll')
if "$objdump" -h "$dll" | grep -q '\.debug_'; then
  echo "hvr.dll in the zip carries debug sections"; status=1
fi
if "$objdump" -t "$dll" | grep -q '^\['; then
  echo "hvr.dll in the zip carries a symbol table"; status=1
fi
((status == 0)) && echo "$(basename "$zip"): $(wc -l <<<"$listing") files, hvr.dll stripped"
exit $status
