#!/usr/bin/env bash
# Installs the .NET Interactive Jupyter kernels (C#, F#, PowerShell) for the notebooks, from the
# local dotnet tool pinned in .config/dotnet-tools.json (Microsoft.dotnet-interactive 1.0.712001).
# Idempotent: rerunning overwrites the same kernelspecs.
#
#   environment/install-kernel.sh [JUPYTER_DATA_DIR]
#
# JUPYTER_DATA_DIR defaults to `jupyter --data-dir` (usually ~/.local/share/jupyter); the specs go to
# JUPYTER_DATA_DIR/kernels/.net-csharp etc. Point JUPYTER_PATH at a custom JUPYTER_DATA_DIR to use it.
#
# Security: the kernel opens an HTTP port (2048–3000) for its JavaScript API, on every network
# interface unless started with --http-local-only; every installed kernelspec's argv has that flag.
#
# The kernelspec runs `dotnet interactive`, a *local* tool: it resolves only when the kernel starts
# inside this repository (Jupyter starts it in the notebook's folder, so open the notebooks from
# notebooks/). Jupyter itself (Debian 12): apt-get install --no-install-recommends jupyter-notebook
# jupyter-nbconvert python3-nbconvert jupyter-client python3-jupyter-client jupyter-core python3-ipykernel
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

target="${1:-}"
if [ -z "$target" ]; then
  target="$(jupyter --data-dir 2>/dev/null || true)"
  [ -n "$target" ] || target="$HOME/.local/share/jupyter"
fi
mkdir -p "$target/kernels"
python=/usr/bin/python3; [ -x "$python" ] || python="$(command -v python3)" \
  || { echo "install-kernel: python3 is needed to edit the kernelspec (it comes with Jupyter)" >&2; exit 1; }

dotnet tool restore >/dev/null
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
dotnet tool run dotnet-interactive -- jupyter install --path "$staging" >/dev/null

for spec in "$staging"/.net-*; do
  name="$(basename "$spec")"
  "$python" - "$spec/kernel.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
argv = spec["argv"]
# Listen on loopback only: without this flag the kernel's HTTP port is open on every interface.
if "--http-local-only" not in argv:
    argv.insert(argv.index("jupyter") + 1, "--http-local-only")
spec.setdefault("env", {}).update({"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
json.dump(spec, open(path, "w"), indent=2)
PY
  rm -rf "${target:?}/kernels/$name"
  cp -r "$spec" "$target/kernels/$name"
  echo "installed kernelspec $target/kernels/$name"
done
