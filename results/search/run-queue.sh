#!/usr/bin/env bash
# The experiment queue (issue 12): trains one run at a time in the background from a frozen copy of the CLI,
# logs each to a file, and commits each finished run's metrics.jsonl, config.json and console output (a run that
# exits non-zero is reported in the queue's log and not committed).
# Usage: results/search/run-queue.sh QUEUE_FILE   (lines: "config-stem variant seed"; '#' comments)
# Runs land in runs/search/<stem>/<variant>-s<seed>/; committed copies in results/search/<stem>/.
# Each run is evaluated on validation (every eval_every steps and at the end: choose on it) and on test.
set -uo pipefail
cd "$(dirname "$0")/../.."
queue="$1"
./farcluss --help >/dev/null
rm -rf .build/queue-cli && cp -r .build/cli .build/queue-cli
export FARCLUSS_HOME="$PWD"
grep -vE '^\s*(#|$)' "$queue" | while read -r stem variant seed; do
  out="runs/search/$stem/$variant-s$seed"
  keep="results/search/$stem/$variant-s$seed"
  if [ -f "$keep/metrics.jsonl" ]; then echo "skip $stem $variant $seed (done)"; continue; fi
  log="$out.console.log" # beside the run folder: train refuses a folder that is not empty
  rm -rf "$out" "$log"; mkdir -p "$(dirname "$out")"
  echo "$(date -u +%FT%TZ) start $stem $variant $seed"
  cmd="./farcluss train --config results/search/configs/$stem.json --variant $variant --seed $seed --out $out"
  start=$(date +%s)
  dotnet .build/queue-cli/Farcluss.Cli.dll train --config "results/search/configs/$stem.json" --variant "$variant" --seed "$seed" --out "$out" \
    < /dev/null > "$log" 2>&1
  code=$?
  echo "$(date -u +%FT%TZ) end $stem $variant $seed exit $code ($(( $(date +%s) - start )) s)"
  if [ "$code" -ne 0 ]; then tail -3 "$log" | sed 's/^/    /'; continue; fi # a failed run is not a result: nothing committed
  mkdir -p "$keep"
  grep -v ': step ' "$log" > "$keep/console.log"
  echo "$cmd" > "$keep/command.txt"
  cp "$out/metrics.jsonl" "$out/config.json" "$keep/" 2>/dev/null
  for i in 1 2 3 4 5; do
    git add "$keep" && git commit -q -m "results/search/$stem: $variant seed $seed (exit $code)" -- "$keep" && break
    sleep 5
  done
done
