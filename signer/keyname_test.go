package signer

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

// TestUnsupportedKeyInWords: a key qoltanba does not sign with is named in
// a person's words, never as a Go type (ed25519.PublicKey).
func TestUnsupportedKeyInWords(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	_, err := SchemeFor(pub)
	if !errors.Is(err, ErrUnsupportedKey) || !strings.Contains(err.Error(), "Ed25519") || strings.Contains(err.Error(), "ed25519.") {
		t.Errorf("SchemeFor(Ed25519): %v", err)
	}
	if err := verifyWithDigestOID(struct{}{}, nil, nil, nil); err == nil || strings.Contains(err.Error(), "struct") {
		t.Errorf("an unknown key: %v", err)
	}
}
