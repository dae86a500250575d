#!/usr/bin/env bash
# Test: the README's test command sets itself up. On a machine without Jupyter it installs it (root with apt-get),
# or says in one line what is missing and how to install it, counted as one failure, and skips what needs it.
#
#   tests/shell/setup-without-jupyter.sh
#
# "A machine without Jupyter" is simulated with commands put first on PATH (this machine's packages are not
# touched): dpkg-query reports Debian's Jupyter and Chromium packages as not installed, jupyter and chromium
# fail as if absent, id -u answers 1000 (not root) or 0 (root), and apt-get records its arguments and, for
# "install", makes the packages count as installed.
#   1. not root: ./run-tests --setup-only prints one line naming the packages and the install command, ends
#      "0 passed, 1 failed", and does not call apt-get;
#   2. root with apt-get: it calls apt-get install with exactly the missing packages and ends "0 passed, 0 failed";
#   3. not root, the whole command in a fresh copy of the repository (one unit test class, lesson 00): it ends
#      "N passed, 1 failed" with N > 0: the set-up line is the only failure and the Jupyter steps say "skipped".
# Each case prints "passed NAME" or "FAILED NAME: why"; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export FARCLUSS_DATA="${FARCLUSS_DATA:-$root/data}"
source "$root/tests/shell/lib/cases.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/farcluss-setup-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
shims="$work/bin"; mkdir -p "$shims" "$work/installed"
absent=(chromium jupyter-notebook jupyter-nbconvert python3-nbconvert jupyter-client python3-jupyter-client jupyter-core python3-ipykernel)
real_dpkg_query="$(command -v dpkg-query || echo /usr/bin/dpkg-query)"
cat >"$shims/dpkg-query" <<SH
#!/usr/bin/env bash
for a in "\$@"; do case " ${absent[*]} " in *" \$a "*) [ -e "$work/installed/\$a" ] || exit 1 ;; esac; done
exec "$real_dpkg_query" "\$@"
SH
printf '#!/usr/bin/env bash\nif [ "${1:-}" = -u ]; then cat "%s/uid"; else exec /usr/bin/id "$@"; fi\n' "$work" >"$shims/id"
printf '#!/usr/bin/env bash\necho "$*" >> "%s/apt-get.log"\nif [ "${1:-}" != update ]; then for a in "$@"; do touch "%s/installed/$a"; done; fi\n' "$work" "$work" >"$shims/apt-get"
for tool in jupyter chromium; do printf '#!/usr/bin/env bash\necho "%s: command not found" >&2; exit 127\n' "$tool" >"$shims/$tool"; done
chmod +x "$shims"/*
shimmed() { PATH="$shims:$PATH" "$@"; }

# 1. Not root: one line, one failure, no apt-get.
echo 1000 >"$work/uid"; rm -f "$work/apt-get.log" "$work/installed"/*
out="$(shimmed "$root/run-tests" --setup-only 2>"$work/stderr-1")"; status=$?
lines="$(grep -c '^setup: missing Debian packages: ' <<<"$out")"
name="not root: one line names the missing packages and the install command, counted as one failure"
if [ "$status" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q 'jupyter-nbconvert.*install them with: sudo apt-get install --no-install-recommends .*jupyter-nbconvert' <<<"$out" \
   && [ "$(tail -1 <<<"$out")" = "0 passed, 1 failed" ] && [ ! -e "$work/apt-get.log" ]; then
  pass "$name"; grep '^setup: missing' <<<"$out" | sed 's/^/    /'
else fail "$name" "exit $status, output: $(tr '\n' '|' <<<"$out") $(tail -3 "$work/stderr-1" | tr '\n' '|')"; fi

# 2. Root with apt-get: installs exactly what is missing.
echo 0 >"$work/uid"; rm -f "$work/apt-get.log" "$work/installed"/*
out="$(shimmed "$root/run-tests" --setup-only 2>"$work/stderr-2")"; status=$?
name="root with apt-get: installs the missing packages"
if [ "$status" -eq 0 ] && [ "$(tail -1 <<<"$out")" = "0 passed, 0 failed" ] && grep -q "^install -y -qq --no-install-recommends ${absent[*]}\$" "$work/apt-get.log" 2>/dev/null; then
  pass "$name"; sed 's/^/    apt-get /' "$work/apt-get.log"
else fail "$name" "exit $status, apt-get: $(cat "$work/apt-get.log" 2>/dev/null | tr '\n' '|') output: $(tr '\n' '|' <<<"$out")"; fi

# 3. The whole command without Jupyter, in a fresh copy: the set-up line is its only failure.
echo 1000 >"$work/uid"; rm -f "$work/apt-get.log" "$work/installed"/*
source "$root/tests/shell/lib/copy-repo.sh"
mkdir -p "$work/repo"; copy_repo "$root" "$work/repo"
log="$root/.build/setup-without-jupyter-run-tests.log"; mkdir -p "$root/.build"
FARCLUSS_SHELL_TESTS=0 FARCLUSS_LESSONS=00-setup-data.ipynb shimmed "$work/repo/run-tests" --filter "FullyQualifiedName~NativeLibTorchTests" >"$log" 2>&1
last="$(tail -1 "$log")"
name="./run-tests without Jupyter (fresh copy): one failure, the set-up line; Jupyter steps skipped"
if [[ "$last" =~ ^([0-9]+)\ passed,\ 1\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] && [ "$(grep -c '^setup: missing Debian packages: ' "$log")" -eq 1 ] \
   && grep -q '^== skipped: the nbconvert lessons' "$log" && grep -q '^passed 00-setup-data.ipynb' "$log"; then
  pass "$name"; echo "    $last"
else fail "$name" "last line '$last' (log: .build/setup-without-jupyter-run-tests.log)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
