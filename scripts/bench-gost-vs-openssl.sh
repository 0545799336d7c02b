#!/usr/bin/env bash
# internal/gost against the C references, in one run on this machine:
# signatures against OpenSSL's gost engine (Debian libengine-gost-openssl,
# timed by scripts/gost-openssl-bench.c, built here with gcc -lcrypto), the
# GOST R 34.11-94 hash against gostsum and Streebog-512 against
# gost12sum -l (Debian gostsum) on the same file.
#
# What is timed: sign and verify of a precomputed digest (no hashing) for
# each parameter set, a fresh public key per verification on both sides;
# BenchmarkSign/BenchmarkVerify (go test) and EVP_PKEY_sign/EVP_PKEY_verify
# (C), best of ROUNDS each, in elapsed and in CPU time (the process's, from
# getrusage and CLOCK_PROCESS_CPUTIME_ID: steadier when other jobs load the
# machine); the verdicts are given for both (elapsed / CPU). Hashes:
# BenchmarkGOST9432MB against BenchmarkGostsum (gostsum -t on the same
# 32 MB), and Streebog-512
# (BenchmarkStreebog32MB) against BenchmarkGost12sum (gost12sum -l on the
# same 32 MB), alternating in every round, best of the rounds, also in
# CPU time (the tools' own, from their process state).
# Targets: sign <= 1.0 and verify <= 0.8 of OpenSSL's time; GOST94 >= 1.0
# and Streebog >= 1.2 of the C tools' speed. Prints a table; exits 0 (the
# figures are for reading, not a test).
#
# Needs: gcc, libssl-dev, libengine-gost-openssl, gostsum.
# Environment: ROUNDS (default 5), BENCHTIME (Go -benchtime, default 1s),
# SECS (seconds per C round, default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
BENCHTIME=${BENCHTIME:-1s}
SECS=${SECS:-1}
for tool in gcc gost12sum gostsum; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install gcc libssl-dev libengine-gost-openssl gostsum)"; exit 1; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/gost-openssl-bench" scripts/gost-openssl-bench.c -lcrypto ||
  { echo "building the C harness needs libssl-dev"; exit 1; }
go test -c -o "$tmp/gost.test" ./internal/gost/
# The two sides alternate, so a load from elsewhere falls on both; the
# hashes too, each round (ours, then the C tool, for each hash), best of
# the rounds as for the signatures.
for _ in $(seq "$ROUNDS"); do
  "$tmp/gost.test" -test.run '^$' -test.bench '^Benchmark(Sign|Verify)$/' -test.benchtime "$BENCHTIME" >>"$tmp/go.txt"
  "$tmp/gost-openssl-bench" -t "$SECS" -r 1 >>"$tmp/c.txt"
  for b in GOST9432MB Gostsum Streebog32MB Gost12sum; do
    "$tmp/gost.test" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime 2x >>"$tmp/go.txt"
  done
done
python3 - "$tmp" <<'PY'
import re, sys
d = sys.argv[1]
go, gocpu, c, ccpu = {}, {}, {}, {}
def best(tab, key, v):
    tab[key] = min(tab.get(key, v), v)
for line in open(d + "/go.txt"):
    m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op(?:.*?\s([\d.]+) cpu-ns/op)?", line)
    if m:
        best(go, m.group(1), float(m.group(3)))
        if m.group(4):
            best(gocpu, m.group(1), float(m.group(4)))
for line in open(d + "/c.txt"):
    f = line.split()
    if len(f) == 6 and f[0] == "gost-openssl":
        k = f[1].capitalize() + "/" + f[2]
        best(c, k, float(f[3]))
        best(ccpu, k, float(f[5]))
print("sign/verify of a precomputed digest (no hashing), best of the rounds; ratio = ours / OpenSSL's;")
print("elapsed time, and the process's CPU time (steadier when other jobs load the machine)")
print(f"{'op':<7} {'paramset':<16} {'ours µs':>8} {'OpenSSL µs':>10} {'ratio':>6} {'ours CPU':>9} {'OpenSSL CPU':>11} {'CPU ratio':>9}  target")
for op, target in (("Sign", 1.0), ("Verify", 0.8)):
    for ps in ("512-A", "512-B", "512-C", "256-CryptoPro-A", "256-TC26-A"):
        k = op + "/" + ps
        if k not in go or k not in c:
            print(f"{op.lower():<7} {ps:<16} missing"); continue
        r = go[k] / c[k]
        line = f"{op.lower():<7} {ps:<16} {go[k]/1e3:8.1f} {c[k]/1e3:10.1f} {r:6.2f}"
        verdict = "ok" if r <= target else "MISSED"
        if k in gocpu:
            rc = gocpu[k] / ccpu[k]
            line += f" {gocpu[k]/1e3:9.1f} {ccpu[k]/1e3:11.1f} {rc:9.2f}"
            verdict += " / " + ("ok" if rc <= target else "MISSED")
        print(f"{line}  <= {target} {verdict}")
print("hashes: ratio = our speed / the C tool's (32 MB)")
print("(CPU: the process's, ours from getrusage, the tool's from its process state)")
mb = 32 * 2**20 / 1e6
for name, ours, tool, cmd, target in (("GOST R 34.11-94", "GOST9432MB", "Gostsum", "gostsum -t", 1.0),
                                      ("Streebog-512", "Streebog32MB", "Gost12sum", "gost12sum -l", 1.2)):
    if ours not in go or tool not in go:
        print(f"{name:<16} missing"); continue
    r = go[tool] / go[ours]
    line = f"{name:<16} ours {mb/go[ours]*1e9:7.1f} MB/s, {cmd} {mb/go[tool]*1e9:7.1f} MB/s, ratio {r:.2f}"
    verdict = "ok" if r >= target else "MISSED"
    if ours in gocpu and tool in gocpu:
        rc = gocpu[tool] / gocpu[ours]
        line += f"; CPU {mb/gocpu[ours]*1e9:7.1f} / {mb/gocpu[tool]*1e9:7.1f} MB/s, CPU ratio {rc:.2f}"
        verdict += " / " + ("ok" if rc >= target else "MISSED")
    print(f"{line}  >= {target} {verdict}")
PY
