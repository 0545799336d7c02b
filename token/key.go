package token

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"

	"github.com/qoltanba/qoltanba/signer"
)

// Key is one private key of a store with its certificate.
type Key struct {
	// Alias is the store's name for the key (the PKCS#12 friendlyName, or
	// the hex local key id when there is none).
	Alias string
	// Certificate is the key's end-entity certificate.
	Certificate *x509.Certificate
	// Chain holds the other certificates of the store that issued
	// Certificate, nearest issuer first (often empty for NCA files).
	Chain []*x509.Certificate
	// Signer signs with the private key (see package signer for the GOST
	// conventions).
	Signer crypto.Signer
	// Algorithm is the key's algorithm.
	Algorithm signer.KeyAlgorithm
	// ID is the token's CKA_ID of the key (PKCS#11 only).
	ID []byte
}

// Close zeroes the private key material that is reachable from Go. The Key
// must not be used afterwards.
func (k *Key) Close() {
	if k == nil || k.Signer == nil {
		return
	}
	switch s := k.Signer.(type) {
	case *rsa.PrivateKey:
		wipeInt(s.D)
		for _, p := range s.Primes {
			wipeInt(p)
		}
		wipeInt(s.Precomputed.Dp)
		wipeInt(s.Precomputed.Dq)
		wipeInt(s.Precomputed.Qinv)
	case *ecdsa.PrivateKey:
		wipeInt(s.D)
	case interface{ Wipe() }:
		s.Wipe()
	}
	k.Signer = nil
}

// CloseAll closes every key.
func CloseAll(keys []*Key) {
	for _, k := range keys {
		k.Close()
	}
}

func wipeInt(x *big.Int) {
	if x != nil {
		clear(x.Bits())
		x.SetInt64(0)
	}
}

// String describes the key for logs: never secret material.
func (k *Key) String() string {
	return fmt.Sprintf("%s %s %q", k.Alias, k.Algorithm, k.Certificate.Subject.CommonName)
}

// BuildChain collects leaf's issuers from pool, nearest first, leaf not
// included. It follows subject/issuer names (and the key identifiers when
// both certificates carry them), stops at a self-signed certificate, at a
// link it cannot find, or on returning to leaf, and goes at most 8 links.
// It checks no signature: the chain is for display and for embedding in
// signatures; signer.VerifyChain does the checking.
func BuildChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	var chain []*x509.Certificate
	cur := leaf
	for range 8 {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
		var next *x509.Certificate
		for _, c := range pool {
			if !c.Equal(cur) && bytes.Equal(c.RawSubject, cur.RawIssuer) &&
				(len(cur.AuthorityKeyId) == 0 || len(c.SubjectKeyId) == 0 || bytes.Equal(cur.AuthorityKeyId, c.SubjectKeyId)) {
				next = c
				break
			}
		}
		if next == nil || next.Equal(leaf) {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}
