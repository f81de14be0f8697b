#!/usr/bin/env bash
# hvr and the Azure JS SDK through a simulated WAN in front of Azurite (docs/benchmarks.md,
# "Through a simulated WAN"): hvr-fault-proxy --upstream shapes the link (bandwidth each
# way, a round-trip time) and enforces Azure's per-blob targets (500 requests and 60 MiB
# a second, 503 ServerBusy beyond them). Both clients use the proxy as their endpoint.
#
#   initial   initial replication of a VHDX of WAN_DISK holding WAN_DATA_MIB of data,
#             against the SDK uploading the same bytes (a raw file of the data), WAN_IN_FLIGHT
#             pages of 4 MiB in flight each: link utilisation.
#   delta     one delta cycle of WAN_DELTA_MIB of scattered 4 KiB writes, with the link
#             told right (the model's joins) and told each other link's speed, against
#             the SDK writing the same number of random 4 KiB pages: seconds, requests,
#             bytes, and the lower bound max(bytes / bandwidth, requests / 500).
#   many      WAN_VMS VMs of 2 disks (64 MiB, 8 MiB written, 500 guest writes each) in one
#             hvrepl run --follow for WAN_FOLLOW_SECONDS: peak memory, and each VM's
#             cycles against a 5-minute interval.
#
#   benchmarks/compare_wan.sh BUILD_DIR [initial|delta|many]...   (default: all)
#   WAN_LINKS="12500000:40ms 125000000:10ms" (bytes a second : RTT), WAN_DISK=4G,
#   WAN_DATA_MIB=1024, WAN_DELTA_MIB=64, WAN_DELTA_DATA_MIB=256, WAN_VMS=200,
#   WAN_FOLLOW_SECONDS=600, WAN_IN_FLIGHT=32 (requests in flight, hvr and the SDK alike: at
#   40 ms of RTT, 8 in flight make at most 200 requests a second)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: compare_wan.sh BUILD_DIR [initial|delta|many]...}" && pwd)
shift
parts=("$@")
((${#parts[@]})) || parts=(initial delta many)
links=(${WAN_LINKS:-12500000:40ms 125000000:10ms})
disk_size=${WAN_DISK:-4G}
data_mib=${WAN_DATA_MIB:-1024}
delta_mib=${WAN_DELTA_MIB:-64}
delta_data_mib=${WAN_DELTA_DATA_MIB:-256}
vms=${WAN_VMS:-200}
follow_seconds=${WAN_FOLLOW_SECONDS:-600}
in_flight=${WAN_IN_FLIGHT:-32}
hvrepl="$build/examples/hvrepl/hvrepl"
guest="$build/examples/guest/hvr-guest"
proxy_bin="$build/tests/hvr-fault-proxy"
[[ -x "$hvrepl" && -x "$guest" && -x "$proxy_bin" ]] || { echo "no hvrepl, hvr-guest or hvr-fault-proxy in $build"; exit 2; }
work=$(mktemp -d)
# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
guests=()
# shellcheck source=benchmarks/reference_guest.sh
source "$root/benchmarks/reference_guest.sh"
proxy_pid=
cleanup() {
  for pid in "${guests[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null
  azurite_stop
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
json() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }

# Starts Azurite (the SDK speaks a newer API version) and the shaping proxy in front of
# it for link BYTES_PER_SECOND:RTT; sets $wan (the connection string through the proxy).
wan_start() {
  local bandwidth=${1%%:*} rtt=${1##*:}
  azurite_start "$work" --skipApiVersionCheck --inMemoryPersistence
  local port
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/devstoreaccount1.*/\1/p' <<<"$azurite_connection")
  "$proxy_bin" --seconds 2h --upstream "$port" --link-bandwidth "$bandwidth" --rtt "$rtt" \
    --blob-requests 500 --blob-bandwidth 60M --counters "$work/proxy.json" >"$work/proxy.port" &
  proxy_pid=$!
  for _ in $(seq 1 100); do [[ -s "$work/proxy.port" ]] && break; sleep 0.05; done
  wan=${azurite_connection/127.0.0.1:$port\//127.0.0.1:$(cat "$work/proxy.port")/}
}
wan_stop() {
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=
  azurite_stop
}
# The proxy's counters now, as "requests request_body_bytes blob_throttled".
counters() {
  kill -USR1 "$proxy_pid"
  sleep 0.2
  local c
  c=$(cat "$work/proxy.json")
  echo "$(json requests "$c") $(json request_body_bytes "$c") $(json blob_throttled "$c")"
}

stop_guest() {
  "$guest" ctl --control "$1" exit >/dev/null || true
  wait "${guests[-1]}" 2>/dev/null || true
}

# A dynamic VHDX of $disk_size with MIB MiB of random data in 32 MiB pieces spread evenly.
make_disk() {
  local disk=$1 mib=$2
  qemu-img create -q -f vhdx -o subformat=dynamic,block_size=32M "$disk" "$disk_size"
  local size_mib pieces stride args=()
  size_mib=$(($(numfmt --from=iec "$disk_size") >> 20))
  pieces=$((mib / 32))
  stride=$((size_mib / pieces))
  for i in $(seq 0 $((pieces - 1))); do args+=(-c "write -P $((i % 250 + 1)) $((i * stride))M 32M"); done
  qemu-io -f vhdx "${args[@]}" "$disk" >/dev/null
}

initial() {
  echo "=== initial replication: $disk_size VHDX with $data_mib MiB of data"
  make_disk "$work/base.vhdx" "$data_mib"
  head -c $((data_mib << 20)) /dev/urandom >"$work/data.raw"
  azure_sdk_install
  for link in "${links[@]}"; do
    wan_start "$link"
    local bandwidth=${link%%:*}
    cp "$work/base.vhdx" "$work/vm.vhdx"
    start_guest "$work/vm.vhdx" "$work/g.sock"
    "$hvrepl" protect --name bench --disk "$work/vm.vhdx" --target "$wan;Container=bench" --state-dir "$work/state" \
      --interval 30s --in-flight "$in_flight" --host "unix:$work/g.sock" --link-bandwidth "$bandwidth" >/dev/null
    read -r r0 b0 _ <<<"$(counters)"
    t0=$(now)
    "$hvrepl" run --state-dir "$work/state" --cycles 0 --quiet
    t1=$(now)
    read -r r1 b1 busy <<<"$(counters)"
    stop_guest "$work/g.sock"
    awk -v l="$link" -v bw="$bandwidth" -v t="$(echo "$t1 - $t0" | bc)" -v b="$((b1 - b0))" -v r="$((r1 - r0))" \
      -v busy="$busy" 'BEGIN {
      printf "%s  hvr: %.1f s, %.0f MiB in %d requests, %.1f MiB/s = %.0f %% of the link (%d ServerBusy)\n",
        l, t, b / 1048576, r, b / 1048576 / t, 100 * b / t / bw, busy
    }'
    # The SDK gives up after its 4 tries: say so and go on.
    if sdk=$(env "NODE_PATH=$azure_sdk/node_modules" node "$root/benchmarks/node/upload_pages.cjs" \
      "$wan" bench sdk "$work/data.raw" "$in_flight" none 2>"$work/sdk.err"); then
      read -r _ _ busy1 <<<"$(counters)"
      awk -v l="$link" -v bw="$bandwidth" -v sb="$(json bytes_sent "$sdk")" -v st="$(json seconds "$sdk")" \
        -v busy="$((busy1 - busy))" 'BEGIN {
        printf "%s  SDK: %.1f s, %.0f MiB, %.1f MiB/s = %.0f %% of the link (%d ServerBusy)\n",
          l, st, sb / 1048576, sb / 1048576 / st, 100 * sb / st / bw, busy }'
    else
      echo "$link  SDK failed: $(grep -m1 -o '"code": "[A-Za-z]*"' "$work/sdk.err")"
    fi
    rm -rf "$work/state" "$work/vm.vhdx" "$work"/vm*.hrl "$work"/vm-* "$work/g.sock"
    wan_stop
  done
}

delta() {
  echo "=== one delta cycle of $delta_mib MiB of scattered 4 KiB writes ($disk_size VHDX, $delta_data_mib MiB of data)"
  make_disk "$work/base.vhdx" "$delta_data_mib"
  azure_sdk_install
  local told_all=()
  for link in "${links[@]}"; do told_all+=("${link%%:*}"); done
  for link in "${links[@]}"; do
    local bandwidth=${link%%:*}
    for told in "${told_all[@]}"; do
      wan_start "$link"
      rm -rf "$work/state" "$work"/vm* "$work/g.sock"
      cp "$work/base.vhdx" "$work/vm.vhdx"
      start_guest "$work/vm.vhdx" "$work/g.sock"
      "$hvrepl" protect --name bench --disk "$work/vm.vhdx" --target "$wan;Container=delta" --state-dir "$work/state" \
        --interval 30s --in-flight "$in_flight" --host "unix:$work/g.sock" --link-bandwidth "$told" >/dev/null
      "$hvrepl" run --state-dir "$work/state" --cycles 0 --quiet
      "$guest" ctl --control "$work/g.sock" write --count $((delta_mib * 256)) >/dev/null
      # The initial replication's busy answers (its 4 MiB pages meet the byte target) are
      # not the cycle's.
      read -r r0 b0 busy0 <<<"$(counters)"
      t0=$(now)
      "$hvrepl" run --state-dir "$work/state" --cycles 1 >/dev/null 2>&1
      t1=$(now)
      read -r r1 b1 busy <<<"$(counters)"
      awk -v l="$link" -v bw="$bandwidth" -v told="$told" -v t="$(echo "$t1 - $t0" | bc)" -v b="$((b1 - b0))" \
        -v r="$((r1 - r0))" -v busy="$((busy - busy0))" 'BEGIN {
        bound = b / bw > r / 500 ? b / bw : r / 500
        printf "%s  hvr told %s B/s (joins gaps < %d B): %.1f s, %d requests, %.1f MiB; bound %.1f s, ratio %.2f (%d ServerBusy)\n",
          l, told, (told < 62914560 ? told : 62914560) / 500, t, r, b / 1048576, bound, t / bound, busy
      }'
      stop_guest "$work/g.sock"
      if [[ $told == "$bandwidth" ]]; then
        "$hvrepl" upload "$work/base.vhdx" "$wan;Container=delta/sdk" >/dev/null
        read -r r0 b0 _ <<<"$(counters)"
        sdk=$(env "NODE_PATH=$azure_sdk/node_modules" node "$root/benchmarks/node/random_pages.cjs" \
          "$wan" delta sdk $((delta_mib * 256)) "$in_flight")
        read -r r1 b1 busy1 <<<"$(counters)"
        awk -v l="$link" -v bw="$bandwidth" -v t="$(json seconds "$sdk")" -v b="$((b1 - b0))" -v r="$((r1 - r0))" \
          -v busy="$((busy1 - busy))" 'BEGIN {
          bound = b / bw > r / 500 ? b / bw : r / 500
          printf "%s  SDK, %d random 4 KiB pages: %.1f s, %d requests, %.1f MiB; bound %.1f s, ratio %.2f (%d ServerBusy)\n",
            l, r - busy, t, r, b / 1048576, bound, t / bound, busy
        }'
      fi
      wan_stop
    done
  done
}

many() {
  local link=${links[0]}
  echo "=== $vms VMs of 2 disks in one hvrepl run --follow for $follow_seconds s, link $link"
  wan_start "$link"
  local dirs=()
  for vm in $(seq 1 "$vms"); do
    protect_sample_vm "$vm" "$wan;Container=many" 5m 500 --link-bandwidth "${link%%:*}"
    dirs+=(--state-dir "$work/vm$vm/state")
  done
  /usr/bin/time -f "%e %M" -o "$work/t" timeout -s INT "$follow_seconds" "$hvrepl" run "${dirs[@]}" --follow --json \
    >"$work/follow.jsonl" 2>/dev/null || true
  # time notes the interrupting signal on a line of its own first.
  read -r secs kib < <(tail -1 "$work/t")
  local late=0 points
  for vm in $(seq 1 "$vms"); do
    points=$(json recovery_points "$("$hvrepl" status --state-dir "$work/vm$vm/state" --json 2>/dev/null)")
    ((${points:-0} >= 1)) || late=$((late + 1))
  done
  for vm in $(seq 1 "$vms"); do "$guest" ctl --control "$work/vm$vm/g.sock" exit >/dev/null 2>&1 || true; done
  awk -v n="$vms" -v s="$secs" -v k="$kib" -v late="$late" 'BEGIN {
    printf "%d VMs x 2 disks: %.0f s, peak memory %.1f MiB (goal < 512 MiB); %d VMs without a recovery point\n", n, s, k / 1024, late }'
  wan_stop
}

for part in "${parts[@]}"; do "$part"; done
