#!/usr/bin/env bash
# The GOST engine's targets (internal/gost), each against its reference in
# the same run: a CMS signature of 1 KB with the GOST-2015 key against one
# bare gogost signature (target <= 0.25), a CMS verification (the signature
# and two chain links) against one bare gogost verification (<= 0.40), and
# `qoltanba sign --detached` of a 256 MB file with the GOST-2015 key against
# gost12sum -l (Debian gostsum, C) on the same file (>= 1.0), with
# qoltanba's peak RSS; and GOST R 34.11-94 (internal/gost) against gostsum
# -t (C) on the same 32 MB in one `go test -bench` (>= 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-256}
P12=testdata/nca/official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/FL/valid/GOST512_d6d1e53515d516a7d95d399b668cf09011bf118d.p12
command -v gost12sum >/dev/null || { echo "gost12sum is needed (apt-get install gostsum)"; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed for peak RSS (apt-get install time)"; exit 1; }
make -s build
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go test -run '^$' -bench 'SignCMS1KB/GOST2015$|VerifyCMS1KB/GOST2015$|Gogost' -benchtime 3s ./signer/ >"$tmp/bench.txt"
go test -run '^$' -bench '^Benchmark(GOST9432MB|Gostsum)$' -benchtime 5x ./internal/gost/ >>"$tmp/bench.txt"
echo Qwerty12 >"$tmp/pw"
head -c "${SIZE_MB}M" /dev/urandom >"$tmp/big.bin"
cat "$tmp/big.bin" >/dev/null # warm the page cache for both
python3 - "$tmp" "$P12" "$SIZE_MB" <<'PY'
import re, subprocess, sys, time
d, p12, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
ns = {}
for line in open(d + "/bench.txt"):
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        ns[m.group(1)] = float(m.group(2))
def run(cmd, n=3):
    best, rss = None, 0
    for _ in range(n):
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        t = time.perf_counter() - t
        best = t if best is None else min(best, t)
        rss = max(rss, int(p.stderr.split()[-1]))
    return best, rss
g, _ = run(["gost12sum", "-l", d + "/big.bin"])
q, qrss = run(["./bin/qoltanba", "sign", "--p12", p12, "--password-file", d + "/pw", "--format", "cms", "--detached", "--in", d + "/big.bin", "--out", d + "/sig.cms"])
sign, vfy = ns["SignCMS1KB/GOST2015"], ns["VerifyCMS1KB/GOST2015"]
gsign, gvfy = ns["Gogost/sign"], ns["Gogost/verify"]
print(f"SignCMS1KB/GOST2015:   {sign/1e6:7.2f} ms; bare gogost signature {gsign/1e6:.2f} ms; ratio {sign/gsign:.2f} (target <= 0.25)")
print(f"VerifyCMS1KB/GOST2015: {vfy/1e6:7.2f} ms; bare gogost verification {gvfy/1e6:.2f} ms; ratio {vfy/gvfy:.2f} (target <= 0.40)")
if "Gostsum" in ns:
    print(f"GOST R 34.11-94 32 MB:  {32*2**20/ns['GOST9432MB']*1e3:7.1f} MB/s; gostsum -t {32*2**20/ns['Gostsum']*1e3:.1f} MB/s; ratio {ns['Gostsum']/ns['GOST9432MB']:.2f} (target >= 1.0)")
print(f"sign --detached {mb} MB: {mb/q:7.1f} MB/s, peak RSS {qrss/1024:.1f} MB; gost12sum -l {mb/g:.1f} MB/s; ratio {g/q:.2f} (target >= 1.0)")
PY
