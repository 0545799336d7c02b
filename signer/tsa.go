package signer

// The RFC 3161 request and response are built by hand: Kalkan puts the
// signer's own digest (Streebog-512, GOST 34.311) into the message imprint,
// and digitorus/timestamp only knows crypto.Hash digests and verifies
// tokens with a PKCS#7 library that cannot check GOST signatures.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// NCA's timestamp authorities.
const (
	NCAProductionTSA = "http://tsp.pki.gov.kz"
	NCATestTSA       = "http://test.pki.gov.kz/tsp/"
)

// ErrTimestamp wraps every timestamp failure (request, response, token).
var ErrTimestamp = errors.New("timestamp")

// Poster sends a timestamp request to a TSA and returns its answer's body
// (at most maxBytes of it: a larger answer is an error). signer does no I/O
// itself; signer/tsahttp is the HTTP one.
type Poster interface {
	PostTSA(ctx context.Context, url string, request []byte, maxBytes int64) ([]byte, error)
}

// TSAClient asks an RFC 3161 timestamp authority for tokens: it builds the
// request and checks the answer; Post carries them.
type TSAClient struct {
	// URL of the TSA (only the configured one: never a URL a page sends).
	URL string
	// Policy requested, if any (NCA: 1.2.398.3.3.2.6.1 / .2 / .4).
	Policy asn1.ObjectIdentifier
	// Post carries the request (signer/tsahttp.Client for HTTP).
	Post Poster
	// Digest is the imprint's algorithm (a digest OID); nil means the
	// signer's own digest. Kalkan stamps GOST signatures with GOST 34.311-95
	// (OIDGOST34311) for some TSA profiles.
	Digest asn1.ObjectIdentifier
}

type messageImprint struct {
	HashAlgorithm algorithmIdentifier
	HashedMessage []byte
}

type timeStampReq struct {
	Version        int
	MessageImprint messageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional"`
}

type pkiStatusInfo struct {
	Status       int
	StatusString []asn1.RawValue `asn1:"optional"`
	FailInfo     asn1.BitString  `asn1:"optional"`
}

type timeStampResp struct {
	Status         pkiStatusInfo
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        time.Time     `asn1:"generalized"`
	Accuracy       accuracy      `asn1:"optional"`
	Ordering       bool          `asn1:"optional"`
	Nonce          *big.Int      `asn1:"optional"`
	TSA            asn1.RawValue `asn1:"optional,explicit,tag:0"`
	Extensions     asn1.RawValue `asn1:"optional,tag:1"`
}

type accuracy struct {
	Seconds int `asn1:"optional"`
	Millis  int `asn1:"optional,tag:0"`
	Micros  int `asn1:"optional,tag:1"`
}

const maxTSAResponse = 1 << 20

// Timestamp asks the TSA for a token over the digest (scheme s) of
// signature and returns the token (a DER ContentInfo) after checking that it
// answers this request.
func (c *TSAClient) Timestamp(ctx context.Context, s Scheme, signature []byte) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	oid := s.DigestOID
	if c.Digest != nil {
		oid = c.Digest
	}
	nh, err := hashForDigestOID(oid)
	if err != nil || !imprintAlgorithm(oid) {
		return nil, fmt.Errorf("%w: imprint algorithm %v is not supported", ErrTimestamp, oid)
	}
	h := nh()
	h.Write(signature)
	imprint := h.Sum(nil)
	req, err := asn1.Marshal(timeStampReq{
		Version:        1,
		MessageImprint: messageImprint{algorithmIdentifier{oid, asn1Null}, imprint},
		ReqPolicy:      c.Policy,
		Nonce:          nonce,
		CertReq:        true,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: encode request: %v", ErrTimestamp, err)
	}
	if c.Post == nil {
		return nil, fmt.Errorf("%w: no way to reach the timestamp server %s", ErrTimestamp, c.URL)
	}
	body, err := c.Post.PostTSA(ctx, c.URL, req, maxTSAResponse)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTimestamp, err)
	}
	return parseTSAResponse(body, oid, imprint, nonce)
}

func parseTSAResponse(body []byte, oid asn1.ObjectIdentifier, imprint []byte, nonce *big.Int) ([]byte, error) {
	var tr timeStampResp
	if _, err := asn1.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("%w: parse response: %v", ErrTimestamp, err)
	}
	if tr.Status.Status > 1 {
		return nil, fmt.Errorf("%w: TSA refused (status %d)", ErrTimestamp, tr.Status.Status)
	}
	if len(tr.TimeStampToken.FullBytes) == 0 {
		return nil, fmt.Errorf("%w: response without token", ErrTimestamp)
	}
	tok := tr.TimeStampToken.FullBytes
	info, err := verifyTimestampToken(tok, VerifyOptions{NoChain: true})
	if err != nil {
		return nil, err
	}
	if !info.MessageImprint.HashAlgorithm.Algorithm.Equal(oid) || !bytes.Equal(info.MessageImprint.HashedMessage, imprint) {
		return nil, fmt.Errorf("%w: the token is not over what was asked", ErrTimestamp)
	}
	if nonce != nil && (info.Nonce == nil || info.Nonce.Cmp(nonce) != 0) {
		return nil, fmt.Errorf("%w: nonce does not match the request", ErrTimestamp)
	}
	return tok, nil
}
