#!/usr/bin/env bash
# The workshop-regime search (issue 3): each regime trains supervised and FARCLUSS (seed 0) and is
# judged on the VALIDATION split only. Usage: results/search/run-search.sh r1-... r2-... (config stems)
set -euo pipefail
cd "$(dirname "$0")/../.."
# A frozen copy of the CLI, so rebuilding the kit during a long search does not touch the running one.
./farcluss --help >/dev/null
rm -rf .build/search-cli && cp -r .build/cli .build/search-cli
export FARCLUSS_HOME="$PWD"
for stem in "$@"; do
  dotnet .build/search-cli/Farcluss.Cli.dll ablate --config "results/search/configs/$stem.json" --only "${VARIANTS:-supervised,farcluss}" \
    --seeds "${SEEDS:-0}" --report-split validation --out "results/search/$stem" 2>&1 | tee -a "results/search/$stem.log" | grep -vE '^\S+ seed [0-9]+: step' || true
done
