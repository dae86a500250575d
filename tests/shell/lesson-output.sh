#!/usr/bin/env bash
# Test: the kit's one output API (ILessonOutput, issue 23) in the notebook host. A lesson may call Lesson.Show(value)
# instead of the kernel's display(value), and NotebookDisplay lines go through the same API: in a notebook both must
# reach the kernel as before (the file-based apps' side, LessonPage, is tested by xunit and by run-apps.sh).
#
#   tests/shell/lesson-output.sh
#
# A small notebook (.build/lesson-output/show.ipynb) loads the kit as every lesson does, then shows a string and a chart
# with Lesson.Show and a progress line updated twice; run by dotnet-repl and, where Jupyter is installed, by nbconvert
# with the kit's kernelspec, its executed copy must hold the string as a cell output, the chart as HTML drawn by the
# page's own plotly.js, and the line's last state. Prints "passed NAME" or "FAILED NAME: why"; the last line is
# "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 FARCLUSS_HOME="$root" FARCLUSS_SMOKE=1
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
source "$root/tests/shell/lib/cases.sh"

work="$root/.build/lesson-output"
rm -rf "$work"; mkdir -p "$work"
if [ ! -f .build/notebooks/Farcluss.Charts.dll ] || [ -n "$(find lib -name '*.cs' -newer .build/notebooks/Farcluss.Charts.dll | head -1)" ]; then
  dotnet build lib/Farcluss.Charts/Farcluss.Charts.csproj -c Release -o .build/notebooks --nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1 \
    || { echo "FAILED build: $(tail -3 "$work/build.log")"; echo "0 passed, 1 failed"; exit 1; }
fi
dotnet tool restore >/dev/null 2>&1 || { echo "FAILED dotnet tool restore"; echo "0 passed, 1 failed"; exit 1; }
"$python" - "$work/show.ipynb" "$root/.build/notebooks" <<'PY'
import json, sys
path, build = sys.argv[1], sys.argv[2]
cells = [
    '#r "nuget: TorchSharp, 0.107.0"\n#r "nuget: libtorch-cpu-linux-x64, 2.10.0"\n#r "nuget: Plotly.NET, 6.0.0"\n'
    f'#r "{build}/Farcluss.dll"\n#r "{build}/Farcluss.Charts.dll"\nFarcluss.Charts.Lesson.Setup();',
    'using Microsoft.DotNet.Interactive.Formatting;\nusing Farcluss.Charts;\n'
    'Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(OfflinePlotly.NotebookHtml(chart)), HtmlFormatter.MimeType);',
    'Lesson.Show("shown through the kit: 6 x 7 = " + 6 * 7);\n'
    'Lesson.Show(Plot.Chart([Plot.Bar("b", ["x", "y"], [1.0, 2.0])], Plot.Layout("kit chart")));\n'
    'var line = NotebookDisplay.Show("line: first state");\nline.Update("line: second state");\nline.Update("line: last state");',
]
nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c} for c in cells],
      "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
                   "language_info": {"name": "polyglot-notebook"},
                   "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "languageName": "csharp", "name": "csharp"}]}}},
      "nbformat": 4, "nbformat_minor": 5}
json.dump(nb, open(path, "w"), indent=1)
PY

check() { # check ENGINE EXECUTED.ipynb: what the third cell's outputs must hold
  "$python" - "$2" <<'PY'
import json, sys
cell = json.load(open(sys.argv[1]))["cells"][2]
outputs = cell.get("outputs", [])
def texts(mime): return ["".join(o.get("data", {}).get(mime, "")) for o in outputs]
problems = []
if any(o.get("output_type") == "error" for o in outputs): problems.append("the cell failed: " + next(o.get("evalue", "") for o in outputs if o.get("output_type") == "error")[:200])
if not any("shown through the kit: 6 x 7 = 42" in t for t in texts("text/plain") + texts("text/html")): problems.append("the string is not among the outputs")
if not any("Plotly.newPlot(" in t and "kit chart" in t for t in texts("text/html")): problems.append("no chart HTML among the outputs")
lines = [t for t in texts("text/plain") if t.startswith("line: ")]
if not lines or lines[-1] != "line: last state": problems.append(f"the line's states in the outputs: {lines}")
print("; ".join(problems))
PY
}

cd "$root/notebooks"
out="$work/show-repl.ipynb"
timeout 600 dotnet tool run dotnet-repl -- --run "$work/show.ipynb" --exit-after-run --output-path "$out" >"$work/repl.log" 2>&1
[ -f "$out" ] && "$python" tools/notebook_outputs.py tidy "$out"
if [ ! -f "$out" ]; then fail "Lesson.Show and a NotebookDisplay line under dotnet-repl" "no executed notebook (log: .build/lesson-output/repl.log)"
elif problems="$(check repl "$out")" && [ -z "$problems" ]; then pass "Lesson.Show and a NotebookDisplay line under dotnet-repl"
else fail "Lesson.Show and a NotebookDisplay line under dotnet-repl" "$problems"; fi

if command -v jupyter >/dev/null; then
  bash "$root/environment/install-kernel.sh" "$root/.build/jupyter" >/dev/null 2>&1
  out="$work/show-nbconvert.ipynb"
  JUPYTER_PATH="$root/.build/jupyter" timeout 600 jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --ExecutePreprocessor.allow_errors=True --ExecutePreprocessor.kernel_name=.net-csharp \
    --output-dir "$work" --output show-nbconvert "$work/show.ipynb" >"$work/nbconvert.log" 2>&1
  if [ ! -f "$out" ]; then fail "Lesson.Show and a NotebookDisplay line under nbconvert" "no executed notebook (log: .build/lesson-output/nbconvert.log)"
  elif problems="$(check nbconvert "$out")" && [ -z "$problems" ]; then pass "Lesson.Show and a NotebookDisplay line under nbconvert"
  else fail "Lesson.Show and a NotebookDisplay line under nbconvert" "$problems"; fi
else
  echo "skipped nbconvert: no Jupyter (environment/setup.sh names the packages)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
