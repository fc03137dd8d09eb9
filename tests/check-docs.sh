#!/bin/bash
# The repository stands alone: every *.md file named in src/, tests/, docs/
# or README.md exists in it (as a path from the top, or as the name of a
# tracked file); web addresses are not references into the tree.  Prints each dangling reference; exits 1 when there is any.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

mapfile -t tracked < <(git ls-files --cached --others --exclude-standard)
declare -A have
for f in "${tracked[@]}"; do
  have[$f]=1
  have[${f##*/}]=1
done

dangling=0
while IFS=: read -r file ref; do
  ref=${ref#./}
  # A web address names a document of its own site, not of this tree.
  case "$ref" in //*) continue ;; esac
  # A name built from a shell variable is not a document's name.
  case "$ref" in *'$'*) continue ;; esac
  [ -n "${have[$ref]:-}" ] && continue
  echo "$file: names $ref, which is not in the repository"
  dangling=$((dangling + 1))
done < <(git grep -I -o -E '[$A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' -- src tests docs README.md | sort -u)

if [ "$dangling" -gt 0 ]; then
  echo "check-docs: $dangling reference(s) to documents the repository does not have"
  exit 1
fi
echo "check-docs: every document named in src/, tests/, docs/ and README.md exists"
