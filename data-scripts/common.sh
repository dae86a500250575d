# Shared by the full-scale data scripts (fetch-splits.sh, fetch-voc.sh, fetch-cityscapes.sh).
# Sourced, not run. Each caller sets `script_name` first.

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$script_dir")"
data_root="${FARCLUSS_DATA:-$repo_root/data}"

fail() { echo "$script_name: error: $*" >&2; exit 1; }
say() { echo "$script_name: $*"; }

require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "'$tool' is not installed (Debian: apt-get install $tool)."
  done
}

# download URL DEST [CURL_ARGS...]: curl to DEST.part, then rename, so DEST is whole or absent.
# Offline, a refused connection or an HTTP error ends the script with one clear line.
download() {
  local url="$1" dest="$2"
  shift 2
  local log
  log="$(mktemp)"
  if ! curl --fail --location --silent --show-error --connect-timeout 20 --retry 2 "$@" -o "$dest.part" "$url" 2>"$log"; then
    local reason
    reason="$(grep -v '^$' "$log" | tail -n 1)"
    rm -f "$dest.part" "$log"
    fail "cannot download $url (${reason:-no reason given}). Is this machine offline, or is the host unreachable from here? ${offline_hint:-}"
  fi
  rm -f "$log"
  mv -f "$dest.part" "$dest"
}

# check_md5 FILE EXPECTED SOURCE: a wrong file is deleted, so a rerun downloads it again.
check_md5() {
  local file="$1" expected="$2" source="$3" actual
  actual="$(md5sum "$file" | cut -d' ' -f1)"
  if [[ "$actual" != "$expected" ]]; then
    fail "checksum mismatch for $(basename "$file"): expected md5 $expected ($source), got $actual. Nothing was unpacked; delete or replace the file and run again."
  fi
}

# work_dir_in DIR: a temporary folder inside DIR (same file system, so the final renames are atomic),
# removed when the script exits, however it exits.
work_dir_in() {
  mkdir -p "$1"
  work_dir="$(mktemp -d "$1/.$script_name.XXXXXX")"
  trap 'rm -rf "$work_dir"' EXIT
}
