#!/usr/bin/env bash
# Cityscapes (fine annotations), laid out the way the kit's folder dataset and UniMatch's split
# lists read it:
#   ${FARCLUSS_DATA:-<repo>/data}/cityscapes/leftImg8bit/{train,val}/<city>/*_leftImg8bit.png
#   ${FARCLUSS_DATA:-<repo>/data}/cityscapes/gtFine/{train,val}/<city>/*_gtFine_labelTrainIds.png
# The labelTrainIds masks are made from Cityscapes' *_gtFine_labelIds.png by the kit itself
# (`farcluss data prepare-cityscapes`, C#: the 19 evaluated classes → 0…18, everything else 255),
# so no Python is needed.
#
# Cityscapes needs your own account (register at https://www.cityscapes-dataset.com and accept
# its licence). Either
#   CITYSCAPES_USERNAME=… CITYSCAPES_PASSWORD=… data-scripts/fetch-cityscapes.sh
# (logs in and downloads gtFine_trainvaltest.zip, 241 MB, and leftImg8bit_trainvaltest.zip, 11 GB,
# into data/downloads/), or download both zips yourself in a browser and run
#   data-scripts/fetch-cityscapes.sh --gtfine-zip FILE --leftimg-zip FILE
#
# Checks: Cityscapes publishes no checksums the kit could pin, so the zips' structure is checked
# before anything is unpacked: 2,975 train and 500 val *_gtFine_labelIds.png, and the same counts
# of *_leftImg8bit.png. After conversion, when data/splits/ exists (fetch-splits.sh), every file
# splits/cityscapes/1_16/labeled.txt, …/unlabeled.txt and val.txt name must be present.
# Rerunnable and atomic: unpacked and converted in a temporary folder beside the target, then
# renamed into place; a finished layout is left alone.
set -euo pipefail
script_name="fetch-cityscapes"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly SITE="${FARCLUSS_CITYSCAPES_URL:-https://www.cityscapes-dataset.com}"
readonly TRAIN_COUNT=2975 VAL_COUNT=500
target="$data_root/cityscapes"
marker="$target/.complete"
offline_hint="Download gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip from https://www.cityscapes-dataset.com/downloads/ (logged in) on a machine with internet access, copy them here, and run: data-scripts/fetch-cityscapes.sh --gtfine-zip FILE --leftimg-zip FILE"

gtfine_zip="" leftimg_zip=""
while (( $# > 0 )); do
  case "$1" in
    --gtfine-zip) gtfine_zip="${2:?--gtfine-zip needs a file}"; shift 2 ;;
    --leftimg-zip) leftimg_zip="${2:?--leftimg-zip needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)." ;;
  esac
done

if [[ -f "$marker" ]]; then
  say "Cityscapes already laid out in $target, nothing to do."
  exit 0
fi
require curl unzip

downloads="$data_root/downloads"
if [[ -z "$gtfine_zip" || -z "$leftimg_zip" ]]; then
  gtfine_zip="${gtfine_zip:-$downloads/gtFine_trainvaltest.zip}"
  leftimg_zip="${leftimg_zip:-$downloads/leftImg8bit_trainvaltest.zip}"
  if [[ ! -f "$gtfine_zip" || ! -f "$leftimg_zip" ]]; then
    [[ -n "${CITYSCAPES_USERNAME:-}" && -n "${CITYSCAPES_PASSWORD:-}" ]] \
      || fail "Cityscapes needs your own login: set CITYSCAPES_USERNAME and CITYSCAPES_PASSWORD, or download the zips yourself and pass --gtfine-zip FILE --leftimg-zip FILE (see --help)."
    mkdir -p "$downloads"
    # The password goes to curl through a private file, not its command line (visible to `ps`).
    secrets="$(mktemp -d)"
    chmod 700 "$secrets"
    trap 'rm -rf "$secrets"' EXIT
    cookies="$secrets/cookies"
    printf '%s' "$CITYSCAPES_PASSWORD" >"$secrets/password"
    say "logging in to $SITE as $CITYSCAPES_USERNAME ..."
    download "$SITE/login/" "$secrets/login-response.html" --cookie-jar "$cookies" \
      --data-urlencode "username=$CITYSCAPES_USERNAME" --data-urlencode "password@$secrets/password" --data "submit=Login"
    rm -f "$secrets/password"
    for package in "1 gtFine_trainvaltest.zip $gtfine_zip" "3 leftImg8bit_trainvaltest.zip $leftimg_zip"; do
      read -r id name file <<<"$package"
      [[ -f "$file" ]] && continue
      say "downloading $name (package $id) ..."
      download "$SITE/file-handling/?packageID=$id" "$file" --cookie "$cookies"
      # A failed login returns an HTML page, not a zip.
      unzip -Z1 "$file" >/dev/null 2>&1 || { rm -f "$file"; fail "$SITE returned something that is not a zip for $name: wrong username or password, or the licence not accepted on the website."; }
    done
    rm -rf "$secrets"
  fi
fi
[[ -f "$gtfine_zip" ]] || fail "$gtfine_zip not found."
[[ -f "$leftimg_zip" ]] || fail "$leftimg_zip not found."

# count ZIP REGEX: members matching REGEX.
count() { unzip -Z1 "$1" 2>/dev/null | grep -cE "$2" || true; }
check_count() {
  local zip="$1" split="$2" suffix="$3" expected="$4" found
  found="$(count "$zip" "^${zip_root[$zip]}/$split/[^/]+/[^/]+_$suffix\.png$")"
  [[ "$found" == "$expected" ]] || fail "$zip holds $found $split/*_$suffix.png files, expected $expected: not the Cityscapes archive, or incomplete. Nothing was unpacked."
}
declare -A zip_root=(["$gtfine_zip"]=gtFine ["$leftimg_zip"]=leftImg8bit)
say "checking the archives' structure (no published checksums) ..."
check_count "$gtfine_zip" train gtFine_labelIds "$TRAIN_COUNT"
check_count "$gtfine_zip" val gtFine_labelIds "$VAL_COUNT"
check_count "$leftimg_zip" train leftImg8bit "$TRAIN_COUNT"
check_count "$leftimg_zip" val leftImg8bit "$VAL_COUNT"

work_dir_in "$data_root"
mkdir -p "$work_dir/cityscapes"
say "unpacking ..."
unzip -q "$gtfine_zip" 'gtFine/train/*_gtFine_labelIds.png' 'gtFine/val/*_gtFine_labelIds.png' -d "$work_dir/cityscapes" \
  || fail "could not unpack the labelIds masks from $gtfine_zip."
unzip -q "$leftimg_zip" 'leftImg8bit/train/*' 'leftImg8bit/val/*' -d "$work_dir/cityscapes" \
  || fail "could not unpack the train and val images from $leftimg_zip."

say "converting labelIds to the 19 train ids (farcluss data prepare-cityscapes) ..."
"${FARCLUSS_CLI:-$repo_root/farcluss}" data prepare-cityscapes --root "$work_dir/cityscapes" \
  || fail "prepare-cityscapes failed (message above). Nothing was written to $target."

for list in "$data_root"/splits/cityscapes/1_16/labeled.txt "$data_root"/splits/cityscapes/1_16/unlabeled.txt "$data_root"/splits/cityscapes/val.txt; do
  [[ -f "$list" ]] || { say "note: $list not found (run fetch-splits.sh), so the layout is not checked against it."; continue; }
  absent=0
  while read -r image mask _; do
    [[ -n "$image" ]] || continue
    [[ -f "$work_dir/cityscapes/$image" && -f "$work_dir/cityscapes/$mask" ]] || { absent=$((absent + 1)); first="${first:-$image $mask}"; }
  done <"$list"
  (( absent == 0 )) || fail "$absent entries of $list are missing after conversion (first: $first). Nothing was written to $target."
  say "every entry of ${list#$data_root/} is present."
done

touch "$work_dir/cityscapes/.complete"
if [[ -e "$target" ]]; then mv "$target" "$work_dir/stale-cityscapes"; fi
mv "$work_dir/cityscapes" "$target"
say "wrote $target. Cityscapes: Cordts et al., CVPR 2016; use under the dataset's licence (non-commercial)."
