# The reference guest (hvr-guest) for the end-to-end comparisons; source it after setting
# $guest (the program), $hvrepl, $work (a scratch folder) and guests=() (the pids started,
# for the caller's cleanup).
# shellcheck shell=bash

# start_guest DISK... SOCKET: a guest writing nothing by itself, controlled at SOCKET.
start_guest() {
  local socket=${*: -1}
  local disks=("${@:1:$#-1}")
  local args=()
  for d in "${disks[@]}"; do args+=(--disk "$d"); done
  "$guest" run "${args[@]}" --rate 0 --control "$socket" >>"$work/guest.log" 2>&1 &
  guests+=($!)
  for _ in $(seq 1 100); do [[ -S "$socket" ]] && break; sleep 0.05; done
}

# protect_sample_vm N TARGET INTERVAL WRITES [PROTECT_ARGS...]: VM "vmN" of two 64 MiB
# dynamic VHDXs in $work/vmN, each holding 8 MiB of pattern N, its guest started, protected
# to TARGET, then WRITES random 4 KiB guest writes; its state directory is $work/vmN/state.
protect_sample_vm() {
  local vm=$1 target=$2 interval=$3 writes=$4
  shift 4
  mkdir -p "$work/vm$vm"
  for d in 0 1; do
    qemu-img create -q -f vhdx -o subformat=dynamic "$work/vm$vm/d$d.vhdx" 64M
    qemu-io -f vhdx -c "write -P $((vm % 250 + 1)) 0 8M" "$work/vm$vm/d$d.vhdx" >/dev/null
  done
  start_guest "$work/vm$vm/d0.vhdx" "$work/vm$vm/d1.vhdx" "$work/vm$vm/g.sock"
  "$hvrepl" protect --name "vm$vm" --disk "$work/vm$vm/d0.vhdx" --disk "$work/vm$vm/d1.vhdx" \
    --target "$target" --state-dir "$work/vm$vm/state" --interval "$interval" \
    --host "unix:$work/vm$vm/g.sock" "$@" >/dev/null
  "$guest" ctl --control "$work/vm$vm/g.sock" write --count "$writes" >/dev/null
}
