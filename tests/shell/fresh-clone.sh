#!/usr/bin/env bash
# Test: the notebook scripts work in a fresh clone, where nothing has been built (no .build/).
#
#   tests/shell/fresh-clone.sh
#
# Copies the repository's files (git's tracked and untracked-but-not-ignored files: what a clone of this
# working tree holds, so no .build/, bin/, obj/ or notebooks/out/) to a temporary folder, then there:
#   1. notebooks/run-all.sh runs lesson 00 under dotnet-repl (it must build .build/notebooks itself);
#   2. notebooks/export-html.sh exports it to notebooks/html/00-setup-data.html;
#   3. lesson 03's file-based app runs (smoke preset) from outside the clone and writes its page into the clone's
#      notebooks/html/apps/ (issue 23); the app's build output (~570 MB under ~/.local/share/dotnet/runfile/, one folder
#      per app path) is removed afterwards.
# MNIST is read from this repository's data/ (FARCLUSS_DATA), so nothing is downloaded.
# Each case prints "passed NAME" or "FAILED NAME: why"; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export FARCLUSS_DATA="${FARCLUSS_DATA:-$root/data}"
source "$root/tests/shell/lib/cases.sh"

clone="$(mktemp -d "${TMPDIR:-/tmp}/farcluss-fresh-clone.XXXXXX")"
trap 'rm -rf "$clone"' EXIT
source "$root/tests/shell/lib/copy-repo.sh"
copy_repo "$root" "$clone"
if [ -e "$clone/.build" ]; then fail "set-up" "the copy has a .build/"; echo "$passed passed, $failed failed"; exit 1; fi

log="$root/.build/fresh-clone-run-all.log"; mkdir -p "$root/.build"
name="notebooks/run-all.sh (lesson 00, dotnet-repl) in a clone without .build/"
if "$clone/notebooks/run-all.sh" --engine repl 00-setup-data.ipynb >"$log" 2>&1 && [ -f "$clone/.build/notebooks/Farcluss.dll" ]; then pass "$name"
else fail "$name" "$(grep -m1 -E 'FAILED|run-all:.*(failed|error)|No such file' "$log" || tail -1 "$log") (log: .build/fresh-clone-run-all.log)"; fi

name="notebooks/export-html.sh in the same clone"
if ! command -v jupyter >/dev/null; then echo "skipped $name: no Jupyter (environment/setup.sh names the packages)"
elif "$clone/notebooks/export-html.sh" >"$root/.build/fresh-clone-export.log" 2>&1 && [ -s "$clone/notebooks/html/00-setup-data.html" ]; then pass "$name"
else fail "$name" "$(tail -1 "$root/.build/fresh-clone-export.log") (log: .build/fresh-clone-export.log)"; fi

name="dotnet run notebooks/apps/03-fuzzy-labels.cs (smoke) in the same clone, started from another folder"
runfiles="$HOME/.local/share/dotnet/runfile"
before="$(ls "$runfiles" 2>/dev/null)"
if (cd /tmp && FARCLUSS_SMOKE=1 timeout 900 dotnet run "$clone/notebooks/apps/03-fuzzy-labels.cs") >"$root/.build/fresh-clone-app.log" 2>&1 \
   && grep -q "^page: $clone/notebooks/html/apps/03-fuzzy-labels.html" "$root/.build/fresh-clone-app.log" \
   && [ -s "$clone/notebooks/html/apps/03-fuzzy-labels.html" ]; then pass "$name"
else fail "$name" "$(grep -m1 -E 'error|Exception' "$root/.build/fresh-clone-app.log" || tail -1 "$root/.build/fresh-clone-app.log") (log: .build/fresh-clone-app.log)"; fi
for dir in $(ls "$runfiles" 2>/dev/null); do # only the folders this run made
  case "$dir" in 03-fuzzy-labels-*) grep -qxF "$dir" <<<"$before" || rm -rf "${runfiles:?}/$dir" ;; esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
