#!/usr/bin/env bash
# The independent side of hrl_apply_integration_test (hrl_apply_test.cc), run natively
# before the test program in a CTest fixture, so that the same program runs on Linux and,
# as a Windows program, under Wine, which cannot drive the qemu tools (docs/windows.md):
#   hrl_images.sh make FOLDER   FOLDER/base.img, a raw disk of 32 MiB filled with 0x5c;
#                               FOLDER/writes, the writes of three logs, one a line:
#                               "LOG OFFSET LENGTH PATTERN" (sector writes mostly, some
#                               unaligned, many overlapping in a hot first MiB);
#                               FOLDER/expected.img, base.img with those writes made by
#                               qemu-io, log after log.
set -euo pipefail
action=$1 folder=$2
[[ $action == make ]] || { echo "usage: hrl_images.sh make FOLDER" >&2; exit 2; }
disk=$((32 << 20))
rm -rf "$folder"
mkdir -p "$folder"
qemu-img create -q -f raw "$folder/base.img" "$disk"
qemu-io -f raw -c "write -P 0x5c 0 $disk" "$folder/base.img" >/dev/null
cp "$folder/base.img" "$folder/expected.img"

# The same writes every time: RANDOM seeded, and read in this shell alone (a subshell
# seeds its own).
RANDOM=7
next() { r=$(((RANDOM << 15) | RANDOM)); }
: >"$folder/writes"
for log in 0 1 2; do
  commands=()
  for ((i = 0; i < 60 + 20 * log; ++i)); do
    next; hot=$((r % 3 == 0))
    next; unaligned=$((r % 5 == 0))
    next
    if ((unaligned)); then length=$((1 + r % 3000)); else length=$((512 * (1 + r % 64))); fi
    if ((hot)); then span=$((1 << 20)); else span=$disk; fi
    next; offset=$((r % (span - length)))
    ((unaligned)) || offset=$((offset / 512 * 512))
    next; pattern=$((1 + r % 255))
    echo "$log $offset $length $pattern" >>"$folder/writes"
    commands+=(-c "write -P $pattern $offset $length")
  done
  qemu-io -f raw "${commands[@]}" "$folder/expected.img" >/dev/null
done
echo "base, writes and qemu-io's image in $folder"
