#!/usr/bin/env bash
# Executes every lesson headless and writes the executed copies to notebooks/out/ (git-ignored).
#
#   notebooks/run-all.sh [--engine repl|nbconvert] [--workshop] [LESSON.ipynb ...]
#
#   --engine repl       (default) dotnet-repl 0.3.259, the pinned local tool → notebooks/out/NAME.ipynb
#   --engine nbconvert  Jupyter's nbconvert with the kit's kernelspec (installed into .build/jupyter by
#                       environment/install-kernel.sh, loopback only) → notebooks/out/nbconvert/NAME.ipynb
#   --workshop          the workshop preset (minutes per lesson; copies in notebooks/out[/nbconvert]/workshop/); default is the smoke preset
#                       (FARCLUSS_SMOKE=1: tiny data, seconds of training), as CI runs them.
#   LESSON.ipynb ...    only these (names in notebooks/, e.g. solutions/05-class-rebalancing-solutions.ipynb); default:
#                       $FARCLUSS_LESSONS if set, else every lesson, then every lesson's solutions notebook.
#
# Builds the library and its chart helpers (Release) into .build/notebooks/, which every lesson's
# first cell loads. A cell that fails is reported as "FAILED NAME, code cell N (...): error" and the
# script exits 1; every lesson still runs. Results (name, status, seconds) go to
# notebooks/out/results-ENGINE.tsv; the last line printed is "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export FARCLUSS_HOME="$root"

engine=repl
smoke=1
lessons=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="${2:-}"; shift 2 ;;
    --workshop) smoke=0; shift ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) lessons+=("$1"); shift ;;
  esac
done
case "$engine" in repl|nbconvert) ;; *) echo "run-all: unknown engine '$engine' (repl or nbconvert)" >&2; exit 2 ;; esac
if [ "$smoke" = 1 ]; then export FARCLUSS_SMOKE=1; preset=smoke; timeout_s="${NOTEBOOK_TIMEOUT:-900}"
else unset FARCLUSS_SMOKE; preset=workshop; timeout_s="${NOTEBOOK_TIMEOUT:-1800}"; fi
if [ ${#lessons[@]} -eq 0 ] && [ -n "${FARCLUSS_LESSONS:-}" ]; then read -r -a lessons <<<"$FARCLUSS_LESSONS"; fi
if [ ${#lessons[@]} -eq 0 ]; then
  for nb in "$here"/[0-9][0-9]-*.ipynb; do lessons+=("$(basename "$nb")"); done
  # Each lesson's worked answers (notebooks/solutions/NN-name-solutions.ipynb) run too, after the lessons.
  for nb in "$here"/solutions/[0-9][0-9]-*-solutions.ipynb; do [ -f "$nb" ] && lessons+=("solutions/$(basename "$nb")"); done
fi
python=python3; command -v python3 >/dev/null || python=/usr/bin/python3

out="$here/out"; [ "$engine" = nbconvert ] && out="$out/nbconvert"; [ "$smoke" = 0 ] && out="$out/workshop"
mkdir -p "$out"
results="$out/results-$engine.tsv"
: > "$results"
passed=0; failed=0

fail_all() { echo "run-all: $1" >&2; for l in "${lessons[@]}"; do printf '%s\tfailed\t0\n' "$l" >> "$results"; done; echo "0 passed, ${#lessons[@]} failed"; exit 1; }

# Committed lessons carry no outputs (they are regenerated here and exported as HTML).
( cd "$here" && "$python" tools/notebook_outputs.py clean "${lessons[@]}" ) || { echo "run-all: strip the outputs first" >&2; failed=$((failed + 1)); }

bash "$root/data-scripts/fetch-mnist.sh" >&2 || fail_all "MNIST could not be fetched (data-scripts/fetch-mnist.sh)"
echo "run-all: building lib/Farcluss.Charts (Release) into .build/notebooks ..." >&2
mkdir -p "$root/.build" # a fresh clone has none; the build log goes there
if ! dotnet build "$root/lib/Farcluss.Charts/Farcluss.Charts.csproj" -c Release -o "$root/.build/notebooks" --nologo -v quiet -clp:ErrorsOnly \
     > "$root/.build/notebooks-build.log" 2>&1; then
  cat "$root/.build/notebooks-build.log" >&2
  fail_all "build failed"
fi
( cd "$root" && dotnet tool restore >/dev/null ) || fail_all "dotnet tool restore failed (.config/dotnet-tools.json)"
if [ "$engine" = nbconvert ]; then
  command -v jupyter >/dev/null || fail_all "jupyter not found (environment/setup.sh installs Debian's jupyter packages)"
  bash "$root/environment/install-kernel.sh" "$root/.build/jupyter" >/dev/null || fail_all "kernel install failed"
  export JUPYTER_PATH="$root/.build/jupyter"
fi

for lesson in "${lessons[@]}"; do
  # dotnet-repl resolves relative paths (the lessons' #r "../.build/...") against its working directory, Jupyter against
  # the notebook's folder: run each from its own folder (notebooks/, or notebooks/solutions/ for the answers).
  cd "$here/$(dirname "$lesson")"
  name="$(basename "$lesson" .ipynb)"
  executed="$out/$name.ipynb"
  rm -f "$executed"
  start=$EPOCHREALTIME
  if [ "$engine" = repl ]; then
    timeout "$timeout_s" dotnet tool run dotnet-repl -- --run "$(basename "$lesson")" --exit-after-run --output-path "$executed" > "$out/$name.log" 2>&1
  else
    timeout "$timeout_s" jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout="$timeout_s" \
      --ExecutePreprocessor.allow_errors=True --ExecutePreprocessor.kernel_name=.net-csharp \
      --output-dir "$out" --output "$name" "$(basename "$lesson")" > "$out/$name.log" 2>&1
  fi
  status=$?
  seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  report=""
  if [ -f "$executed" ]; then
    [ "$engine" = repl ] && "$python" "$here/tools/notebook_outputs.py" tidy "$executed"
    report="$("$python" "$here/tools/notebook_outputs.py" errors "$executed" "$lesson")"
  fi
  if [ -n "$report" ]; then
    while IFS= read -r line; do echo "FAILED $line"; done <<<"$report"
  elif [ ! -f "$executed" ] || [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && report="timed out after ${timeout_s} s" || report="the runner exited $status (log: ${out#$root/}/$name.log)"
    echo "FAILED $lesson: $report"; tail -5 "$out/$name.log" | sed 's/^/    /'
  fi
  if [ -z "$report" ]; then
    passed=$((passed + 1)); printf '%s\tpassed\t%s\n' "$lesson" "$seconds" >> "$results"
    echo "passed $lesson ($preset, $engine, ${seconds} s)"
  else
    failed=$((failed + 1)); printf '%s\tfailed\t%s\n' "$lesson" "$seconds" >> "$results"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
