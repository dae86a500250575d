#!/usr/bin/env bash
# Test: what a user who opens the repository in VS Code is offered, as far as it can be checked without VS Code.
#
#   tests/shell/vscode-kernel.sh
#
#   1. .vscode/extensions.json recommends the Jupyter and C# extensions, and .vscode/settings.json starts kernels in
#      the notebook's folder;
#   2. the kernelspec every lesson names in its metadata (".net-csharp") is installed in the user's Jupyter data
#      folder (environment/setup.sh does it), listens on loopback only, and is the one `jupyter kernelspec list`
#      resolves, i.e. the one VS Code's Jupyter extension offers and starts for the lessons;
#   3. that kernelspec, started as VS Code starts it (from the user's Jupyter path, JUPYTER_PATH unset, working
#      directory notebooks/), runs lesson 00 to the end under nbconvert (smoke preset).
# Not checked here (no VS Code on this machine): that the extension picks the kernel without asking.
# Each case prints "passed NAME" or "FAILED NAME: why"; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" FARCLUSS_HOME="$root"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
source "$root/tests/shell/lib/cases.sh"

name=".vscode recommends Jupyter and C#, kernels start in the notebook's folder"
if why="$("$python" - "$root/.vscode" <<'PY'
import json, re, sys
def jsonc(path):  # VS Code's files allow // comments
    return json.loads(re.sub(r'^\s*//.*$', '', open(path).read(), flags=re.M))
ext = jsonc(f"{sys.argv[1]}/extensions.json")["recommendations"]
settings = jsonc(f"{sys.argv[1]}/settings.json")
missing = [e for e in ("ms-toolsai.jupyter", "ms-dotnettools.csharp") if e not in ext]
if missing: sys.exit(f"extensions.json lacks {missing}")
if settings.get("jupyter.notebookFileRoot") != "${fileDirname}": sys.exit("settings.json: jupyter.notebookFileRoot is not ${fileDirname}")
PY
)"; then pass "$name"; else fail "$name" "$why"; fi

unset JUPYTER_PATH
name="the lessons' kernelspec .net-csharp is installed for the user, loopback only"
if ! jupyter --version >/dev/null 2>&1; then
  echo "skipped $name and lesson 00 with it: no Jupyter (environment/setup.sh names the packages)"
  echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit
fi
spec_dir="$(jupyter kernelspec list --json 2>/dev/null | "$python" -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"].get(".net-csharp",{}).get("resource_dir",""))')"
wanted="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["kernelspec"]["name"])' "$root/notebooks/00-setup-data.ipynb")"
if [ "$wanted" = .net-csharp ] && [ -n "$spec_dir" ] && [ "$spec_dir" = "$(jupyter --data-dir)/kernels/.net-csharp" ] \
   && grep -q -- '--http-local-only' "$spec_dir/kernel.json"; then pass "$name"; echo "    $spec_dir"
else fail "$name" "lesson names '$wanted', Jupyter resolves '${spec_dir:-nothing}' (run environment/setup.sh)"; fi

name="lesson 00 runs on that kernelspec (nbconvert, working directory notebooks/)"
out="$root/.build/vscode-kernel"; rm -rf "$out"; mkdir -p "$out"
( cd "$root/notebooks" && bash "$root/data-scripts/fetch-mnist.sh" >/dev/null \
  && dotnet build "$root/lib/Farcluss.Charts/Farcluss.Charts.csproj" -c Release -o "$root/.build/notebooks" --nologo -v quiet -clp:ErrorsOnly >"$out/build.log" 2>&1 \
  && FARCLUSS_SMOKE=1 timeout 900 jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=.net-csharp \
       --ExecutePreprocessor.timeout=900 --output-dir "$out" --output 00-setup-data 00-setup-data.ipynb >"$out/nbconvert.log" 2>&1 )
status=$?
if [ "$status" -eq 0 ] && [ -f "$out/00-setup-data.ipynb" ] && [ -z "$(cd "$root/notebooks" && "$python" tools/notebook_outputs.py errors "$out/00-setup-data.ipynb" 00-setup-data.ipynb)" ]; then
  pass "$name"
else fail "$name" "exit $status (logs: .build/vscode-kernel/)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
