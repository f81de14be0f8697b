# The reference guest (hvr-guest) for the end-to-end comparisons; source it after setting
# $guest (the program), $work (a scratch folder) and guests=() (the pids started, for the
# caller's cleanup).
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
