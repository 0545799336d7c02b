package signer

import (
	"crypto"
	"io"
)

// SignData signs data with key under scheme s: over s's digest computed
// here, except that a GOST key whose Signer is a crypto.MessageSigner gets
// the data itself (a token that may have to hash on the card, package
// token/p11, picks there: over a digest when it can). Every signature the
// package makes goes through it; a door that signs raw data may call it.
func SignData(key crypto.Signer, rand io.Reader, data []byte, s Scheme) ([]byte, error) {
	if ms, ok := key.(crypto.MessageSigner); ok && s.Key.IsGOST() {
		return ms.SignMessage(rand, data, s)
	}
	return key.Sign(rand, s.Digest(data), s)
}
