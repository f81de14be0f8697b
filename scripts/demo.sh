#!/usr/bin/env bash
# The README's first command: the main job on its embedded default. A sample VM (the
# reference guest, writing random blocks to a 256 MiB VHDX and tracking them in replica
# logs) is protected to a local Azure Blob emulator (Azurite on 127.0.0.1), initially
# replicated and shipped cycle after cycle while it writes; then a planned failover
# shuts it down, ships its last writes and fails over; the replica at the last point and
# the failed-over disk are checked against the source byte for byte.
#
#   scripts/demo.sh                  against Azurite
#   scripts/demo.sh --target DIR     against a local folder store instead
# Installs what it needs first (scripts/install-deps.sh --runtime) and builds hvrepl.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

target_dir=
while (($#)); do
  case "$1" in
    --target) target_dir=${2:?--target needs a folder}; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--target DIR]" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh" --runtime
build="$root/build/demo"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHVR_BUILD_TESTS=OFF \
  -DHVR_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target hvrepl hvr-guest -j "$(nproc)"
hvrepl="$build/examples/hvrepl/hvrepl"
guest="$build/examples/guest/hvr-guest"

work=$(mktemp -d)
# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
guest_pid=
cleanup() {
  [[ -n "$guest_pid" ]] && { kill "$guest_pid" 2>/dev/null || true; wait "$guest_pid" 2>/dev/null || true; }
  azurite_stop
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

if [[ -n "$target_dir" ]]; then
  mkdir -p "$target_dir"
  target=$(cd "$target_dir" && pwd)
  echo "target: the local folder $target"
else
  step "starting Azurite on 127.0.0.1"
  azurite_start "$work"
  target="$azurite_connection;Container=demo"
  echo "target: ${azurite_connection##*BlobEndpoint=}/demo"
fi

step "the sample VM: a 256 MiB VHDX, its first 48 MiB written, 500 blocks here and there, then 100 writes a second"
mkdir -p "$work/vm"
disk="$work/vm/sample-os.vhdx"
"$guest" run --disk "$disk" --create 256M --initial-fill 48M --initial-writes 500 --rate 100 --seed 2024 \
  --control "$work/guest.sock" >"$work/guest.log" 2>&1 &
guest_pid=$!
for _ in $(seq 1 100); do [[ -S "$work/guest.sock" ]] && break; sleep 0.1; done
[[ -S "$work/guest.sock" ]] || { cat "$work/guest.log"; exit 1; }

step "enable protection"
state="$work/state"
"$hvrepl" protect --name sample-vm --disk "$disk" --target "$target" --state-dir "$state" \
  --interval 30s --keep-hours 24 --app-consistent-hours 1 --host "unix:$work/guest.sock"

step "initial replication and four delta cycles while the guest writes"
started=$(date +%s.%N)
"$hvrepl" run --state-dir "$state" --cycles 4 --every 2s

replicating=$("$hvrepl" status --state-dir "$state" --json)
step "planned failover: the host shuts the VM down, a last cycle ships its last writes"
"$hvrepl" failover --state-dir "$state" --planned
ended=$(date +%s.%N)
"$guest" ctl --control "$work/guest.sock" exit >/dev/null
wait "$guest_pid" 2>/dev/null || true
guest_pid=

step "verify: the last recovery point against the source, byte for byte"
"$hvrepl" verify --state-dir "$state"

step "verify: the failed-over disk (an Azure-ready fixed VHD) against the source, with qemu-img"
failover_disk="$target/sample-vm-disk0-failover"
[[ -n "$target_dir" ]] || failover_disk="${target%;Container=demo};Container=demo/sample-vm-disk0-failover"
"$hvrepl" download "$failover_disk" "$work/failover.vhd" >/dev/null
qemu-img compare -f vhdx -F vpc "$disk" "$work/failover.vhd"

step "report"
status=$("$hvrepl" status --state-dir "$state" --json)
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$status" | head -1; }
sent=$(field bytes_sent)
cycles=$(field cycles)
# The RPO while replicating, before the failover stopped it.
rpo=$(sed -n 's/.*"rpo_seconds":\([0-9]*\).*/\1/p' <<<"$replicating")
disk_size=$((256 * 1024 * 1024))
awk -v sent="$sent" -v size="$disk_size" -v cycles="$cycles" -v rpo="${rpo:-0}" -v t0="$started" -v t1="$ended" 'BEGIN {
  secs = t1 - t0
  printf "disk size           %.1f MiB\n", size / 1048576
  printf "bytes sent          %.1f MiB (%.1f%% of the disk)\n", sent / 1048576, 100 * sent / size
  printf "delta cycles        %d\n", cycles
  printf "RPO before failover %d s (then none: the planned failover shipped every write)\n", rpo
  if (secs > 0) printf "replication time    %.1f s\n", secs
}'
"$hvrepl" points --state-dir "$state"
echo
echo "demo: replicated, failed over and verified"
