#!/usr/bin/env bash
# Replication sessions end to end, against Azurite on 127.0.0.1 (docs/benchmarks.md):
#
#   initial   initial replication of a 4 GiB dynamic VHDX holding 1 GiB of data (made by
#             qemu-img and qemu-io), against hvrepl upload of the same image to the same
#             Azurite, rounds alternating: bytes sent, seconds, and the ratio of rates.
#   cycles    one delta cycle shipping 16, 64 and 256 MiB of 4 KiB writes at random
#             offsets of that disk (the reference guest writes and tracks them), against
#             Azurite and against a local folder: seconds, requests, bytes. Beside each
#             Azurite cycle, the Azure JS SDK writes the same number of random 4 KiB pages
#             to a copy of the disk in the same Azurite: what any client pays it for writes
#             that do not coalesce.
#   many      20 VMs of 2 disks each (64 MiB, 8 MiB written) in one hvrepl process: initial
#             replication and 3 cycles each, peak memory (/usr/bin/time %M).
#
#   benchmarks/compare_session.sh BUILD_DIR [initial|cycles|many]... (default: all)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: compare_session.sh BUILD_DIR [initial|cycles|many]...}" && pwd)
shift
parts=("$@")
((${#parts[@]})) || parts=(initial cycles many)
# shellcheck source=scripts/versions.sh
source "$root/scripts/versions.sh"
hvrepl="$build/examples/hvrepl/hvrepl"
guest="$build/examples/guest/hvr-guest"
[[ -x "$hvrepl" && -x "$guest" ]] || { echo "no hvrepl or hvr-guest in $build"; exit 2; }
work=$(mktemp -d)
# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
guests=()
# shellcheck source=benchmarks/reference_guest.sh
source "$root/benchmarks/reference_guest.sh"
cleanup() {
  for pid in "${guests[@]}"; do kill "$pid" 2>/dev/null || true; done
  azurite_stop
  rm -rf "$work"
}
trap cleanup EXIT
timer=(/usr/bin/time -f "%e %M")
now() { date +%s.%N; }
json() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }

# A 4 GiB dynamic VHDX (32 MiB blocks) with 1 GiB of random data in 32 MiB pieces spread
# over it, made by qemu.
make_disk() {
  local disk=$1
  qemu-img create -q -f vhdx -o subformat=dynamic,block_size=32M "$disk" 4G
  head -c $((32 << 20)) /dev/urandom >"$work/piece"
  local args=()
  for i in $(seq 0 31); do args+=(-c "write -P $((i + 1)) $((i * 128))M 32M"); done
  qemu-io -f vhdx "${args[@]}" "$disk" >/dev/null
}

initial() {
  echo "=== initial replication of a 4 GiB VHDX with 1 GiB of data, against hvrepl upload"
  make_disk "$work/base.vhdx"
  for round in 1 2 3; do
    azurite_start "$work"
    cp "$work/base.vhdx" "$work/up.vhdx"
    up=$("${timer[@]}" "$hvrepl" upload "$work/up.vhdx" "$azurite_connection;Container=bench/up" --json 2>"$work/t")
    read -r up_s up_kib <"$work/t"
    up_sent=$(json bytes_sent "$up")
    rm -f "$work/up.vhdx"
    cp "$work/base.vhdx" "$work/vm.vhdx"
    start_guest "$work/vm.vhdx" "$work/g.sock"
    "$hvrepl" protect --name bench --disk "$work/vm.vhdx" --target "$azurite_connection;Container=bench" \
      --state-dir "$work/state" --interval 30s --host "unix:$work/g.sock" >/dev/null
    "${timer[@]}" "$hvrepl" run --state-dir "$work/state" --cycles 0 --quiet 2>"$work/t"
    read -r ir_s ir_kib <"$work/t"
    ir_sent=$(json bytes_sent "$("$hvrepl" status --state-dir "$work/state" --json)")
    "$guest" ctl --control "$work/g.sock" exit >/dev/null
    wait "${guests[-1]}" 2>/dev/null || true
    awk -v r="$round" -v us="$up_s" -v ub="$up_sent" -v is="$ir_s" -v ib="$ir_sent" -v um="$up_kib" -v im="$ir_kib" 'BEGIN {
      printf "round %d: upload %.2f s %.0f MiB (%.1f MiB/s, %.0f MiB peak) | initial replication %.2f s %.0f MiB (%.1f MiB/s, %.0f MiB peak) | ratio %.2f\n",
        r, us, ub / 1048576, ub / 1048576 / us, um / 1024, is, ib / 1048576, ib / 1048576 / is, im / 1024, (ib / is) / (ub / us)
    }'
    rm -rf "$work/state" "$work/vm.vhdx" "$work"/vm*.hrl "$work"/vm*.json "$work"/vm-checkpoint*
    azurite_stop
  done
}

cycles() {
  echo "=== one delta cycle of scattered 4 KiB writes on a 4 GiB VHDX with 1 GiB of data"
  make_disk "$work/base.vhdx"
  for target in azurite local; do
    for mib in 16 64 256; do
      rm -rf "$work/state" "$work/store" "$work"/vm* "$work/g.sock"
      cp "$work/base.vhdx" "$work/vm.vhdx"
      if [[ $target == azurite ]]; then
        azurite_start "$work" --skipApiVersionCheck  # the SDK speaks a newer API version
        where="$azurite_connection;Container=cycles"
      else
        where="$work/store"
      fi
      start_guest "$work/vm.vhdx" "$work/g.sock"
      "$hvrepl" protect --name bench --disk "$work/vm.vhdx" --target "$where" --state-dir "$work/state" \
        --interval 30s --host "unix:$work/g.sock" >/dev/null
      "$hvrepl" run --state-dir "$work/state" --cycles 0 --quiet
      "$guest" ctl --control "$work/g.sock" write --count $((mib * 256)) >/dev/null
      t0=$(now)
      out=$("$hvrepl" run --state-dir "$work/state" --cycles 1 2>/dev/null)
      t1=$(now)
      awk -v t="$target" -v m="$mib" -v a="$t0" -v b="$t1" -v o="$out" 'BEGIN {
        printf "%-7s %4d MiB of 4 KiB writes: %6.2f s   (%s)\n", t, m, b - a, o }'
      if [[ $target == azurite ]]; then
        azure_sdk_install
        "$hvrepl" upload "$work/base.vhdx" "$azurite_connection;Container=cycles/sdk" >/dev/null
        sdk=$(env "NODE_PATH=$azure_sdk/node_modules" node "$root/benchmarks/node/random_pages.cjs" \
          "$azurite_connection" cycles sdk $((mib * 256)) 8)
        awk -v m="$mib" -v j="$sdk" 'BEGIN { printf "  the SDK, %d random 4 KiB pages in the same Azurite: %s\n", m * 256, j }'
      fi
      "$guest" ctl --control "$work/g.sock" exit >/dev/null
      wait "${guests[-1]}" 2>/dev/null || true
      [[ $target == azurite ]] && azurite_stop
    done
  done
}

many() {
  echo "=== 20 VMs of 2 disks each in one process: initial replication and 3 cycles"
  azurite_start "$work"
  dirs=()
  for vm in $(seq 1 20); do
    protect_sample_vm "$vm" "$azurite_connection;Container=many" 30s 2000
    dirs+=(--state-dir "$work/vm$vm/state")
  done
  "${timer[@]}" "$hvrepl" run "${dirs[@]}" --cycles 3 --every 1s --quiet 2>"$work/t"
  read -r secs kib <"$work/t"
  awk -v s="$secs" -v k="$kib" 'BEGIN { printf "20 VMs x 2 disks: %.1f s, peak memory %.1f MiB (limit 512 MiB)\n", s, k / 1024 }'
  for vm in $(seq 1 20); do
    "$hvrepl" verify --state-dir "$work/vm$vm/state" >/dev/null || { echo "vm$vm: replica differs"; exit 1; }
  done
  echo "every VM's last recovery point equals its disks"
}

for part in "${parts[@]}"; do "$part"; done
