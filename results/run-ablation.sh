#!/usr/bin/env bash
# The committed ablation (issue 12): M2NIST-LT, workshop preset (64×64, 1/32 labels, 3600 steps, first third
# supervised), test split, seeds 0, 1, 2. It is `./farcluss ablate --preset workshop --out results/ablation
# --runs runs/ablation`, run seed by seed so that a stopped run keeps whole seeds: `ablate` saves after every
# run and merges with what results/ablation.json already holds. Each finished seed is committed with its runs'
# metrics.jsonl and config.json (validation curve every 600 steps, pseudo-label accuracy, f_c and r_c) copied
# to results/ablation-runs/<variant>-s<seed>/ (checkpoints stay in runs/ablation/, not committed).
# Usage: results/run-ablation.sh [variants, default supervised,hard,farcluss] [seeds, default 0,1,2]
# STEM=name writes results/name.json (.md, .log, name-runs/) instead of results/ablation (runs in runs/name/);
# CONFIG=file lays a JSON file over the preset (e.g. configs/fashion-mnist.json for another dataset).
set -uo pipefail
cd "$(dirname "$0")/.."
./farcluss --help >/dev/null # build once, then run a frozen copy so edits to the kit do not touch it
rm -rf .build/ablation-cli && cp -r .build/cli .build/ablation-cli
export FARCLUSS_HOME="$PWD"
variants="${1:-supervised,hard,farcluss}"
stem="${STEM:-ablation}"
config=(); if [ -n "${CONFIG:-}" ]; then config=(--config "$CONFIG"); fi
for s in $(echo "${2:-0,1,2}" | tr ',' ' '); do
  dotnet .build/ablation-cli/Farcluss.Cli.dll ablate --preset workshop "${config[@]}" --out "results/$stem" --runs "runs/$stem" \
    --only "$variants" --seeds "$s" 2>&1 | tee -a "results/$stem.log" | grep -vE '^\S+ seed [0-9]+: step' || true
  for v in $(echo "$variants" | tr ',' ' '); do
    if [ -f "runs/$stem/$v-s$s/metrics.jsonl" ]; then
      mkdir -p "results/$stem-runs/$v-s$s"
      cp "runs/$stem/$v-s$s/metrics.jsonl" "runs/$stem/$v-s$s/config.json" "results/$stem-runs/$v-s$s/"
    fi
  done
  for i in 1 2 3 4 5; do
    git add "results/$stem.json" "results/$stem.md" "results/$stem.log" "results/$stem-runs" &&
      git commit -q -m "results/$stem: $variants, seed $s (workshop preset${CONFIG:+ with $CONFIG}, test split)" -- "results/$stem.json" "results/$stem.md" "results/$stem.log" "results/$stem-runs" && break
    sleep 5
  done
done
