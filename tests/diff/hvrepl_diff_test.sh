#!/usr/bin/env bash
# hvrepl manifest build / manifest show / diff, as an administrator runs them: every
# operand combination, JSON and human output, and the exit codes of command.hpp.
set -euo pipefail
hvrepl=("$@")  # the program, after the emulator that runs it if there is one (Wine)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect TEXT-THAT-MUST-APPEAR OUTPUT
  grep -qF -- "$1" <<<"$2" || fail "'$1' not in: $2"
}

# target: 3 MiB of data; source: one 4 KiB block changed, one 256 KiB chunk zeroed.
head -c $((3 << 20)) /dev/urandom >target.raw
cp target.raw source.raw
printf 'hvr!' | dd of=source.raw bs=1 seek=8192 conv=notrunc status=none
dd if=/dev/zero of=source.raw bs=256K seek=4 count=1 conv=notrunc status=none

out=$("${hvrepl[@]}" manifest build target.raw -o target.hvrm)
expect "target.hvrm: 12 chunks of 262144 bytes (0 zero) for 3145728 bytes of target.raw" "$out"
out=$("${hvrepl[@]}" manifest build source.raw -o source.hvrm --chunk-size 256K)
expect "(1 zero)" "$out"
out=$("${hvrepl[@]}" manifest show target.hvrm --json)
expect '"disk_size":3145728,"chunk_size":262144,"chunks":12,"zero_chunks":0' "$out"

runs='"runs":[{"offset":0,"length":262144,"kind":"data"},{"offset":1048576,"length":262144,"kind":"zero"}]'
for pair in "source.raw target.raw" "source.raw target.hvrm" "source.hvrm target.hvrm" "source.hvrm target.raw"; do
  # shellcheck disable=SC2086
  out=$("${hvrepl[@]}" diff $pair --json --chunk-size 256K)
  expect '"identical":false' "$out"
  expect '"differing_chunks":2,"runs":2,"bytes_to_send":262144' "$out"
  expect "$runs" "$out"
done

# Two disks: 4 KiB chunks unless told otherwise.
out=$("${hvrepl[@]}" diff source.raw target.raw)
expect "chunks  768 of 4096 bytes, 65 differ, in 2 runs" "$out"
expect "send    4096 bytes; clear 262144 bytes" "$out"
expect "            8192            4096  data" "$out"
out=$("${hvrepl[@]}" diff target.raw target.hvrm)
expect "identical" "$out"

# Errors: usage is 2, non-recoverable errors are 1, with the reason on stderr.
set +e
err=$("${hvrepl[@]}" diff source.raw 2>&1); rc=$?
[[ $rc -eq 2 ]] || fail "missing operand: exit $rc"
err=$("${hvrepl[@]}" diff source.raw target.raw --chunk-size 3000 2>&1); rc=$?
[[ $rc -eq 1 ]] || fail "bad chunk size: exit $rc"
expect "not a power of two" "$err"
err=$("${hvrepl[@]}" diff source.raw target.hvrm --chunk-size 64K 2>&1); rc=$?
[[ $rc -eq 1 ]] || fail "chunk size mismatch: exit $rc"
head -c 100 target.hvrm >cut.hvrm
err=$("${hvrepl[@]}" diff source.raw cut.hvrm 2>&1); rc=$?
[[ $rc -eq 1 ]] || fail "truncated manifest: exit $rc"
expect "corrupt_data: cut.hvrm: truncated manifest" "$err"
set -e
echo "hvrepl diff: ok"
