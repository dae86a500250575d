#!/usr/bin/env bash
# Test: the kit loads its own libtorch even when another one comes first on the linker's search path.
#
#   tests/shell/foreign-libtorch.sh
#
# A stand-in "foreign libtorch" is made in .build/foreign-libtorch/: libtorch.so, libtorch_cpu.so and libc10.so
# that are shared libraries but not TorchSharp's libtorch (copies of the system's zlib, so no compiler is
# needed). With that folder first on LD_LIBRARY_PATH (as a conda or pip torch puts its lib/ there):
#   1. lesson 00 runs under dotnet-repl;
#   2. lesson 00 runs under Jupyter's nbconvert with the kit's kernelspec;
#   3. the CLI trains 2 steps (smoke preset);
#   4. when a foreign libtorch is already loaded before Lesson.Setup() (a cell loads it first), Setup fails with
#      one sentence naming that library and saying what to do.
# On today's machine Debian's python3-torch may also be installed (/usr/lib/x86_64-linux-gnu/libtorch_cpu.so):
# the line "debian libtorch: ..." says whether it was, and every lesson run by run-tests then meets it too.
# Each case prints "passed NAME" or "FAILED NAME: why"; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 FARCLUSS_HOME="$root"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
source "$root/tests/shell/lib/cases.sh"

work="$root/.build/foreign-libtorch"
standin="$work/lib"
rm -rf "$work"; mkdir -p "$standin"
zlib="$(ldconfig -p 2>/dev/null | sed -n 's/.*libz\.so\.1 (libc6,x86-64) => \(.*\)/\1/p' | head -1)"
[ -f "$zlib" ] || zlib=/lib/x86_64-linux-gnu/libz.so.1
if [ ! -f "$zlib" ]; then echo "FAILED set-up: no libz.so.1 to make the stand-in from"; echo "0 passed, 1 failed"; exit 1; fi
for name in libtorch.so libtorch_cpu.so libc10.so; do cp "$zlib" "$standin/$name"; done
if [ -e /usr/lib/x86_64-linux-gnu/libtorch_cpu.so ]; then
  echo "debian libtorch: /usr/lib/x86_64-linux-gnu/libtorch_cpu.so -> $(readlink -f /usr/lib/x86_64-linux-gnu/libtorch_cpu.so) (python3-torch installed)"
else
  echo "debian libtorch: not installed (apt-get install python3-torch adds it; the stand-in is tested either way)"
fi
export LD_LIBRARY_PATH="$standin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# 1, 2: lesson 00 under both engines, the stand-in first on the search path.
for engine in repl nbconvert; do
  if [ "$engine" = nbconvert ] && ! command -v jupyter >/dev/null; then echo "skipped lesson 00 (nbconvert): no Jupyter (environment/setup.sh names the packages)"; continue; fi
  log="$work/run-all-$engine.log"
  if notebooks/run-all.sh --engine "$engine" 00-setup-data.ipynb >"$log" 2>&1; then pass "lesson 00 ($engine) with a foreign libtorch on LD_LIBRARY_PATH"
  else fail "lesson 00 ($engine) with a foreign libtorch on LD_LIBRARY_PATH" "$(grep -m1 FAILED "$log" || tail -1 "$log") (log: ${log#$root/})"; fi
done

# 3: the CLI.
log="$work/cli.log"
if ./farcluss train --preset smoke --steps 2 --out "$work/cli-run" >"$log" 2>&1; then pass "CLI train (2 smoke steps) with a foreign libtorch on LD_LIBRARY_PATH"
else fail "CLI train (2 smoke steps) with a foreign libtorch on LD_LIBRARY_PATH" "$(grep -m1 -iE 'error|exception' "$log" || tail -1 "$log") (log: ${log#$root/})"; fi

# 4: a foreign libtorch already loaded when Lesson.Setup() runs: one clear sentence, naming it.
nb="$work/foreign-first.ipynb"
"$python" - "$nb" "$root/.build/notebooks" <<'PY'
import json, sys
path, build = sys.argv[1], sys.argv[2]
cells = [
    '#r "nuget: TorchSharp, 0.107.0"\n#r "nuget: libtorch-cpu-linux-x64, 2.10.0"\n#r "nuget: Plotly.NET, 6.0.0"\n'
    f'#r "{build}/Farcluss.dll"\n#r "{build}/Farcluss.Charts.dll"\n'
    '// What a cell run before Lesson.Setup() could do: load a libtorch from the search path by name.\n'
    'System.Runtime.InteropServices.NativeLibrary.Load("libtorch_cpu.so");',
    'try { Farcluss.Charts.Lesson.Setup(); Console.WriteLine("SETUP-RESULT: no error"); }\n'
    'catch (Farcluss.KitException e) { Console.WriteLine("SETUP-RESULT: " + e.Message); }',
]
nb = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells],
      "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
                   "language_info": {"name": "polyglot-notebook"},
                   "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "languageName": "csharp", "name": "csharp"}]}}},
      "nbformat": 4, "nbformat_minor": 5}
json.dump(nb, open(path, "w"), indent=1)
PY
out="$work/foreign-first.out.ipynb"
( cd "$root/notebooks" && timeout 600 dotnet tool run dotnet-repl -- --run "$nb" --exit-after-run --output-path "$out" >"$work/foreign-first.log" 2>&1 )
result="$("$python" - "$out" <<'PY' 2>/dev/null
import json, sys
for cell in json.load(open(sys.argv[1]))["cells"]:
    for o in cell.get("outputs", []):
        text = "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for line in text.splitlines():
            if line.startswith("SETUP-RESULT: "): print(line[len("SETUP-RESULT: "):])
PY
)"
name="a foreign libtorch loaded before Lesson.Setup() is named in one sentence"
if [ -z "$result" ]; then fail "$name" "no result (log: .build/foreign-libtorch/foreign-first.log)"
elif [[ "$result" == *"$standin/libtorch_cpu.so"* && "$result" == *"restart the kernel"* && "$(grep -o '\. ' <<<"$result" | wc -l)" -eq 0 ]]; then
  pass "$name"; echo "    $result"
else fail "$name" "Setup said: $result"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
