#!/usr/bin/env bash
# Test: on a real full disk and a real read-only mount (not a stand-in such as /dev/full), a command ends with
# exit 1 and one "error: <file>: <problem>" line, leaves no temporary file behind and changes nothing on disk.
#
#   tests/shell/full-disk-read-only.sh
#
# Needs root (it mounts); without root it prints "skipped" and "0 passed, 0 failed". The mounts live under
# .build/disk-test/ and are removed at the end, even when a case fails.
#   1. full disk: a tmpfs of 256 KiB holds the run's config and metrics but not its checkpoint (several MB).
#      `train --preset smoke --steps 4` into it: exit 1, one "error:" line naming checkpoint.bin and "No space
#      left on device", no *.tmp left, and the tmpfs's free space back to what the run's small files leave;
#   2. read-only: a finished run bind-mounted read-only. `train --resume`, `train --overwrite`,
#      `ablate --out` into it and `compare --runs` into it: each exit 1 with one "error:" line, before any data
#      is loaded (no "data:" line), and the folder byte-identical afterwards.
# Each case prints "passed NAME" or "FAILED NAME: why"; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 FARCLUSS_HOME="$root"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
source "$root/tests/shell/lib/cases.sh"

if [ "$(id -u)" != 0 ]; then echo "skipped: mounting a tmpfs and a read-only bind mount needs root"; echo "0 passed, 0 failed"; exit 0; fi
work="$root/.build/disk-test"
full="$work/full"; ro="$work/read-only"; src="$work/source"; logs="$work/logs"
cleanup() { umount "$full" 2>/dev/null; umount "$ro" 2>/dev/null; rm -rf "$work"; }
cleanup; trap cleanup EXIT
mkdir -p "$full" "$ro" "$src" "$logs"
if ! mount -t tmpfs -o size=256k farcluss-full "$full" || ! mount --bind "$src" "$ro"; then
  echo "FAILED set-up: cannot mount a tmpfs or a bind mount here (a container without CAP_SYS_ADMIN?)"; echo "0 passed, 1 failed"; exit 1
fi
umount "$ro"
cli() { "$root/farcluss" "$@" --device cpu; }
one_error_line() { # exactly one line starting "error: ", and it contains every further argument
  local file="$1"; shift
  [ "$(grep -c '^error: ' "$file")" -eq 1 ] || return 1
  for want in "$@"; do grep '^error: ' "$file" | grep -qF -- "$want" || return 1; done
}
snapshot() { (cd "$1" && find . -type f ! -name .lock -print0 | sort -z | xargs -0 -r sha256sum; find . | sort); }

# 1. Full disk.
cli train --preset smoke --steps 4 --out "$full/run" >"$logs/out-1" 2>"$logs/err-1"; status=$?
tmps="$(find "$full" -name '*.tmp' | tr '\n' ' ')"
used_kb="$(df -k --output=used "$full" | tail -1 | tr -d ' ')"
name="full disk: train ends in exit 1 with one error line naming the checkpoint, and leaves no temporary file"
if [ "$status" -eq 1 ] && one_error_line "$logs/err-1" "checkpoint.bin" "No space left on device" && [ -z "$tmps" ] && [ "$used_kb" -lt 128 ]; then
  pass "$name"; grep '^error: ' "$logs/err-1" | sed 's/^/    /'; echo "    tmpfs used after the failure: ${used_kb} KiB of 256 ($(ls -A "$full/run" | tr '\n' ' '))"
else fail "$name" "exit $status, .tmp left: '${tmps}', ${used_kb} KiB used, stderr: $(tail -5 "$logs/err-1" | tr '\n' '|')"; fi

# 2. Read-only: a finished 4-step run, then the folder mounted read-only.
if ! cli train --preset smoke --steps 4 --out "$src/run" >"$logs/out-2" 2>"$logs/err-2"; then
  fail "read-only: set-up run" "$(tail -5 "$logs/err-2" | tr '\n' '|')"
else
  mount --bind "$src" "$ro" && mount -o remount,bind,ro "$ro"
  before="$(snapshot "$ro")"
  i=0
  for case in "train --resume:train --preset smoke --steps 4 --resume --out $ro/run" \
              "train --overwrite:train --preset smoke --steps 4 --overwrite --out $ro/run" \
              "ablate --out:ablate --preset smoke --steps 4 --seeds 0 --only supervised --out $ro/results/abl" \
              "compare --runs:compare --preset smoke --steps 4 --variants supervised --runs $ro/runs"; do
    i=$((i + 1)); label="${case%%:*}"; args="${case#*:}"
    # shellcheck disable=SC2086
    cli $args >"$logs/out-ro-$i" 2>"$logs/err-ro-$i"; status=$?
    name="read-only: $label ends in exit 1 with one error line, before loading data, and changes nothing"
    if [ "$status" -eq 1 ] && one_error_line "$logs/err-ro-$i" "$ro" && ! grep -q '^data: ' "$logs/err-ro-$i" && [ "$(snapshot "$ro")" = "$before" ]; then
      pass "$name"; grep '^error: ' "$logs/err-ro-$i" | sed 's/^/    /'
    else fail "$name" "exit $status, stderr: $(tail -5 "$logs/err-ro-$i" | tr '\n' '|')"; fi
  done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
