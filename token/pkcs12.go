package token

// This file reads PKCS#12 (RFC 7292) key files by hand. go-pkcs12 and
// x/crypto/pkcs12 accept DER only and reject every real NCA key file (their
// AuthenticatedSafe is BER with indefinite lengths, see
// docs/spec/kalkan-formats.md §1), and neither exposes its decryption
// steps. So: verify the MAC over the raw octets, normalise BER to DER
// (internal/ber), then decrypt with the RFC 7292 KDF (3DES, RC2) or PBES2
// (PBKDF2 from x/crypto, AES or 3DES).

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"unicode/utf16"

	"golang.org/x/crypto/pbkdf2"

	"github.com/qoltanba/qoltanba/internal/ber"
	"github.com/qoltanba/qoltanba/internal/rc2"
	"github.com/qoltanba/qoltanba/signer"
)

// MaxPKCS12Size is the largest key file accepted (real ones are a few KB).
const MaxPKCS12Size = 1 << 20

// maxIterations bounds KDF work so a hostile file cannot hang the agent.
const maxIterations = 10_000_000

var (
	// ErrNotPKCS12 means the input is not a PKCS#12 file at all.
	ErrNotPKCS12 = errors.New("pkcs12: not a PKCS#12 file")
	// ErrTooLarge means the input exceeds MaxPKCS12Size.
	ErrTooLarge = errors.New("pkcs12: file too large")
	// ErrNoKey means the file opened but holds no private key with a certificate.
	ErrNoKey = errors.New("pkcs12: no private key with a matching certificate")
)

var (
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKeyBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidSafeContentsBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 6}
	oidX509Cert        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}

	oidPBEWithSHA3DES   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHA2DES   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 4}
	oidPBEWithSHARC2128 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHARC240  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	oidPBES2            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBMAC1           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidPBKDF2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1         = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC       = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type pfxPdu struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type macData struct {
	Mac struct {
		Algorithm algorithmIdentifier
		Digest    []byte
	}
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type encryptedData struct {
	Version              int
	EncryptedContentInfo struct {
		ContentType                asn1.ObjectIdentifier
		ContentEncryptionAlgorithm algorithmIdentifier
		EncryptedContent           asn1.RawValue `asn1:"tag:0,optional"`
	}
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue     `asn1:"tag:0,explicit"`
	Attributes []pkcs12Attribute `asn1:"set,optional"`
}

type pkcs12Attribute struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     algorithmIdentifier
	EncryptedData []byte
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type pbeParams struct {
	Salt       []byte
	Iterations int
}

// ParsePKCS12 opens a PKCS#12 key file with password (UTF-8 as typed) and
// returns its private keys with their certificates. A wrong password gives
// ErrWrongPassword; anything that is not a readable PKCS#12 file gives an
// error wrapping ErrNotPKCS12 or describing what failed. The caller owns
// password and should wipe it after the call; it must Close the keys when
// done (see the package doc).
func ParsePKCS12(data, password []byte) ([]*Key, error) {
	r, err := parsePKCS12(data, password, maxIterations)
	if err != nil {
		return nil, err
	}
	return r.keys()
}

// parsePKCS12 reads and decrypts a file, leaving its bags in a reader.
// maxIter bounds every key derivation (the fuzz targets set it low so a
// mutated input spends its time in parsing, not in a KDF).
func parsePKCS12(data, password []byte, maxIter int) (*reader, error) {
	if len(data) > MaxPKCS12Size {
		return nil, ErrTooLarge
	}
	der, err := ber.ToDER(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPKCS12, err)
	}
	var pfx pfxPdu
	if rest, err := asn1.Unmarshal(der, &pfx); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: %v", ErrNotPKCS12, errOr(err, "trailing data"))
	}
	if pfx.Version != 3 {
		return nil, fmt.Errorf("%w: version %d", ErrNotPKCS12, pfx.Version)
	}
	if !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, fmt.Errorf("pkcs12: authSafe of type %v (public-key integrity mode) is not supported", pfx.AuthSafe.ContentType)
	}
	var authSafe []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, fmt.Errorf("%w: authSafe content: %v", ErrNotPKCS12, err)
	}

	bmp, err := bmpPassword(password)
	if err != nil {
		return nil, err
	}
	defer clear(bmp)
	// An empty password is written either as no bytes or as a lone BMP
	// terminator; try both so files from either kind of tool open.
	candidates := [][]byte{bmp}
	if len(password) == 0 {
		candidates = append(candidates, nil)
	}
	pw := bmp
	if len(pfx.MacData.Mac.Algorithm.Algorithm) > 0 {
		matched := false
		for _, c := range candidates {
			ok, err := verifyMAC(&pfx.MacData, authSafe, c, password, maxIter)
			if err != nil {
				return nil, err
			}
			if ok {
				pw, matched = c, true
				break
			}
		}
		if !matched {
			return nil, ErrWrongPassword
		}
	}

	asDER, err := ber.ToDER(authSafe)
	if err != nil {
		return nil, fmt.Errorf("pkcs12: authSafe: %w", err)
	}
	var infos []contentInfo
	if rest, err := asn1.Unmarshal(asDER, &infos); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("pkcs12: authSafe: %w", errOr(err, "trailing data"))
	}
	r := &reader{password: pw, utf8Password: password, maxIter: maxIter}
	for i, ci := range infos {
		var safe []byte
		switch {
		case ci.ContentType.Equal(oidData):
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &safe); err != nil {
				return nil, fmt.Errorf("pkcs12: content %d: %w", i, err)
			}
		case ci.ContentType.Equal(oidEncryptedData):
			var ed encryptedData
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &ed); err != nil {
				return nil, fmt.Errorf("pkcs12: encrypted content %d: %w", i, err)
			}
			ct, err := implicitOctets(ed.EncryptedContentInfo.EncryptedContent)
			if err != nil {
				return nil, fmt.Errorf("pkcs12: encrypted content %d: %w", i, err)
			}
			safe, err = r.decrypt(ed.EncryptedContentInfo.ContentEncryptionAlgorithm, ct)
			if err != nil {
				return nil, fmt.Errorf("pkcs12: decrypt content %d: %w", i, err)
			}
		default:
			return nil, fmt.Errorf("pkcs12: content %d of type %v is not supported", i, ci.ContentType)
		}
		if err := r.readSafeContents(safe, 0); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// implicitOctets returns the bytes of an [0] IMPLICIT OCTET STRING that may
// have arrived constructed (BER segments, now DER children).
func implicitOctets(v asn1.RawValue) ([]byte, error) {
	if !v.IsCompound {
		return v.Bytes, nil
	}
	var out []byte
	rest := v.Bytes
	for len(rest) > 0 {
		var seg []byte
		var err error
		rest, err = asn1.Unmarshal(rest, &seg)
		if err != nil {
			return nil, err
		}
		out = append(out, seg...)
	}
	return out, nil
}

type rawKey struct {
	pkcs8   []byte
	localID []byte
	name    string
}

type rawCert struct {
	cert    *x509.Certificate
	localID []byte
	name    string
}

type reader struct {
	password     []byte // BMPString form for PKCS#12 PBE
	utf8Password []byte // as typed, for PBES2
	maxIter      int    // bound on KDF iterations
	rawKeys      []rawKey
	certs        []rawCert
}

func (r *reader) readSafeContents(data []byte, depth int) error {
	if depth > 4 {
		return errors.New("pkcs12: safe contents nested too deep")
	}
	d, err := ber.ToDER(data)
	if err != nil {
		return fmt.Errorf("pkcs12: safe contents: %w", err)
	}
	var bags []safeBag
	if rest, err := asn1.Unmarshal(d, &bags); err != nil || len(rest) != 0 {
		return fmt.Errorf("pkcs12: safe contents: %w", errOr(err, "trailing data"))
	}
	for i, bag := range bags {
		localID, name := bagAttributes(bag.Attributes)
		switch {
		case bag.ID.Equal(oidShroudedKeyBag):
			var epki encryptedPrivateKeyInfo
			if _, err := asn1.Unmarshal(bag.Value.Bytes, &epki); err != nil {
				return fmt.Errorf("pkcs12: key bag %d: %w", i, err)
			}
			plain, err := r.decrypt(epki.Algorithm, epki.EncryptedData)
			if err != nil {
				return fmt.Errorf("pkcs12: decrypt key bag %d: %w", i, err)
			}
			r.rawKeys = append(r.rawKeys, rawKey{plain, localID, name})
		case bag.ID.Equal(oidKeyBag):
			r.rawKeys = append(r.rawKeys, rawKey{bytes.Clone(bag.Value.Bytes), localID, name})
		case bag.ID.Equal(oidCertBag):
			var cb certBag
			if _, err := asn1.Unmarshal(bag.Value.Bytes, &cb); err != nil {
				return fmt.Errorf("pkcs12: certificate bag %d: %w", i, err)
			}
			if !cb.ID.Equal(oidX509Cert) {
				continue // SDSI certificates and the like: not ours to use
			}
			cert, err := x509.ParseCertificate(cb.Data)
			if err != nil {
				return fmt.Errorf("pkcs12: certificate bag %d: %w", i, err)
			}
			r.certs = append(r.certs, rawCert{cert, localID, name})
		case bag.ID.Equal(oidSafeContentsBag):
			if err := r.readSafeContents(bag.Value.Bytes, depth+1); err != nil {
				return err
			}
		default:
			// CRL and secret bags carry nothing we sign with.
		}
	}
	return nil
}

func bagAttributes(attrs []pkcs12Attribute) (localID []byte, name string) {
	for _, a := range attrs {
		switch {
		case a.ID.Equal(oidLocalKeyID):
			var id []byte
			if _, err := asn1.Unmarshal(a.Value.Bytes, &id); err == nil {
				localID = id
			}
		case a.ID.Equal(oidFriendlyName):
			var v asn1.RawValue
			if _, err := asn1.Unmarshal(a.Value.Bytes, &v); err == nil && v.Tag == 30 && len(v.Bytes)%2 == 0 {
				name = decodeBMP(v.Bytes)
			}
		}
	}
	return localID, name
}

// keys pairs each decrypted private key with its certificate (by local key
// id, else by public key) and builds the chain from the other certificates.
func (r *reader) keys() ([]*Key, error) {
	defer func() {
		for _, k := range r.rawKeys {
			clear(k.pkcs8)
		}
	}()
	pool := make([]*x509.Certificate, len(r.certs))
	for i, c := range r.certs {
		pool[i] = c.cert
	}
	var out []*Key
	for _, rk := range r.rawKeys {
		s, err := signer.ParsePKCS8PrivateKey(rk.pkcs8)
		if err != nil {
			CloseAll(out)
			return nil, fmt.Errorf("pkcs12: private key %q: %w", rk.name, err)
		}
		var cert *x509.Certificate
		for _, c := range r.certs {
			if len(rk.localID) > 0 && bytes.Equal(c.localID, rk.localID) {
				cert = c.cert
				break
			}
		}
		if cert == nil {
			for _, c := range r.certs {
				if pub, err := signer.PublicKey(c.cert); err == nil && publicEqual(pub, s.Public()) {
					cert = c.cert
					break
				}
			}
		}
		if cert == nil {
			continue
		}
		pub, err := signer.PublicKey(cert)
		if err != nil || !publicEqual(pub, s.Public()) {
			CloseAll(out)
			return nil, fmt.Errorf("pkcs12: private key %q does not match its certificate", rk.name)
		}
		alias := rk.name
		if alias == "" {
			alias = hex.EncodeToString(rk.localID)
		}
		if alias == "" {
			alias = hex.EncodeToString(cert.SubjectKeyId)
		}
		k := &Key{Alias: alias, Certificate: cert, Signer: s, Algorithm: signer.AlgorithmOf(cert)}
		k.Chain = BuildChain(cert, pool)
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, ErrNoKey
	}
	return out, nil
}

func publicEqual(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(x crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// verifyMAC checks the file's integrity MAC: the classic PKCS#12 HMAC (key
// from the RFC 7292 KDF over the BMP password) or PBMAC1 (RFC 9579, key from
// PBKDF2 over the UTF-8 password).
func verifyMAC(md *macData, content, bmpPassword, utf8Password []byte, maxIter int) (bool, error) {
	var newHash func() hash.Hash
	var key []byte
	if md.Mac.Algorithm.Algorithm.Equal(oidPBMAC1) {
		var err error
		newHash, key, err = pbmac1Key(md.Mac.Algorithm.Parameters.FullBytes, utf8Password, maxIter)
		if err != nil {
			return false, err
		}
	} else {
		var err error
		if newHash, err = macHash(md.Mac.Algorithm.Algorithm); err != nil {
			return false, err
		}
		if md.Iterations < 1 || md.Iterations > maxIter {
			return false, fmt.Errorf("pkcs12: MAC iteration count %d out of range", md.Iterations)
		}
		key = kdf(newHash, md.MacSalt, bmpPassword, md.Iterations, 3, newHash().Size())
	}
	defer clear(key)
	m := hmac.New(newHash, key)
	m.Write(content)
	return subtle.ConstantTimeCompare(m.Sum(nil), md.Mac.Digest) == 1, nil
}

type pbmac1Params struct {
	KDF algorithmIdentifier
	MAC algorithmIdentifier
}

func pbmac1Key(params, password []byte, maxIter int) (func() hash.Hash, []byte, error) {
	var p pbmac1Params
	if _, err := asn1.Unmarshal(params, &p); err != nil {
		return nil, nil, fmt.Errorf("pkcs12: PBMAC1 parameters: %w", err)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, nil, fmt.Errorf("pkcs12: PBMAC1 key derivation %v is not supported", p.KDF.Algorithm)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, nil, fmt.Errorf("pkcs12: PBMAC1 PBKDF2 parameters: %w", err)
	}
	prf, err := hmacHash(kp.PRF.Algorithm)
	if err != nil {
		return nil, nil, fmt.Errorf("pkcs12: PBMAC1: %w", err)
	}
	mac, err := hmacHash(p.MAC.Algorithm)
	if err != nil || len(p.MAC.Algorithm) == 0 {
		return nil, nil, fmt.Errorf("pkcs12: PBMAC1 MAC %v is not supported", p.MAC.Algorithm)
	}
	if kp.Iterations < 1 || kp.Iterations > maxIter || kp.KeyLength < 1 || kp.KeyLength > 64 {
		return nil, nil, errors.New("pkcs12: PBMAC1 parameters out of range")
	}
	return mac, pbkdf2.Key(password, kp.Salt, kp.Iterations, kp.KeyLength, prf), nil
}

// hmacHash maps an HMAC algorithm OID (absent = SHA-1, the PBKDF2 default)
// to its hash.
func hmacHash(oid asn1.ObjectIdentifier) (func() hash.Hash, error) {
	switch {
	case len(oid) == 0 || oid.Equal(oidHMACSHA1):
		return sha1.New, nil
	case oid.Equal(oidHMACSHA256):
		return sha256.New, nil
	case oid.Equal(oidHMACSHA384):
		return sha512.New384, nil
	case oid.Equal(oidHMACSHA512):
		return sha512.New, nil
	}
	return nil, fmt.Errorf("HMAC %v is not supported", oid)
}

func macHash(oid asn1.ObjectIdentifier) (func() hash.Hash, error) {
	switch {
	case oid.Equal(signer.OIDSHA1):
		return sha1.New, nil
	case oid.Equal(signer.OIDSHA256):
		return sha256.New, nil
	case oid.Equal(signer.OIDSHA384):
		return sha512.New384, nil
	case oid.Equal(signer.OIDSHA512):
		return sha512.New, nil
	}
	return nil, fmt.Errorf("pkcs12: MAC digest %v is not supported", oid)
}

// decrypt decrypts one encrypted blob (key bag or content) with the
// algorithm named in alg.
func (r *reader) decrypt(alg algorithmIdentifier, ct []byte) ([]byte, error) {
	var block cipher.Block
	var iv []byte
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		var err error
		block, iv, err = r.pbes2(alg.Parameters.FullBytes)
		if err != nil {
			return nil, err
		}
	default:
		var keyLen int
		var mk func([]byte) (cipher.Block, error)
		switch {
		case alg.Algorithm.Equal(oidPBEWithSHA3DES):
			keyLen, mk = 24, des.NewTripleDESCipher
		case alg.Algorithm.Equal(oidPBEWithSHA2DES):
			keyLen = 24
			mk = func(k []byte) (cipher.Block, error) {
				copy(k[16:], k[:8]) // two-key 3DES: K3 = K1
				return des.NewTripleDESCipher(k)
			}
		case alg.Algorithm.Equal(oidPBEWithSHARC240):
			keyLen = 5
			mk = func(k []byte) (cipher.Block, error) { return rc2.New(k, 40) }
		case alg.Algorithm.Equal(oidPBEWithSHARC2128):
			keyLen = 16
			mk = func(k []byte) (cipher.Block, error) { return rc2.New(k, 128) }
		default:
			return nil, fmt.Errorf("encryption algorithm %v is not supported", alg.Algorithm)
		}
		var p pbeParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("PBE parameters: %w", err)
		}
		if p.Iterations < 1 || p.Iterations > r.maxIter {
			return nil, fmt.Errorf("PBE iteration count %d out of range", p.Iterations)
		}
		key := kdf(sha1.New, p.Salt, r.password, p.Iterations, 1, keyLen)
		defer clear(key)
		var err error
		if block, err = mk(key); err != nil {
			return nil, err
		}
		iv = kdf(sha1.New, p.Salt, r.password, p.Iterations, 2, block.BlockSize())
	}
	bs := block.BlockSize()
	if len(ct) == 0 || len(ct)%bs != 0 {
		return nil, errors.New("ciphertext is not a whole number of blocks")
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, ct)
	// Without a MAC a wrong password shows up only as bad padding.
	n := int(pt[len(pt)-1])
	if n == 0 || n > bs || n > len(pt) {
		clear(pt)
		return nil, ErrWrongPassword
	}
	for _, b := range pt[len(pt)-n:] {
		if int(b) != n {
			clear(pt)
			return nil, ErrWrongPassword
		}
	}
	return pt[:len(pt)-n], nil
}

type pbes2Params struct {
	KDF algorithmIdentifier
	Enc algorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

func (r *reader) pbes2(params []byte) (cipher.Block, []byte, error) {
	var p pbes2Params
	if _, err := asn1.Unmarshal(params, &p); err != nil {
		return nil, nil, fmt.Errorf("PBES2 parameters: %w", err)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, nil, fmt.Errorf("PBES2 key derivation %v is not supported", p.KDF.Algorithm)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, nil, fmt.Errorf("PBKDF2 parameters: %w", err)
	}
	if kp.Iterations < 1 || kp.Iterations > r.maxIter {
		return nil, nil, fmt.Errorf("PBKDF2 iteration count %d out of range", kp.Iterations)
	}
	prf, err := hmacHash(kp.PRF.Algorithm)
	if err != nil {
		return nil, nil, fmt.Errorf("PBKDF2 PRF: %w", err)
	}
	var keyLen int
	var mk func([]byte) (cipher.Block, error)
	switch a := p.Enc.Algorithm; {
	case a.Equal(oidAES128CBC):
		keyLen, mk = 16, aes.NewCipher
	case a.Equal(oidAES192CBC):
		keyLen, mk = 24, aes.NewCipher
	case a.Equal(oidAES256CBC):
		keyLen, mk = 32, aes.NewCipher
	case a.Equal(oidDESEDE3CBC):
		keyLen, mk = 24, des.NewTripleDESCipher
	default:
		return nil, nil, fmt.Errorf("PBES2 cipher %v is not supported", a)
	}
	if kp.KeyLength != 0 && kp.KeyLength != keyLen {
		return nil, nil, fmt.Errorf("PBKDF2 key length %d does not fit the cipher", kp.KeyLength)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Enc.Parameters.FullBytes, &iv); err != nil {
		return nil, nil, fmt.Errorf("PBES2 IV: %w", err)
	}
	key := pbkdf2.Key(r.utf8Password, kp.Salt, kp.Iterations, keyLen, prf)
	defer clear(key)
	block, err := mk(key)
	if err != nil {
		return nil, nil, err
	}
	if len(iv) != block.BlockSize() {
		return nil, nil, errors.New("PBES2 IV has the wrong length")
	}
	return block, iv, nil
}

// kdf is the PKCS#12 key derivation (RFC 7292 appendix B.2) for any
// Merkle–Damgård hash; id 1 = key, 2 = IV, 3 = MAC key.
func kdf(newHash func() hash.Hash, salt, password []byte, iterations int, id byte, size int) []byte {
	h := newHash()
	u, v := h.Size(), h.BlockSize()
	D := bytes.Repeat([]byte{id}, v)
	fill := func(p []byte) []byte {
		if len(p) == 0 {
			return nil
		}
		n := v * ((len(p) + v - 1) / v)
		out := make([]byte, n)
		for i := range out {
			out[i] = p[i%len(p)]
		}
		return out
	}
	S, P := fill(salt), fill(password)
	I := append(S, P...)
	defer clear(I)
	defer clear(P)
	out := make([]byte, 0, ((size+u-1)/u)*u)
	B := make([]byte, v)
	for len(out) < size {
		h.Reset()
		h.Write(D)
		h.Write(I)
		A := h.Sum(nil)
		for j := 1; j < iterations; j++ {
			h.Reset()
			h.Write(A)
			A = h.Sum(A[:0])
		}
		out = append(out, A...)
		if len(out) >= size {
			break
		}
		for i := range B {
			B[i] = A[i%len(A)]
		}
		for j := 0; j < len(I); j += v {
			// I_j = (I_j + B + 1) mod 2^v
			c := 1
			for k := v - 1; k >= 0; k-- {
				c += int(I[j+k]) + int(B[k])
				I[j+k] = byte(c)
				c >>= 8
			}
		}
	}
	return out[:size]
}

// bmpPassword encodes a UTF-8 password as a NUL-terminated big-endian
// UTF-16 string, as PKCS#12 PBE and MAC want it.
func bmpPassword(pw []byte) ([]byte, error) {
	runes := bytes.Runes(pw)
	defer clear(runes)
	out := make([]byte, 0, 2*len(runes)+2)
	for _, r := range runes {
		if r == 0xfffd && !bytes.ContainsRune(pw, 0xfffd) {
			return nil, errors.New("pkcs12: password is not valid UTF-8")
		}
		r1, r2 := utf16.EncodeRune(r)
		if r1 == 0xfffd {
			out = append(out, byte(r>>8), byte(r))
			continue
		}
		out = append(out, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
	}
	return append(out, 0, 0), nil
}

func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}
