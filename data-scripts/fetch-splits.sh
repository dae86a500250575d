#!/usr/bin/env bash
# Fetches the split lists the field's semi-supervised segmentation papers share (UniMatch,
# CorrMatch, AllSpark; U2PL's "blended" lists), from the repository LiheYoung/UniMatch, folder
# splits/, at commit 0324f3dd4a22128105a5eb135d2586c0bb3cc647, into
# ${FARCLUSS_DATA:-<repo>/data}/splits/ (splits/pascal/92/labeled.txt, splits/cityscapes/1_16/…).
# Every file is checked against data-scripts/splits.sha256 (35 files); the kit invents no split.
# See docs/full-scale.md.
#
# Rerunnable: files already present with the right sha256 are kept; a file with the wrong
# sha256 is an error (never overwritten silently). Atomic: everything is downloaded into a
# temporary folder and checked before the first file is moved into place.
#
# FARCLUSS_SPLITS_URL replaces the download base (default: the raw files at that commit); a
# file:// folder works, for a copy made on another machine. FARCLUSS_SPLITS_MANIFEST replaces
# the manifest (only the tests do this).
set -euo pipefail
script_name="fetch-splits"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly COMMIT="0324f3dd4a22128105a5eb135d2586c0bb3cc647"
offline_hint="On a machine with internet access, run this script there (or fetch splits/ of that commit by hand) and copy data/splits/ here, or point FARCLUSS_SPLITS_URL at a file:// copy."
base_url="${FARCLUSS_SPLITS_URL:-https://raw.githubusercontent.com/LiheYoung/UniMatch/$COMMIT}"
manifest="${FARCLUSS_SPLITS_MANIFEST:-$script_dir/splits.sha256}"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

require curl sha256sum
[[ -f "$manifest" ]] || fail "manifest $manifest not found."
mapfile -t entries < <(grep -E '^[0-9a-f]{64}  ' "$manifest")
(( ${#entries[@]} > 0 )) || fail "manifest $manifest lists no files."

# What is there already: right hash → keep; wrong hash → stop; absent → fetch.
missing=()
for entry in "${entries[@]}"; do
  expected="${entry%% *}"
  path="${entry#*  }"
  if [[ -f "$data_root/$path" ]]; then
    actual="$(sha256sum "$data_root/$path" | cut -d' ' -f1)"
    [[ "$actual" == "$expected" ]] || fail "$data_root/$path exists but its sha256 is $actual, not $expected: it is not UniMatch's list at $COMMIT. Delete it and run again."
  else
    missing+=("$entry")
  fi
done
if (( ${#missing[@]} == 0 )); then
  say "all ${#entries[@]} split lists present in $data_root/splits and checked, nothing to do."
  exit 0
fi

work_dir_in "$data_root"
say "fetching ${#missing[@]} split list(s) from $base_url ..."
for entry in "${missing[@]}"; do
  path="${entry#*  }"
  mkdir -p "$work_dir/$(dirname "$path")"
  download "$base_url/$path" "$work_dir/$path"
done
for entry in "${missing[@]}"; do
  expected="${entry%% *}"
  path="${entry#*  }"
  actual="$(sha256sum "$work_dir/$path" | cut -d' ' -f1)"
  [[ "$actual" == "$expected" ]] || fail "checksum mismatch for $path: expected sha256 $expected, got $actual. Nothing was written to $data_root/splits."
done
for entry in "${missing[@]}"; do
  path="${entry#*  }"
  mkdir -p "$data_root/$(dirname "$path")"
  mv -f "$work_dir/$path" "$data_root/$path"
done
say "wrote ${#missing[@]} split list(s) to $data_root/splits (all ${#entries[@]} checked by sha256)."
