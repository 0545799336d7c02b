package signer

import (
	"context"
	"encoding/asn1"
)

// SignEncapsulatedForTest signs content of the given type as an attached
// CMS (the test TSA uses it to sign TSTInfo).
func SignEncapsulatedForTest(ctx context.Context, contentType asn1.ObjectIdentifier, content []byte, key KeyPair) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	return signCMS(ctx, contentType, s.Digest(content), content, key, s, nil)
}
