#!/usr/bin/env bash
# Runs every lesson's .NET file-based app (notebooks/apps/NN-name.cs, generated from the notebooks: issue 23), each
# writing its page to notebooks/html/apps/NN-name.html; each app counts as one test.
#
#   notebooks/run-apps.sh [--workshop] [LESSON ...]
#
#   --workshop     the workshop preset (minutes per lesson); default is the smoke preset (FARCLUSS_SMOKE=1), as CI runs them
#   LESSON ...     only these (00-setup-data.ipynb, 00-setup-data.cs or 00-setup-data); default: $FARCLUSS_LESSONS if
#                  set, else every lesson
#
# A failing app is reported as "FAILED NAME: ..." with the end of its log (notebooks/out/apps/NAME.log); every app still
# runs. The first run of an app builds it (about 20 s, and ~570 MB under ~/.local/share/dotnet/runfile: libtorch is
# copied beside each app). Results (name, status, seconds) go to notebooks/out/apps/results.tsv; the last line printed
# is "N passed, N failed". The pages go to `node tests/browser/check-export.mjs notebooks/html/apps/*.html`.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

smoke=1
lessons=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workshop) smoke=0; shift ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) lessons+=("$1"); shift ;;
  esac
done
if [ "$smoke" = 1 ]; then export FARCLUSS_SMOKE=1; preset=smoke; timeout_s="${NOTEBOOK_TIMEOUT:-900}"
else unset FARCLUSS_SMOKE; preset=workshop; timeout_s="${NOTEBOOK_TIMEOUT:-1800}"; fi
if [ ${#lessons[@]} -eq 0 ] && [ -n "${FARCLUSS_LESSONS:-}" ]; then read -r -a lessons <<<"$FARCLUSS_LESSONS"; fi
if [ ${#lessons[@]} -eq 0 ]; then
  for app in "$here"/apps/[0-9][0-9]-*.cs; do lessons+=("$(basename "$app")"); done
fi

out="$here/out/apps"
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"
bash "$root/data-scripts/fetch-mnist.sh" >&2 || { echo "run-apps: MNIST could not be fetched (data-scripts/fetch-mnist.sh)" >&2; echo "0 passed, ${#lessons[@]} failed"; exit 1; }

passed=0; failed=0
cd "$root"
for lesson in "${lessons[@]}"; do
  name="$(basename "$lesson")"; name="${name%.ipynb}"; name="${name%.cs}"
  app="notebooks/apps/$name.cs"
  page="$here/html/apps/$name.html"
  rm -f "$page"
  start=$EPOCHREALTIME
  report=""
  if [ ! -f "$app" ]; then
    report="no $app (generate the apps: dotnet run --project notebooks/tools/NotebookApps)"
  else
    timeout "$timeout_s" dotnet run "$app" > "$out/$name.log" 2>&1
    status=$?
    if [ "$status" -eq 124 ]; then report="timed out after ${timeout_s} s"
    elif [ "$status" -ne 0 ]; then report="exited $status (log: notebooks/out/apps/$name.log)"
    elif [ ! -f "$page" ]; then report="exited 0 but wrote no page (log: notebooks/out/apps/$name.log)"
    elif ! grep -q "^page: $page" "$out/$name.log"; then report="did not print where its page is"; fi
  fi
  seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if [ -z "$report" ]; then
    passed=$((passed + 1)); printf '%s\tpassed\t%s\n' "$name" "$seconds" >> "$results"
    echo "passed $app ($preset, ${seconds} s): $(grep "^page: " "$out/$name.log" | sed "s|$root/||")"
  else
    failed=$((failed + 1)); printf '%s\tfailed\t%s\n' "$name" "$seconds" >> "$results"
    echo "FAILED $app: $report"
    [ -f "$out/$name.log" ] && tail -8 "$out/$name.log" | sed 's/^/    /'
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
