#!/usr/bin/env bash
# check-tracked.sh (make lint): no build output in the repository. Fails when
# a tracked file is a compiled program or library (ELF, PE, Mach-O) or is
# larger than 1 MB outside testdata/ — the kind of file that once made a
# clone 62 MB and carried a build machine's paths.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue # deleted in the work tree, not yet committed
  magic=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    7f454c46|4d5a*|feedface|feedfacf|cefaedfe|cffaedfe|cafebabe)
      echo "tracked binary: $f (build outputs belong in bin/ or dist/, which git ignores)"; bad=1; continue ;;
  esac
  case "$f" in testdata/*|*/testdata/*) continue ;; esac
  size=$(stat -c %s "$f")
  if [ "$size" -gt 1048576 ]; then
    echo "tracked file over 1 MB outside testdata/: $f ($size bytes)"; bad=1
  fi
done < <(git ls-files -z)
exit $bad
