#!/usr/bin/env bash
# Pascal VOC 2012 with the SBD "aug" masks (10,582 training images), laid out the way the kit's
# folder dataset and UniMatch's split lists read it:
#   ${FARCLUSS_DATA:-<repo>/data}/voc/JPEGImages/<id>.jpg
#   ${FARCLUSS_DATA:-<repo>/data}/voc/SegmentationClass/<id>.png   (index PNGs, 255 = void)
# SegmentationClass holds the SegmentationClassAug masks (VOC's own masks for VOC's images,
# SBD's converted masks for the rest), which is what the "blended" and "classic" lists expect.
#
# Usage: data-scripts/fetch-voc.sh [--voc-tar FILE] [--aug-zip FILE]
#   Without options both archives are downloaded into data/downloads/ (kept there, so a rerun
#   does not download 2 GB again). With options, files you downloaded yourself are used.
#   VOCtrainval_11-May-2012.tar (1.9 GB): http://host.robots.ox.ac.uk/pascal/VOC/voc2012/
#   SegmentationClassAug.zip (~0.1 GB):  https://www.dropbox.com/s/oeu149j8qtbs1x0/SegmentationClassAug.zip
#
# Checks: the tar's md5 is the one torchvision's VOC dataset code pins (6cd6e144…3de84fd); no
# hash of SegmentationClassAug.zip is published that the kit could pin, so its structure is
# checked instead: at least 12,031 PNGs (10,582 train_aug + 1,449 val) under
# SegmentationClassAug/, and, when data/splits/ exists (fetch-splits.sh), every image and mask
# that splits/pascal/train_aug.txt and val.txt name must be present after unpacking.
# Rerunnable and atomic: everything is unpacked in a temporary folder beside the target and
# renamed into place at the end; a finished layout is left alone.
set -euo pipefail
script_name="fetch-voc"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly VOC_URL="${FARCLUSS_VOC_URL:-http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar}"
readonly VOC_MD5="6cd6e144f989b92b3379bac3b3de84fd" # torchvision/datasets/voc.py, year 2012
readonly AUG_URL="${FARCLUSS_VOC_AUG_URL:-https://www.dropbox.com/s/oeu149j8qtbs1x0/SegmentationClassAug.zip?dl=1}"
readonly AUG_MIN_PNGS=12031
target="$data_root/voc"
marker="$target/.complete"
offline_hint="Download VOCtrainval_11-May-2012.tar and SegmentationClassAug.zip on a machine with internet access (addresses in --help), copy them here, and run: data-scripts/fetch-voc.sh --voc-tar FILE --aug-zip FILE"

voc_tar="" aug_zip=""
while (( $# > 0 )); do
  case "$1" in
    --voc-tar) voc_tar="${2:?--voc-tar needs a file}"; shift 2 ;;
    --aug-zip) aug_zip="${2:?--aug-zip needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)." ;;
  esac
done

if [[ -f "$marker" ]]; then
  say "VOC 2012 + aug already laid out in $target, nothing to do."
  exit 0
fi
require curl md5sum tar unzip

downloads="$data_root/downloads"
if [[ -z "$voc_tar" ]]; then
  voc_tar="$downloads/VOCtrainval_11-May-2012.tar"
  if [[ ! -f "$voc_tar" ]]; then
    mkdir -p "$downloads"
    say "downloading VOCtrainval_11-May-2012.tar (1.9 GB) ..."
    download "$VOC_URL" "$voc_tar"
  fi
fi
if [[ -z "$aug_zip" ]]; then
  aug_zip="$downloads/SegmentationClassAug.zip"
  if [[ ! -f "$aug_zip" ]]; then
    mkdir -p "$downloads"
    say "downloading SegmentationClassAug.zip ..."
    download "$AUG_URL" "$aug_zip"
  fi
fi
[[ -f "$voc_tar" ]] || fail "$voc_tar not found."
[[ -f "$aug_zip" ]] || fail "$aug_zip not found."

say "checking $(basename "$voc_tar") (md5) ..."
check_md5 "$voc_tar" "$VOC_MD5" "pinned by torchvision's VOC dataset code"

pngs="$(unzip -Z1 "$aug_zip" 2>/dev/null | grep -cE '^SegmentationClassAug/[^/]+\.png$' || true)"
(( pngs >= AUG_MIN_PNGS )) || fail "$aug_zip holds $pngs PNGs under SegmentationClassAug/, expected at least $AUG_MIN_PNGS (10,582 train_aug + 1,449 val masks): not the SegmentationClassAug archive, or incomplete. Nothing was unpacked."

work_dir_in "$data_root"
say "unpacking JPEGImages from $(basename "$voc_tar") ..."
tar --no-same-owner -xf "$voc_tar" -C "$work_dir" VOCdevkit/VOC2012/JPEGImages \
  || fail "could not unpack VOCdevkit/VOC2012/JPEGImages from $voc_tar."
say "unpacking SegmentationClassAug from $(basename "$aug_zip") ..."
unzip -q "$aug_zip" 'SegmentationClassAug/*.png' -d "$work_dir" \
  || fail "could not unpack SegmentationClassAug/*.png from $aug_zip."

mkdir -p "$work_dir/voc"
mv "$work_dir/VOCdevkit/VOC2012/JPEGImages" "$work_dir/voc/JPEGImages"
mv "$work_dir/SegmentationClassAug" "$work_dir/voc/SegmentationClass"

# Every file the standard lists name must be there (when the lists have been fetched).
for list in "$data_root/splits/pascal/train_aug.txt" "$data_root/splits/pascal/val.txt"; do
  [[ -f "$list" ]] || { say "note: $list not found (run fetch-splits.sh), so the layout is not checked against it."; continue; }
  absent=0
  while read -r image mask _; do
    [[ -n "$image" ]] || continue
    [[ -f "$work_dir/voc/$image" && -f "$work_dir/voc/$mask" ]] || { absent=$((absent + 1)); first="${first:-$image $mask}"; }
  done <"$list"
  (( absent == 0 )) || fail "$absent entries of $list are missing after unpacking (first: $first). Nothing was written to $target."
  say "every entry of $(basename "$list") is present."
done

touch "$work_dir/voc/.complete"
if [[ -e "$target" ]]; then mv "$target" "$work_dir/stale-voc"; fi # an interrupted earlier layout
mv "$work_dir/voc" "$target"
say "wrote $target (JPEGImages, SegmentationClass). Pascal VOC: see http://host.robots.ox.ac.uk/pascal/VOC/ for its terms of use; SBD: Hariharan et al., ICCV 2011."
