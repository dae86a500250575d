#!/usr/bin/env bash
# Test: a lesson whose training fails degrades gracefully (issue 25). With a training failure injected, the cell that
# trains must end with one readable line ("… did not finish: …"), every later cell that needs its result must say so
# ("This cell needs …"), and no cell may fail: no error output, no NullReferenceException anywhere, no progress line left
# short of its last step (run-all.sh's own check).
#
#   tests/shell/lesson-failure.sh [LESSON.ipynb ...]     default: 01-supervised.ipynb 02-mean-teacher-hard-labels.ipynb
#
# The failure: FARCLUSS_TEST_NUMERICS_FAULT=default:nonfinite,onednn-off:nonfinite (docs/numerics.md) makes the numerics
# check see non-finite convolutions on every CPU path, as on a CPU whose kernels compute this model wrong; Lesson.Setup
# reports it in its line, and every Trainer then refuses to train (a KitException naming ./farcluss doctor). Lessons run
# with the smoke preset under dotnet-repl and, where Jupyter is installed, nbconvert with the kit's kernelspec; the
# executed copies go to .build/lesson-failure/. Prints "passed NAME" or "FAILED NAME: why"; the last line is
# "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 FARCLUSS_HOME="$root" FARCLUSS_SMOKE=1
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export FARCLUSS_TEST_NUMERICS_FAULT="default:nonfinite,onednn-off:nonfinite"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
source "$root/tests/shell/lib/cases.sh"

lessons=("$@"); [ ${#lessons[@]} -eq 0 ] && lessons=(01-supervised.ipynb 02-mean-teacher-hard-labels.ipynb)
work="$root/.build/lesson-failure"
rm -rf "$work"; mkdir -p "$work"
if [ ! -f .build/notebooks/Farcluss.Charts.dll ] || [ -n "$(find lib -name '*.cs' -newer .build/notebooks/Farcluss.Charts.dll | head -1)" ]; then
  dotnet build lib/Farcluss.Charts/Farcluss.Charts.csproj -c Release -o .build/notebooks --nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1 \
    || { echo "FAILED build: $(tail -3 "$work/build.log")"; echo "0 passed, 1 failed"; exit 1; }
fi
bash data-scripts/fetch-mnist.sh >/dev/null 2>&1 || { echo "FAILED MNIST could not be fetched"; echo "0 passed, 1 failed"; exit 1; }
dotnet tool restore >/dev/null 2>&1 || { echo "FAILED dotnet tool restore"; echo "0 passed, 1 failed"; exit 1; }

check() { # check EXECUTED.ipynb LESSON: the problems, one line, empty when the lesson degraded as it should
  "$python" - "$1" "$2" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
# Lessons whose cells after the failing one read only committed files, so none of them needs what failed.
no_dependent_cells = {"08-cost.ipynb"}
def texts(cell):
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            yield "ERROR " + o.get("ename", "") + ": " + o.get("evalue", "")
        for mime in ("text/plain", "text/html"):
            v = o.get("data", {}).get(mime) or (o.get("text") if mime == "text/plain" else None)
            if v: yield "".join(v)
problems, stopped_at, needs = [], None, 0
for i, cell in enumerate(cells):
    if cell["cell_type"] != "code": continue
    out = list(texts(cell))
    for t in out:
        if t.startswith("ERROR "): problems.append(f"cell {i + 1} failed: {t[6:200]}")
        if "NullReferenceException" in t: problems.append(f"cell {i + 1} shows a NullReferenceException")
    stops = [t for t in out if "did not finish:" in t]
    if len(stops) > 1: problems.append(f"cell {i + 1} shows {len(stops)} 'did not finish' lines, not one")
    if stops and stopped_at is None: stopped_at = i + 1
    if stopped_at is not None and i + 1 > stopped_at and any(t.startswith("This cell needs ") for t in out): needs += 1
if stopped_at is None: problems.append("no cell says its training did not finish (was the failure injected?)")
elif needs == 0 and sys.argv[2] not in no_dependent_cells: problems.append(f"no cell after cell {stopped_at} says what it needs")
print("; ".join(problems))
PY
}

run() { # run ENGINE LESSON
  local engine="$1" lesson="$2" name out problems frozen
  name="$(basename "$lesson" .ipynb)-$engine"; out="$work/$name.ipynb"
  cd "$root/notebooks"
  if [ "$engine" = repl ]; then
    timeout 900 dotnet tool run dotnet-repl -- --run "$lesson" --exit-after-run --output-path "$out" >"$work/$name.log" 2>&1
    [ -f "$out" ] && "$python" tools/notebook_outputs.py tidy "$out"
  else
    JUPYTER_PATH="$root/.build/jupyter" timeout 900 jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=900 \
      --ExecutePreprocessor.allow_errors=True --ExecutePreprocessor.kernel_name=.net-csharp \
      --output-dir "$work" --output "$name" "$lesson" >"$work/$name.log" 2>&1
  fi
  cd "$root"
  if [ ! -f "$out" ]; then fail "$lesson degrades under $engine" "no executed notebook (log: .build/lesson-failure/$name.log)"; return; fi
  problems="$(check "$out" "$lesson")"
  frozen="$("$python" notebooks/tools/notebook_outputs.py errors "$out" "$lesson" | head -3 | tr '\n' ' ')"
  if [ -z "$problems" ] && [ -z "$frozen" ]; then pass "$lesson degrades under $engine (one readable line, later cells say what they need)"
  else fail "$lesson degrades under $engine" "$problems $frozen"; fi
}

for lesson in "${lessons[@]}"; do run repl "$lesson"; done
if command -v jupyter >/dev/null; then
  bash "$root/environment/install-kernel.sh" "$root/.build/jupyter" >/dev/null 2>&1
  for lesson in "${lessons[@]}"; do run nbconvert "$lesson"; done
else
  echo "skipped nbconvert: no Jupyter (environment/setup.sh names the packages)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
