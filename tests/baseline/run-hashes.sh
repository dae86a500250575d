#!/usr/bin/env bash
# Records or checks that a refactoring changes not one number. For the smoke preset (every variant whose code
# differs: supervised, hard, fuzzy, weight, rebalance, farcluss, farcluss-no-weight, farcluss-reco) and for 50 steps
# of the workshop preset (supervised, hard, farcluss, farcluss-reco), each is trained with seed 0; kept are sha256 of
# metrics.jsonl without its machine-specific parts (the timing fields "ms_per_step", "ms_per_term" and the "numerics"
# lines), sha256 of checkpoint.bin, and in values.txt each run's losses and mIoUs.
#
#   tests/baseline/run-hashes.sh record OUT   train from the presets; saves each run's effective config.json in
#                                             tests/baseline/configs/, writes hashes.txt (its first line names the
#                                             machine and numeric path) and values.txt
#   tests/baseline/run-hashes.sh check OUT    trains again from the saved configs (--config, so that a later change of
#                                             a preset does not move the baseline) and compares. On the machine and
#                                             numeric path of the recording: the hashes, bitwise ("same"). Elsewhere
#                                             (another CPU's kernels give other last bits): the values within a
#                                             tolerance ("agrees"), saying which path the baseline was recorded on.
#   tests/baseline/run-hashes.sh hash RUN     prints the two hashes of one run folder
#   A third argument (smoke or workshop) keeps only that preset's runs.
#
# The smoke hashes are also checked by the unit test Training/NumbersUnchangedTests.cs, which shares these rules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# FARCLUSS_CLI=path/to/Farcluss.Cli.dll runs that build instead of ./farcluss (e.g. a copy of the baseline's
# build, checked while the sources change).
if [ -n "${FARCLUSS_CLI:-}" ]; then export FARCLUSS_HOME="$root"; farcluss=(dotnet "$FARCLUSS_CLI"); else farcluss=("$root/farcluss"); fi

# The machine-specific parts removed before hashing; the same rule as NumbersUnchangedTests.StripMachineSpecific.
strip_machine() { grep -v '^{"kind":"numerics"' "$1" | sed -E 's/,?"ms_per_(step|term)":(\{[^}]*\}|[^,}]*)//g'; }
hash_run() {
  local m c
  m=$(strip_machine "$1/metrics.jsonl" | sha256sum | cut -d' ' -f1)
  c=$(sha256sum "$1/checkpoint.bin" | cut -d' ' -f1)
  echo "$m $c"
}
# "machine: CPU | ISA flags | numeric path | libtorch", from a run's config.json.
machine_of() {
  python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["numerics"]; print("machine: %s | %s | %s | libtorch %s" % (n["cpu"], n["cpu_isa"], n["path"], n["libtorch"]))' "$1/config.json"
}
# One line per logged loss and per evaluation: "NAME train STEP LOSS", "NAME eval SPLIT MODEL MIOU".
values_of() {
  python3 - "$1" "$2" <<'PY'
import json, sys
name, run = sys.argv[1], sys.argv[2]
for line in open(run + "/metrics.jsonl"):
    r = json.loads(line)
    if r["kind"] == "train": print(name, "train", r["stats"]["step"], repr(r["stats"]["loss"]))
    elif r["kind"] == "eval": print(name, "eval", r["eval"]["split"], r["eval"]["model"], repr(r["eval"]["mean_io_u"]))
PY
}
# Compares values_of a run with values.txt: losses within 1% (relative), mIoU within 0.01 (absolute). Prints the largest gap.
agrees() {
  values_of "$1" "$2" | python3 -c '
import math, sys
want = {tuple(f[:-1]): float(f[-1]) for f in (l.split() for l in open(sys.argv[1])) if f}
ok, worst, seen = True, 0.0, 0
for f in (l.split() for l in sys.stdin):
    if not f: continue
    seen += 1
    key, value = tuple(f[:-1]), float(f[-1])
    if key not in want: print("no baseline value for", *key); ok = False; continue
    gap = abs(value - want[key]) / abs(want[key]) if f[1] == "train" else abs(value - want[key])
    if not gap <= 0.01: ok = False
    worst = gap if math.isnan(gap) or math.isnan(worst) else max(worst, gap)
ok = ok and seen > 0
print(("agrees" if ok else "DIFFERS") + f" (largest gap {worst:.1e}: losses within 1%, mIoU within 0.01)")
sys.exit(0 if ok else 1)' "$here/values.txt"
}

runs=("smoke supervised" "smoke hard" "smoke fuzzy" "smoke weight" "smoke rebalance" "smoke farcluss" "smoke farcluss-no-weight"
      "smoke farcluss-reco" "workshop supervised" "workshop hard" "workshop farcluss" "workshop farcluss-reco")

mode="${1:?usage: run-hashes.sh record|check OUT, or hash RUN}"
out="${2:?usage: run-hashes.sh record|check OUT, or hash RUN}"
case "$mode" in
  hash) hash_run "$out"; exit 0 ;;
  record|check) ;;
  *) echo "run-hashes.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
mkdir -p "$out" "$here/configs"
recorded=$(head -1 "$here/hashes.txt" 2>/dev/null | sed -n 's/^# //p')
status=0
[ "$mode" = record ] && { : >"$out/hashes.txt"; : >"$out/values.txt"; }
for run in "${runs[@]}"; do
  read -r preset variant <<<"$run"
  if [ -n "${3:-}" ] && [ "$preset" != "$3" ]; then continue; fi
  name="$preset-$variant"
  steps=(); [ "$preset" = workshop ] && steps=(--steps 50)
  if [ "$mode" = record ]; then
    nice -n 10 "${farcluss[@]}" train --preset "$preset" "${steps[@]}" --variant "$variant" --seed 0 --out "$out/$name" >"$out/$name.log" 2>&1
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c.pop("numerics",None); open(sys.argv[2],"w").write(json.dumps(c,indent=2,ensure_ascii=False)+"\n")' \
      "$out/$name/config.json" "$here/configs/$name.json"
    [ -s "$out/hashes.txt" ] || echo "# $(machine_of "$out/$name")" >>"$out/hashes.txt"
    echo "$name $(hash_run "$out/$name")" | tee -a "$out/hashes.txt"
    values_of "$name" "$out/$name" >>"$out/values.txt"
  else
    nice -n 10 "${farcluss[@]}" train --preset "$preset" --config "$here/configs/$name.json" --variant "$variant" --seed 0 \
      --out "$out/$name" >"$out/$name.log" 2>&1
    got="$name $(hash_run "$out/$name")"
    here_machine=$(machine_of "$out/$name")
    if [ "$here_machine" = "$recorded" ]; then
      want=$(grep "^$name " "$here/hashes.txt" || true)
      if [ "$got" = "$want" ]; then echo "same    $got"; else echo "CHANGED $got (baseline: ${want:-none})"; status=1; fi
    else
      verdict=$(agrees "$name" "$out/$name") || status=1
      echo "$verdict: $name (baseline $recorded; this run $here_machine)"
    fi
  fi
done
if [ "$mode" = record ]; then
  cp "$out/hashes.txt" "$here/hashes.txt"; cp "$out/values.txt" "$here/values.txt"
  echo "recorded in $here/hashes.txt and values.txt"
fi
exit $status
