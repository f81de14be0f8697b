#!/usr/bin/env bash
# hvrepl upload against the Azure JS SDK (@azure/storage-blob uploadPages, 4 MiB pages,
# the same requests in flight), uploading one image of random data to the same Azurite in
# the same run. hvr sends a transactional x-ms-content-crc64 with every page. The SDK runs
# twice per round: with a transactional Content-MD5 on every page (a checksum, as hvr
# sends one; the SDK computes no CRC-64 itself), and without (the SDK's default, less work
# than hvr's). Each round starts
# a fresh Azurite, warms it up and rotates the order of the three uploads. Prints each
# round, the medians and ratios, and hvrepl's peak memory and CPU time.
#
#   benchmarks/compare_upload.sh BUILD_DIR [SIZE_MIB] [IN_FLIGHT] [ROUNDS]
# BUILD_DIR is a release build (scripts/bench.sh passes build/release). The SDK, pinned
# by HVR_AZURE_STORAGE_BLOB_VERSION in scripts/versions.sh, is installed with npm into
# .deps/azure-storage-blob (git-ignored) on first use.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: compare_upload.sh BUILD_DIR [SIZE_MIB] [IN_FLIGHT] [ROUNDS]}" && pwd)
size_mib=${2:-1024}
in_flight=${3:-8}
rounds=${4:-3}
# shellcheck source=scripts/versions.sh
source "$root/scripts/versions.sh"
hvrepl="$build/examples/hvrepl/hvrepl"
[[ -x "$hvrepl" ]] || { echo "no hvrepl in $build"; exit 2; }
[[ -x "$root/.deps/azurite/node_modules/.bin/azurite-blob" ]] || "$root/scripts/install-deps.sh"

work=$(mktemp -d)
# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
trap 'azurite_stop; rm -rf "$work"' EXIT
azure_sdk_install
sdk=$azure_sdk

# A fresh Azurite for each round, so that neither tool finds the other's data in it.
start_azurite() {
  # The pinned SDK speaks a newer x-ms-version than the pinned Azurite knows
  # (docs/azurite-notes.md); hvr's 2024-11-04 is accepted either way.
  azurite_start "$work" --skipApiVersionCheck || exit 1
  connection=$azurite_connection
}
stop_azurite() { azurite_stop; }

echo "image: $size_mib MiB of random data, $in_flight requests in flight, $rounds rounds"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/image.raw"

json_field() { sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p" <<<"$2"; }
timer=()
[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "peak_rss_kib=%M cpu_s=%U+%S")  # Debian "time"

# Node compiles Azurite's hot paths during the first requests: each round starts with
# both tools uploading a small image, unmeasured, so the measured uploads meet a warm one.
head -c $((64 * 1024 * 1024)) "$work/image.raw" >"$work/warmup.raw"
sdk_cmd=(env "NODE_PATH=$sdk/node_modules" node "$root/benchmarks/node/upload_pages.cjs")
sdk_upload() {  # BLOB IMAGE CHECKSUM
  "${sdk_cmd[@]}" "$connection" bench "$1" "$2" "$in_flight" "$3"
}
warm_up() {
  "$hvrepl" upload "$work/warmup.raw" "$connection;Container=bench/warm-hvr" --json >/dev/null
  sdk_upload warm-sdk "$work/warmup.raw" md5 >/dev/null
}

json_field() { sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p" <<<"$2"; }
timer=()
[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "peak_rss_kib=%M cpu_s=%U+%S")  # Debian "time"
cpu_of() { sed -n 's/.*cpu_s=\([0-9.+]*\).*/\1/p' "$1" | bc 2>/dev/null || echo 0; }

run_hvrepl() {
  local out
  out=$("${timer[@]}" "$hvrepl" upload "$work/image.raw" "$connection;Container=bench/hvr" \
        --in-flight "$in_flight" --json 2>"$work/time.txt")
  hvr_rate=$(json_field bytes_per_second "$out")
  rss=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' "$work/time.txt")
  hvr_cpu=$(cpu_of "$work/time.txt")
}
run_sdk_md5() {
  local out
  out=$("${timer[@]}" "${sdk_cmd[@]}" "$connection" bench sdk-md5 "$work/image.raw" "$in_flight" md5 \
        2>"$work/time.txt")
  md5_rate=$(json_field bytes_per_second "$out")
  md5_cpu=$(cpu_of "$work/time.txt")
}
run_sdk_plain() {
  local out
  out=$(sdk_upload sdk-plain "$work/image.raw" none)
  plain_rate=$(json_field bytes_per_second "$out")
}

hvr_rates=()
md5_rates=()
plain_rates=()
for round in $(seq 1 "$rounds"); do
  start_azurite
  warm_up
  # Rotate the order, so that no upload always meets the same state of Azurite.
  case $((round % 3)) in
    1) run_hvrepl; run_sdk_md5; run_sdk_plain ;;
    2) run_sdk_md5; run_sdk_plain; run_hvrepl ;;
    0) run_sdk_plain; run_hvrepl; run_sdk_md5 ;;
  esac
  stop_azurite
  hvr_rates+=("$hvr_rate")
  md5_rates+=("$md5_rate")
  plain_rates+=("$plain_rate")
  awk -v r="$round" -v h="$hvr_rate" -v m5="$md5_rate" -v p="$plain_rate" -v m="${rss:-0}" \
      -v hc="${hvr_cpu:-0}" -v sc="${md5_cpu:-0}" 'BEGIN {
    printf "round %d: hvrepl %.1f MiB/s (peak RSS %.1f MiB, CPU %.1f s); SDK with MD5 %.1f MiB/s (CPU %.1f s); SDK without checksum %.1f MiB/s\n",
           r, h / 1048576, m / 1024, hc, m5 / 1048576, sc, p / 1048576 }'
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
h=$(median "${hvr_rates[@]}")
m5=$(median "${md5_rates[@]}")
p=$(median "${plain_rates[@]}")
awk -v h="$h" -v m5="$m5" -v p="$p" -v n="$in_flight" 'BEGIN {
  printf "median: hvrepl %.1f MiB/s; SDK with MD5 %.1f MiB/s (ratio %.2f); SDK without checksum %.1f MiB/s (ratio %.2f); memory limit %d MiB\n",
         h / 1048576, m5 / 1048576, h / m5, p / 1048576, h / p, 64 + 4 * n }'
