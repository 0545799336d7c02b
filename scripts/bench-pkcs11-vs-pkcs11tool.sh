#!/usr/bin/env bash
# Per-signature cost through SoftHSM2: our in-process token operation
# (BenchmarkTokenSignCMS1KB: session, login, find key, 1 KB CMS, logout)
# versus `pkcs11-tool --sign` on the same kind of token and key, minus
# pkcs11-tool's process start (measured as `pkcs11-tool --show-info`, which
# loads and initialises the module and exits). Issue 3's target: ours <=
# pkcs11-tool's signature minus its process start.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
LIB=$(ls /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so 2>/dev/null | head -1)
[ -n "$LIB" ] && command -v pkcs11-tool >/dev/null || { echo "needs softhsm2 and opensc"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$tmp" >"$tmp/softhsm2.conf"
export SOFTHSM2_CONF=$tmp/softhsm2.conf
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.pem" 2>/dev/null
softhsm2-util --import "$tmp/rsa.pem" --token bench --label rsa --id 01 --pin 1234 >/dev/null
softhsm2-util --import "$tmp/ec.pem" --token bench --label ec --id 02 --pin 1234 >/dev/null
head -c 1024 /dev/urandom >"$tmp/data"
ms() { # average ms per run of "$@"
  local s e; s=$(date +%s.%N)
  for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1; done
  e=$(date +%s.%N); echo "($e - $s) * 1000 / $RUNS" | bc -l
}
start=$(ms pkcs11-tool --module "$LIB" --show-info)
rsa=$(ms pkcs11-tool --module "$LIB" --token-label bench --login --pin 1234 --sign --id 01 -m SHA256-RSA-PKCS --input-file "$tmp/data" --output-file "$tmp/sig")
ec=$(ms pkcs11-tool --module "$LIB" --token-label bench --login --pin 1234 --sign --id 02 -m ECDSA-SHA256 --input-file "$tmp/data" --output-file "$tmp/sig")
printf 'pkcs11-tool process start (--show-info): %6.2f ms\n' "$start"
printf 'pkcs11-tool --sign RSA-2048:   %6.2f ms, minus start %6.2f ms\n' "$rsa" "$(echo "$rsa - $start" | bc -l)"
printf 'pkcs11-tool --sign ECDSA-P256: %6.2f ms, minus start %6.2f ms\n' "$ec" "$(echo "$ec - $start" | bc -l)"
echo "qoltanba, in process (go test -bench TokenSignCMS1KB):"
unset SOFTHSM2_CONF
go test -run '^$' -bench TokenSignCMS1KB -benchtime 50x ./token/p11/ | grep -E '^Benchmark' |
  awk '{printf "  %-40s %6.2f ms\n", $1, $3/1e6}'
