#!/usr/bin/env bash
# hvrepl disk convert against qemu-img convert, side by side: a 2 GiB dynamic VHDX half
# full of data (every other 32 MiB run written) converted to raw, on the same file system,
# from the page cache, alternating the two tools. Prints every run, the medians, the best
# runs and the ratios, then checks both outputs are identical.
#
#   benchmarks/compare_disk_convert.sh BUILD_DIR [RUNS]
# Environment: HVR_BENCH_DIR (default BUILD_DIR/bench-disk) holds the images;
# HVR_BENCH_SYNC=1 also compares durable conversions (flushed to disk).
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
  "$@" >/dev/null
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }'
}

# Times `runs` alternating runs of hvrepl and qemu-img; $1 is a label, $2 extra hvrepl
# arguments, $3 a command run after qemu-img inside its timing (for the durable variant).
compare() {
  local label=$1 hvr_extra=$2 qemu_after=$3
  local hvr_times=() qemu_times=()
  echo "== $label"
  for ((r = 1; r <= runs; r++)); do
    local h q
    # shellcheck disable=SC2086
    h=$(run hvr "$hvrepl" disk convert "$src" "$work/out-hvr.raw" --to raw $hvr_extra | tail -1)
    q=$(run qemu bash -c "qemu-img convert -f vhdx -O raw '$src' '$work/out-qemu.raw' $qemu_after" | tail -1)
    printf 'run %d: hvrepl %.3f s, qemu-img %.3f s\n' "$r" "$h" "$q"
    hvr_times+=("$h")
    qemu_times+=("$q")
  done
  local hm qm hb qb
  hm=$(printf '%s\n' "${hvr_times[@]}" | median)
  qm=$(printf '%s\n' "${qemu_times[@]}" | median)
  hb=$(printf '%s\n' "${hvr_times[@]}" | sort -n | head -1)
  qb=$(printf '%s\n' "${qemu_times[@]}" | sort -n | head -1)
  printf 'median: hvrepl %.3f s, qemu-img %.3f s: hvrepl %.2fx as fast\n' "$hm" "$qm" "$(awk -v q="$qm" -v h="$hm" 'BEGIN { print q / h }')"
  printf 'best:   hvrepl %.3f s, qemu-img %.3f s: hvrepl %.2fx as fast\n' "$hb" "$qb" "$(awk -v q="$qb" -v h="$hb" 'BEGIN { print q / h }')"
}

# Both leave flushing to the system, as both do by default.
compare "page cache to page cache (no flush), $runs runs" "" ""
cmp "$work/out-hvr.raw" "$work/out-qemu.raw" && echo "outputs identical"
printf 'allocated after sync: hvrepl %s bytes, qemu-img %s bytes\n' "$(sync; du -B1 "$work/out-hvr.raw" | cut -f1)" \
  "$(du -B1 "$work/out-qemu.raw" | cut -f1)"
# Both make the result durable: hvrepl --sync, qemu-img followed by an fsync of its output.
if [[ "${HVR_BENCH_SYNC:-0}" == 1 ]]; then
  compare "durable (hvrepl --sync; qemu-img convert + sync FILE), $runs runs" "--sync" "&& sync '$work/out-qemu.raw'"
fi
rm -f "$work/out-hvr.raw" "$work/out-qemu.raw"
