#!/usr/bin/env bash
# Chunk-diff against rsync's delta transfer, side by side in one run (docs/benchmarks.md).
#
#   benchmarks/compare_diff_rsync.sh BUILD_DIR      (scripts/bench.sh passes build/release)
#
# Two raw images of HVR_DIFF_SIZE_MIB (default 2048) MiB: a.raw is random, b.raw is a.raw
# with 1% of its 4 KiB blocks rewritten by qemu-io. Both sit in the page cache. Measured,
# alternating, HVR_DIFF_ROUNDS (default 3) times each, best time kept:
#   - rsync --no-whole-file --inplace bringing a copy of a.raw to b.raw: time and literal data;
#   - hvrepl diff b.raw a.raw (disk vs disk) at its default chunk size (4 KiB), and at 64 KiB
#     and 256 KiB (the manifest default) for comparison: time and bytes to send;
#   - the resync case: hvrepl diff b.raw a.hvrm (disk vs manifest), against reading b.raw.
# At 4 KiB chunks the number of differing chunks must equal the number of blocks changed.
set -euo pipefail
build=$(cd "$1" && pwd)
hvrepl=$build/examples/hvrepl/hvrepl
size_mib=${HVR_DIFF_SIZE_MIB:-2048}
rounds=${HVR_DIFF_ROUNDS:-3}
base=${HVR_BENCH_DIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$base/hvr-diff-rsync-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
min() { printf '%s\n' "$@" | sort -g | head -1; }
json_number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }
warm() { cat "$@" >/dev/null; }
# A repeatable stream of random-looking bytes (the recipe of GNU coreutils' manual), so
# every run changes the same blocks.
seeded_bytes() { openssl enc -aes-256-ctr -pass pass:hvr-diff -nosalt -pbkdf2 </dev/zero 2>/dev/null; }

echo "images: ${size_mib} MiB, 1% of the 4 KiB blocks changed, in $work"
head -c "${size_mib}M" /dev/urandom >a.raw
blocks=$((size_mib * 256))
changed=$((blocks / 100))
cp a.raw b.raw
commands=()
while read -r block; do
  commands+=(-c "write -P $((block % 250 + 1)) $((block * 4096)) 4k")
done < <(shuf -i 0-$((blocks - 1)) -n "$changed" --random-source=<(seeded_bytes))
qemu-io -f raw "${commands[@]}" b.raw >/dev/null

rsync_times=()
literal=""
declare -A hvr_times hvr_bytes hvr_chunks
chunk_sizes=(default 65536 262144)
for ((round = 0; round < rounds; round++)); do
  cp a.raw c.raw
  # An older time, or rsync's quick check (same size, same second) skips the file.
  touch -d '1 hour ago' c.raw
  warm a.raw b.raw c.raw
  t0=$(now)
  rsync --no-whole-file --inplace --stats b.raw c.raw >rsync.out
  t1=$(now)
  rsync_times+=("$(elapsed "$t0" "$t1")")
  literal=$(sed -n 's/^Literal data: \([0-9,]*\) bytes.*/\1/p' rsync.out | tr -d ,)
  if ((round == 0)); then cmp -s b.raw c.raw || { echo "rsync did not reproduce b.raw"; exit 1; }; fi
  rm -f c.raw

  for chunk in "${chunk_sizes[@]}"; do
    args=()
    [[ $chunk == default ]] || args=(--chunk-size "$chunk")
    warm a.raw b.raw
    t0=$(now)
    "$hvrepl" diff b.raw a.raw "${args[@]}" --json >hvr.json
    t1=$(now)
    hvr_times[$chunk]="${hvr_times[$chunk]:-} $(elapsed "$t0" "$t1")"
    hvr_bytes[$chunk]=$(json_number bytes_to_send <hvr.json)
    hvr_chunks[$chunk]=$(json_number differing_chunks <hvr.json)
  done
done

# The resync case: a manifest of the target, then only the source is read.
"$hvrepl" manifest build a.raw -o a.hvrm >/dev/null
read_times=()
resync_times=()
for ((round = 0; round < rounds; round++)); do
  warm b.raw
  t0=$(now)
  cat b.raw >/dev/null
  t1=$(now)
  read_times+=("$(elapsed "$t0" "$t1")")
  warm b.raw
  t0=$(now)
  "$hvrepl" diff b.raw a.hvrm --json >resync.json
  t1=$(now)
  resync_times+=("$(elapsed "$t0" "$t1")")
done

if [[ ${hvr_chunks[default]} -ne $changed ]]; then
  echo "at 4 KiB chunks hvr found ${hvr_chunks[default]} differing chunks; $changed blocks were changed"
  exit 1
fi

rsync_best=$(min "${rsync_times[@]}")
printf '\n%-44s %9s %14s %10s %10s\n' "run (best of $rounds)" seconds "bytes to send" "speed-up" "bytes"
printf '%-44s %9.3f %14s %10s %10s\n' "rsync --no-whole-file --inplace" "$rsync_best" "$literal" "1.00" "1.00"
for chunk in "${chunk_sizes[@]}"; do
  # shellcheck disable=SC2086
  best=$(min ${hvr_times[$chunk]})
  label="hvrepl diff, disk vs disk, chunk $chunk"
  [[ $chunk == default ]] && label="hvrepl diff, disk vs disk (4 KiB chunks)"
  printf '%-44s %9.3f %14s %10.2f %10.3f\n' "$label" "$best" "${hvr_bytes[$chunk]}" \
    "$(echo "$rsync_best / $best" | bc -l)" "$(echo "${hvr_bytes[$chunk]} / $literal" | bc -l)"
done
read_best=$(min "${read_times[@]}")
resync_best=$(min "${resync_times[@]}")
printf '%-44s %9.3f\n' "cat b.raw >/dev/null (reading the source)" "$read_best"
printf '%-44s %9.3f %14s   %.2f x the time of reading\n' "hvrepl diff, disk vs manifest (256 KiB)" \
  "$resync_best" "$(json_number bytes_to_send <resync.json)" "$(echo "$resync_best / $read_best" | bc -l)"
echo "exact: $changed blocks changed, ${hvr_chunks[default]} differing 4 KiB chunks found"
