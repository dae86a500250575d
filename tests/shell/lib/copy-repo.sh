# Sourced by tests/shell/*.sh: copy_repo ROOT DEST copies what a fresh clone of ROOT's working tree holds
# (git's tracked and untracked-but-not-ignored files: no .build/, bin/, obj/, data/, notebooks/out/).
copy_repo() {
  local root="$1" dest="$2"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
      | tar --null -T - -cf -) | tar -xf - -C "$dest"
  else
    tar -C "$root" --exclude=./.build --exclude=./data --exclude=bin --exclude=obj --exclude=./notebooks/out --exclude=./notebooks/html -cf - . \
      | tar -xf - -C "$dest"
  fi
}
