#!/usr/bin/env bash
# The README's demo with the Windows programs under Wine: hvr-guest.exe writes to a VHDX
# made here, hvrepl.exe protects it, replicates it initially, ships a cycle of what the
# guest wrote next, fails over as planned, and verifies the last recovery point; the
# failed-over disk is then compared with the source byte for byte by qemu-img, natively.
#   demo_test.sh WINE_RUN HVREPL_EXE GUEST_EXE WORK_DIR local
#   demo_test.sh WINE_RUN HVREPL_EXE GUEST_EXE WORK_DIR azurite CONNECTION_FILE
set -euo pipefail
wine_run=$1 hvrepl_exe=$2 guest_exe=$3 work=$4 store=$5

rm -rf "$work"
mkdir -p "$work"
cd "$work"  # on Wine's drive Z:, so that the programs read the absolute paths below as they are
hvrepl() { "$wine_run" "$hvrepl_exe" "$@"; }
guest() { "$wine_run" "$guest_exe" "$@"; }

case "$store" in
  # A folder target must be absolute, and on Windows /work is relative to the current
  # drive: Wine's Z: holds the Linux root.
  local) target="Z:$work/replicas" failover_disk="Z:$work/replicas/wine-vm-disk0-failover" ;;
  azurite)
    target="$(cat "$6");Container=wine-demo"
    failover_disk="$target/wine-vm-disk0-failover" ;;
  *) echo "store: local or azurite" >&2; exit 2 ;;
esac

disk="$work/vm/os.vhdx"
control="$work/guest.control"
mkdir -p "$work/vm"
guest run --disk "$disk" --create 64M --initial-fill 8M --initial-writes 200 --rate 0 --seed 21 \
  --control "$control" >"$work/guest.log" 2>&1 &
guest_pid=$!
trap 'kill "$guest_pid" 2>/dev/null || true' EXIT
# The control endpoint exists once the guest listens (platform/local_endpoint.hpp).
for _ in $(seq 1 300); do [[ -e "$control" ]] && break; sleep 0.1; done
[[ -e "$control" ]] || { echo "hvr-guest.exe did not start:"; cat "$work/guest.log"; exit 1; }

hvrepl protect --name wine-vm --disk "$disk" --target "$target" --state-dir "$work/state" --interval 30s \
  --host "unix:$control"
hvrepl run --state-dir "$work/state" --cycles 0 --quiet  # initial replication
guest ctl --control "$control" write --count 300
hvrepl run --state-dir "$work/state" --cycles 1 --quiet
status=$(hvrepl status --state-dir "$work/state" --json)
grep -q '"cycles":1[,}]' <<<"$status" || { echo "no delta cycle in: $status"; exit 1; }

hvrepl failover --state-dir "$work/state" --planned
guest ctl --control "$control" exit >/dev/null
wait "$guest_pid" || { echo "hvr-guest.exe failed:"; cat "$work/guest.log"; exit 1; }
trap - EXIT

hvrepl verify --state-dir "$work/state"
hvrepl download "$failover_disk" "$work/failover.vhd" >/dev/null
qemu-img compare -f vhdx -F vpc "$disk" "$work/failover.vhd"
echo "demo under Wine against $store: replicated, failed over and verified"
