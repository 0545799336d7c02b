#!/usr/bin/env bash
# Compares test binaries of two or more builds on one benchmark pattern,
# alternating them N times so that the load of other jobs falls on all,
# and prints per benchmark and binary the minimum (the best time each
# reached: the steadiest figure on a shared machine) and the median.
#
#   go test -c -o /tmp/old.test ./internal/gost/   # at the old commit
#   go test -c -o /tmp/new.test ./internal/gost/   # at the new one
#   scripts/bench-ab.sh 'Verify$/512-C' 10 1000x /tmp/old.test /tmp/new.test
#
# Arguments: the -test.bench pattern, N rounds, the -test.benchtime of
# each run, then the binaries. Figures are ns/op. For reading, not a test.
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,12p' "$0"; exit 2; }
re=$1 n=$2 bt=$3
shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$n"); do
  i=0
  for b in "$@"; do
    "$b" -test.run '^$' -test.bench "$re" -test.benchtime "$bt" | grep '^Benchmark' >>"$tmp/$i.txt" || true
    i=$((i + 1))
  done
done
python3 - "$tmp" "$@" <<'PY'
import os, statistics, sys
d, bins = sys.argv[1], sys.argv[2:]
res = {}
for i, b in enumerate(bins):
    path = os.path.join(d, f"{i}.txt")
    if not os.path.exists(path):
        continue
    for line in open(path):
        f = line.split()
        res.setdefault(f[0], {}).setdefault(b, []).append(float(f[2]))
for name, byb in res.items():
    print(name)
    for b, v in byb.items():
        print(f"  {os.path.basename(b):<20} min {min(v):12.1f}  median {statistics.median(v):12.1f}  ({len(v)} runs)")
PY
