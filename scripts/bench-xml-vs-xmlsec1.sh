#!/usr/bin/env bash
# Signs the same ~1 MB XML document with `qoltanba sign --format xml` and
# with `xmlsec1 --sign` (enveloped, inclusive C14N, RSA-SHA256, the same NCA
# test key), RUNS times each, and prints per-run times and the ratio.
# Both are whole processes reading a file and writing a file. Issue 2's
# target: ratio (xmlsec1 time / qoltanba time) >= 1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
SIZE_KB=${SIZE_KB:-1024}
P12=testdata/nca/rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12
command -v xmlsec1 >/dev/null || { echo "xmlsec1 is needed (apt-get install xmlsec1)"; exit 1; }
make -s build
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo Qwerty12 >"$tmp/pw"
openssl pkcs12 -legacy -in "$P12" -nodes -passin pass:Qwerty12 -nocerts -out "$tmp/key.pem" 2>/dev/null
openssl pkcs12 -legacy -in "$P12" -nodes -passin pass:Qwerty12 -nokeys -clcerts -out "$tmp/cert.pem" 2>/dev/null
python3 - "$tmp" "$SIZE_KB" <<'PY'
import sys
d, size = sys.argv[1], int(sys.argv[2]) * 1024
parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<invoice xmlns="urn:kz:esf:v2" xmlns:a="urn:kz:esf:abstract">\n']
n = total = 0
while total < size - 200:
    s = '  <a:item num="%d" unit="шт"><a:name>Тауар %d — товар &amp; goods</a:name><a:price>%d.45</a:price><a:note>Жеткізу мерзімі 5 күн</a:note></a:item>\n' % (n, n, 100 + n)
    parts.append(s); total += len(s.encode()); n += 1
doc = ''.join(parts)
sig = ('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
       '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
       '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
       '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
       '<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"/></ds:Transforms>'
       '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference>'
       '</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data></ds:X509Data></ds:KeyInfo></ds:Signature>')
open(d + '/doc.xml', 'w').write(doc + '</invoice>\n')
open(d + '/template.xml', 'w').write(doc + sig + '</invoice>\n')
PY
timeit() { # prints seconds for RUNS runs of "$@"
  local s e; s=$(date +%s.%N)
  for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1; done
  e=$(date +%s.%N); echo "$e - $s" | bc -l
}
q=$(timeit ./bin/qoltanba sign --p12 "$P12" --password-file "$tmp/pw" --format xml --in "$tmp/doc.xml" --out "$tmp/q.xml")
x=$(timeit xmlsec1 --sign --privkey-pem "$tmp/key.pem,$tmp/cert.pem" --output "$tmp/x.xml" "$tmp/template.xml")
# Both outputs must verify with xmlsec1.
xmlsec1 --verify --pubkey-cert-pem "$tmp/cert.pem" "$tmp/q.xml" >/dev/null 2>&1
xmlsec1 --verify --pubkey-cert-pem "$tmp/cert.pem" "$tmp/x.xml" >/dev/null 2>&1
printf 'document: %s bytes, %s runs each\n' "$(stat -c %s "$tmp/doc.xml")" "$RUNS"
printf 'qoltanba sign --format xml: %.1f ms/run\n' "$(echo "$q * 1000 / $RUNS" | bc -l)"
printf 'xmlsec1 --sign:             %.1f ms/run\n' "$(echo "$x * 1000 / $RUNS" | bc -l)"
printf 'ratio xmlsec1/qoltanba:     %.2f (target >= 1)\n' "$(echo "$x / $q" | bc -l)"
