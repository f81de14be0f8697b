#!/usr/bin/env bash
# hvrepl disk convert against qemu-img convert, side by side: a 2 GiB dynamic VHDX half
# full of data (every other 32 MiB run written) converted to raw, on the same file system,
# from the page cache, alternating the two tools. Prints every run, the medians and the
# ratio, then checks both outputs are identical.
#
#   benchmarks/compare_disk_convert.sh BUILD_DIR [RUNS]
# Environment: HVR_BENCH_DIR (default BUILD_DIR/bench-disk) holds the images.
set -euo pipefail
build=$(cd "$1" && pwd)
runs=${2:-7}
hvrepl="$build/examples/hvrepl/hvrepl"
work=${HVR_BENCH_DIR:-$build/bench-disk}
mkdir -p "$work"
src="$work/half-full.vhdx"

if [[ ! -f "$src" ]]; then
  qemu-img create -q -f vhdx -o subformat=dynamic "$src" 2G
  commands=()
  for ((i = 0; i < 32; i++)); do
    commands+=(-c "write -q -P $((i % 200 + 17)) $((i * 64))M 32M")
  done
  qemu-io -f vhdx "${commands[@]}" "$src"
fi
cat "$src" >/dev/null  # into the page cache

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# One timed run of a command writing $work/out-<name>.raw; the output is removed and the
# file system synced before each run so write-back of the previous run does not leak in.
run() {
  local name=$1; shift
  rm -f "$work/out-$name.raw"; sync; sleep 1
  local start end
  start=$(now)
  "$@"
  end=$(now)
  echo "$end - $start" | bc -l
}

hvr_times=()
qemu_times=()
for ((r = 1; r <= runs; r++)); do
  h=$(run hvr "$hvrepl" disk convert "$src" "$work/out-hvr.raw" --to raw)
  h=$(tail -1 <<<"$h")
  q=$(run qemu qemu-img convert -f vhdx -O raw "$src" "$work/out-qemu.raw")
  printf 'run %d: hvrepl %.3f s, qemu-img %.3f s\n' "$r" "$h" "$q"
  hvr_times+=("$h")
  qemu_times+=("$q")
done
hm=$(printf '%s\n' "${hvr_times[@]}" | median)
qm=$(printf '%s\n' "${qemu_times[@]}" | median)
printf 'median: hvrepl %.3f s, qemu-img %.3f s, hvrepl is %.2fx as fast\n' "$hm" "$qm" "$(echo "$qm / $hm" | bc -l)"

cmp "$work/out-hvr.raw" "$work/out-qemu.raw" && echo "outputs identical"
printf 'allocated: hvrepl %s, qemu-img %s\n' "$(du -h "$work/out-hvr.raw" | cut -f1)" "$(du -h "$work/out-qemu.raw" | cut -f1)"
rm -f "$work/out-hvr.raw" "$work/out-qemu.raw"
