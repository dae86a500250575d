#!/usr/bin/env bash
# Records or checks that a refactoring changes not one number (issue 15). For the smoke preset and for
# 50 steps of the workshop preset, each variant (supervised, hard, farcluss, farcluss-reco) is trained with
# seed 0; the hashes kept are sha256 of metrics.jsonl with the timing fields ("ms_per_step", "ms_per_term")
# removed, and sha256 of checkpoint.bin.
#
#   tests/baseline/run-hashes.sh record OUT   train from the presets; saves each run's effective
#                                             config.json in tests/baseline/configs/ and prints the hashes
#   tests/baseline/run-hashes.sh check OUT    trains again from the saved configs (--config, so that a later
#                                             change of a preset does not move the baseline) and compares
#                                             with tests/baseline/hashes.txt
#   tests/baseline/run-hashes.sh hash RUN     prints the two hashes of one run folder
#   A third argument (smoke or workshop) keeps only that preset's runs.
#
# The smoke hashes are also checked by the unit test Training/NumbersUnchangedTests.cs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# FARCLUSS_CLI=path/to/Farcluss.Cli.dll runs that build instead of ./farcluss (e.g. a copy of the baseline's
# build, checked while the sources change).
if [ -n "${FARCLUSS_CLI:-}" ]; then export FARCLUSS_HOME="$root"; farcluss=(dotnet "$FARCLUSS_CLI"); else farcluss=("$root/farcluss"); fi

# The timing fields removed before hashing; the same rule as NumbersUnchangedTests.StripTimings.
strip_timings() { sed -E 's/,?"ms_per_(step|term)":(\{[^}]*\}|[^,}]*)//g' "$1"; }
hash_run() {
  local m c
  m=$(strip_timings "$1/metrics.jsonl" | sha256sum | cut -d' ' -f1)
  c=$(sha256sum "$1/checkpoint.bin" | cut -d' ' -f1)
  echo "$m $c"
}

runs=("smoke supervised" "smoke hard" "smoke farcluss" "smoke farcluss-reco"
      "workshop supervised" "workshop hard" "workshop farcluss" "workshop farcluss-reco")

mode="${1:?usage: run-hashes.sh record|check OUT, or hash RUN}"
out="${2:?usage: run-hashes.sh record|check OUT, or hash RUN}"
case "$mode" in
  hash) hash_run "$out"; exit 0 ;;
  record|check) ;;
  *) echo "run-hashes.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
mkdir -p "$out" "$here/configs"
status=0
for run in "${runs[@]}"; do
  read -r preset variant <<<"$run"
  if [ -n "${3:-}" ] && [ "$preset" != "$3" ]; then continue; fi
  name="$preset-$variant"
  steps=(); [ "$preset" = workshop ] && steps=(--steps 50)
  if [ "$mode" = record ]; then
    nice -n 10 "${farcluss[@]}" train --preset "$preset" "${steps[@]}" --variant "$variant" --seed 0 --out "$out/$name" >"$out/$name.log" 2>&1
    cp "$out/$name/config.json" "$here/configs/$name.json"
    echo "$name $(hash_run "$out/$name")"
  else
    nice -n 10 "${farcluss[@]}" train --preset "$preset" --config "$here/configs/$name.json" --variant "$variant" --seed 0 \
      --out "$out/$name" >"$out/$name.log" 2>&1
    got="$name $(hash_run "$out/$name")"
    want=$(grep "^$name " "$here/hashes.txt" || true)
    if [ "$got" = "$want" ]; then echo "same    $got"; else echo "CHANGED $got (baseline: ${want:-none})"; status=1; fi
  fi
done
exit $status
