#!/usr/bin/env bash
# Fails when libhvr.so (or hvr.dll) exports anything but hvr_* functions, or when its
# exports differ from the list kept in the repository (capi/hvr.symbols). A symbol may be
# added with an update of the list; removing one needs an ABI version bump (docs/c-api.md).
#   check_exported_symbols.sh LIBRARY LIST [OBJDUMP]
# With OBJDUMP (x86_64-w64-mingw32-objdump), LIBRARY is a DLL and its export table is read.
set -euo pipefail
lib=$1
expected=$2
objdump=${3:-}

if [[ -n "$objdump" ]]; then
  # The export table's name pointer table: lines "\t[   0] hvr_abi_version".
  actual=$("$objdump" -p "$lib" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
    sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | sort -u)
else
  actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
fi
stray=$(grep -v '^hvr_' <<<"$actual" || true)
if [[ -n "$stray" ]]; then
  echo "libhvr exports symbols outside the hvr_ prefix:"; echo "$stray"; exit 1
fi

missing=$(comm -23 <(grep -v '^#' "$expected" | sed '/^$/d' | sort -u) <(echo "$actual"))
added=$(comm -13 <(grep -v '^#' "$expected" | sed '/^$/d' | sort -u) <(echo "$actual"))
status=0
if [[ -n "$missing" ]]; then
  echo "symbols in capi/hvr.symbols that libhvr no longer exports (an ABI break: bump HVR_ABI_VERSION and the list):"
  echo "$missing"; status=1
fi
if [[ -n "$added" ]]; then
  echo "symbols libhvr exports that capi/hvr.symbols does not list (add them to the list):"
  echo "$added"; status=1
fi
((status == 0)) && echo "libhvr exports $(wc -l <<<"$actual") hvr_* symbols, as listed"
exit $status
