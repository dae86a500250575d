#!/usr/bin/env bash
# The committed ablation (issue 3): M2NIST-LT, workshop preset, test split, 3 seeds.
# It is `./farcluss ablate --seeds 0,1,2 --out results/ablation`, run in an order that puts the
# three rows the target compares (supervised, hard, farcluss) first, so a stopped run keeps them:
# `ablate` saves after every run and merges with what results/ablation.json already holds.
# Usage: results/run-ablation.sh [seeds for the other rows, default 0,1,2]
set -euo pipefail
cd "$(dirname "$0")/.."
./farcluss --help >/dev/null # build once, then run a frozen copy so edits to the kit do not touch it
rm -rf .build/ablation-cli && cp -r .build/cli .build/ablation-cli
export FARCLUSS_HOME="$PWD"
ablate() { dotnet .build/ablation-cli/Farcluss.Cli.dll ablate --preset workshop --out results/ablation "$@" 2>&1 \
  | tee -a results/ablation.log | grep -vE '^\S+ seed [0-9]+: step' || true; }
ablate --only supervised,hard,farcluss --seeds 0,1,2
for s in $(echo "${1:-0,1,2}" | tr ',' ' '); do
  ablate --only fuzzy,weight,rebalance,farcluss-no-fuzzy,farcluss-no-weight,farcluss-no-rebalance --seeds "$s"
done
