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
	"io"
	"math/big"
	"net"
	"net/http"
	"syscall"
	"time"
)

// NCA's timestamp authorities.
const (
	NCAProductionTSA = "http://tsp.pki.gov.kz"
	NCATestTSA       = "http://test.pki.gov.kz/tsp/"
)

// unreachable says in words why a server could not be reached (never Go's
// "Post ...: dial tcp ..."), with what to check.
func unreachable(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		return "could not be found (its name does not resolve): check the address and the network"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused the connection: it is down, or the address is wrong"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "did not answer in time: try again later, or check the network"
	case errors.Is(err, context.Canceled):
		return "was not waited for (canceled)"
	}
	return "could not be reached: check the address and the network"
}

// ErrTimestamp wraps every timestamp failure (request, response, token).
var ErrTimestamp = errors.New("timestamp")

// TSAClient asks an RFC 3161 timestamp authority for tokens.
type TSAClient struct {
	// URL of the TSA (only the configured one: never a URL a page sends).
	URL string
	// Policy requested, if any (NCA: 1.2.398.3.3.2.6.1 / .2 / .4).
	Policy asn1.ObjectIdentifier
	// HTTP is the client; nil means one with a 30 s timeout.
	HTTP *http.Client
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
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("%w: the timestamp server %s %s", ErrTimestamp, c.URL, unreachable(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered HTTP %d", ErrTimestamp, c.URL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read response: %v", ErrTimestamp, err)
	}
	if len(body) > maxTSAResponse {
		return nil, fmt.Errorf("%w: response too large", ErrTimestamp)
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
