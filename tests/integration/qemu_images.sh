#!/usr/bin/env bash
# The independent side of disk_integration_test (disk_qemu_test.cc), run natively around
# the test program so that the same program runs on Linux and, as a Windows program, under
# Wine, which cannot drive the qemu tools (docs/windows.md). A CTest fixture:
#   qemu_images.sh make FOLDER    images qemu-img makes and qemu-io writes, in FOLDER/made,
#                                 each NAME.vhdx or NAME.vhd beside NAME.raw, its content as
#                                 qemu-img convert gives it; FOLDER/out emptied for the test
#   qemu_images.sh check FOLDER   the checks the test asked for: each case wrote
#                                 FOLDER/out/CASE/checks, one check a line, paths relative
#                                 to that folder:
#       check FORMAT IMAGE            qemu-img check finds nothing wrong
#       same FORMAT IMAGE RAW         qemu-img compare finds the image equal to RAW
#       size FORMAT IMAGE BYTES       qemu-img info gives that virtual size
#       vhdi IMAGE BYTES TYPE [PARENT] vhdiinfo gives that media size, disk type ("Dynamic",
#                                     "Fixed", "Differential") and parent identifier
#       replay IMAGE                  qemu-io opens the VHDX writable, replaying its log
#       layers IMAGE RAW...           vhdimount shows each layer of the chain (root parent
#                                     first) equal to its RAW, where FUSE mounts are possible
# Every failed check is named with its case and line; the script fails if any did, or if a
# case wrote no checks at all.
set -uo pipefail
action=$1 folder=$2

# made NAME FORMAT SIZE OPTIONS [OFFSET LENGTH PATTERN]...: an image qemu made and wrote.
made() {
  local name=$1 format=$2 size=$3 options=$4
  shift 4
  local extension=vhdx writes=()
  [[ $format == vpc ]] && extension=vhd
  local image=$folder/made/$name.$extension
  qemu-img create -q -f "$format" ${options:+-o "$options"} "$image" "$size" || exit 1
  while (($#)); do
    writes+=(-c "write -P $3 $1 $2")
    shift 3
  done
  if ((${#writes[@]})); then qemu-io -f "$format" "${writes[@]}" "$image" >/dev/null || exit 1; fi
  qemu-img convert -f "$format" -O raw "$image" "$folder/made/$name.raw" || exit 1
}

make_images() {
  rm -rf "$folder"
  mkdir -p "$folder/made" "$folder/out" || exit 1
  local MiB=1048576
  # Scattered writes: block starts, sector-unaligned lengths, across block boundaries, and
  # the end of the disk.
  local scattered=(0 4096 0x11 $((MiB + 512)) $((3 * MiB)) 0x22 $((9 * MiB - 1024)) 2048 0x33
                   $((17 * MiB + 4096)) $((100 * 1024)) 0x44 $((40 * MiB - 8192)) 8192 0x55)
  made vhdx_dynamic vhdx 40M subformat=dynamic,block_size=1048576 "${scattered[@]}"
  made vhdx_dynamic_32m vhdx 40M subformat=dynamic "${scattered[@]}"
  made vhdx_fixed vhdx 40M subformat=fixed,block_size=8388608 "${scattered[@]}"
  made vhd_dynamic vpc 40M subformat=dynamic "${scattered[@]}"
  made vhd_fixed vpc 40M subformat=fixed "${scattered[@]}"
  # For hvr to write into, one block already qemu's.
  made into_vhdx vhdx 24M subformat=dynamic $((2 * MiB)) $MiB 0x66
  made into_vhd vpc 24M subformat=dynamic $((2 * MiB)) $MiB 0x66
  echo "qemu-made images in $folder/made"
}

failures=0
# fail CASE LINE WHY...
fail() {
  echo "FAILED $1: $2: ${*:3}"
  failures=$((failures + 1))
}

# vhdi_field IMAGE LABEL: the value vhdiinfo gives after "LABEL:".
vhdi_field() {
  vhdiinfo "$1" 2>/dev/null | sed -nE "s/^[[:space:]]*$2[[:space:]]*:[[:space:]]*(.*)$/\1/p" | head -1
}

# layers CASE LINE IMAGE RAW...: each layer vhdimount shows equals its raw file.
check_layers() {
  local case=$1 line=$2 image=$3
  shift 3
  local mount_point
  mount_point=$(mktemp -d) || exit 1
  if [[ ! -w /dev/fuse ]] || ! vhdimount "$image" "$mount_point" >/dev/null 2>&1; then
    echo "$case: vhdimount not available here (no FUSE mount), layers not compared"
    rmdir "$mount_point"
    return
  fi
  # The FUSE daemon serves the mount point once it has started.
  local wait
  for wait in $(seq 100); do [[ -e $mount_point/vhdi1 ]] && break; sleep 0.02; done
  [[ -e $mount_point/vhdi$# && ! -e $mount_point/vhdi$(($# + 1)) ]] ||
    fail "$case" "$line" "vhdimount does not show $# layers"
  local layer=1 raw
  for raw in "$@"; do
    cmp -s "$mount_point/vhdi$layer" "$raw" || fail "$case" "$line" "libvhdi reads layer $layer differently from $raw"
    layer=$((layer + 1))
  done
  fusermount -u "$mount_point" 2>/dev/null || umount "$mount_point"
  rmdir "$mount_point"
}

# check_case FOLDER: every check the case in FOLDER asked for.
check_case() {
  local at=$1 case
  case=$(basename "$at")
  if [[ ! -s $at/checks ]]; then
    fail "$case" "-" "no checks written (the case failed before it wrote them, or wrote none)"
    return
  fi
  local line
  while IFS= read -r line; do
    read -r -a word <<<"$line"
    # Each check in a subshell of the case's folder, which counts its own failures.
    (failures=0 && cd "$at" && case ${word[0]} in
      check) qemu-img check -q -f "${word[1]}" "${word[2]}" >/dev/null 2>&1 ||
               fail "$case" "$line" "$(qemu-img check -f "${word[1]}" "${word[2]}" 2>&1 | tail -3)" ;;
      same) qemu-img compare -q -f "${word[1]}" -F raw "${word[2]}" "${word[3]}" >/dev/null 2>&1 ||
              fail "$case" "$line" "$(qemu-img compare -f "${word[1]}" -F raw "${word[2]}" "${word[3]}" 2>&1 | tail -2)" ;;
      size) size=$(qemu-img info --output=json -f "${word[1]}" "${word[2]}" | sed -nE 's/.*"virtual-size": ([0-9]+).*/\1/p')
            [[ $size == "${word[3]}" ]] || fail "$case" "$line" "qemu-img gives virtual size $size" ;;
      vhdi) size=$(vhdi_field "${word[1]}" "Media size")
            size=${size##*(}; size=${size%% bytes*}
            type=$(vhdi_field "${word[1]}" "Disk type")
            parent=$(vhdi_field "${word[1]}" "Parent identifier")
            [[ $size == "${word[2]}" ]] || fail "$case" "$line" "vhdiinfo gives media size '$size'"
            [[ $type == "${word[3]}" ]] || fail "$case" "$line" "vhdiinfo gives disk type '$type'"
            [[ -z ${word[4]:-} || ${parent,,} == "${word[4],,}" ]] ||
              fail "$case" "$line" "vhdiinfo gives parent identifier '$parent'" ;;
      replay) qemu-io -f vhdx -c 'read 0 512' "${word[1]}" >/dev/null 2>&1 ||
                fail "$case" "$line" "qemu-io could not open it to replay its log" ;;
      layers) check_layers "$case" "$line" "${word[@]:1}" ;;
      *) fail "$case" "$line" "unknown check '${word[0]}'" ;;
    esac
    exit $failures) || failures=$((failures + $?))
  done <"$at/checks"
  echo "$case: $(wc -l <"$at/checks") checks"
}

check_images() {
  local cases=0 at
  for at in "$folder"/out/*/; do
    [[ -d $at ]] || continue
    check_case "${at%/}"
    cases=$((cases + 1))
  done
  ((cases)) || fail "-" "-" "no case wrote anything to $folder/out"
  ((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
  echo "every check of $cases case(s) passed"
}

case "$action" in
  make) make_images ;;
  check) check_images ;;
  *) echo "usage: qemu_images.sh make|check FOLDER" >&2; exit 2 ;;
esac
