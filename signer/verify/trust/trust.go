// Package trust holds the NCA trust anchors a relying party chooses from:
// the NCA test CAs, carried in this package (public certificates: the 2022
// GOST test root and intermediate, the 2018 RSA and GOST test roots and
// their "ҰКО 3.0" intermediates), and the production CAs, which a site
// keeps in a directory of its own (NCA publishes them at pki.gov.kz/cert/).
package trust

import (
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed test/*
var testFS embed.FS

// Set names a trust set: Production, Test or Both.
type Set string

// The trust sets.
const (
	Production Set = "production"
	Test       Set = "test"
	Both       Set = "both"
)

// ParseSet reads a set's name.
func ParseSet(s string) (Set, error) {
	switch Set(s) {
	case Production, Test, Both:
		return Set(s), nil
	}
	return "", fmt.Errorf("trust: %q: want production, test or both", s)
}

// ErrNoProductionCAs means the production set was asked for but the
// directory holds none of NCA's production CA certificates: nothing could be
// checked against it, so nothing is (never "valid, chain not checked").
var ErrNoProductionCAs = errors.New("trust: no NCA production CA certificate found: download NCA's root and intermediate CA certificates (pki.gov.kz/cert/) into the directory given with --ca-dir")

// TestCAs returns the NCA test CAs carried in this package.
func TestCAs() []*x509.Certificate {
	var out []*x509.Certificate
	fs.WalkDir(testFS, "test", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := testFS.ReadFile(p)
		if c := parse(b); c != nil {
			out = append(out, c)
		}
		return nil
	})
	return out
}

// Load returns the CAs of a set: for Test the carried test CAs (and any
// test CA in dir), for Production the production CAs in dir (required),
// for Both all of them. Production and test CAs are told apart by the
// TEST in NCA's names for its test CAs; files that are not CA
// certificates are skipped. Production and Both fail with
// ErrNoProductionCAs when dir holds no production CA.
func Load(set Set, dir string) ([]*x509.Certificate, error) {
	if _, err := ParseSet(string(set)); err != nil {
		return nil, err
	}
	if set != Test && dir == "" {
		return nil, fmt.Errorf("trust: the %s set needs a directory of NCA's production CA certificates (published at pki.gov.kz/cert/)", set)
	}
	var out []*x509.Certificate
	production := 0
	add := func(c *x509.Certificate) {
		for _, have := range out {
			if have.Equal(c) {
				return
			}
		}
		out = append(out, c)
	}
	if set != Production {
		for _, c := range TestCAs() {
			add(c)
		}
	}
	if dir == "" {
		return out, nil
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".cer", ".crt", ".pem":
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		c := parse(b)
		if c == nil || !c.IsCA {
			return nil // signer certificates and other files are not trust anchors
		}
		if set == Both || (set == Test) == IsTest(c) {
			add(c)
		}
		if !IsTest(c) {
			production++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	if set != Test && production == 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoProductionCAs, dir)
	}
	return out, nil
}

// IsTest reports whether a CA is one of NCA's test CAs (TEST in its name).
func IsTest(c *x509.Certificate) bool {
	return strings.Contains(strings.ToUpper(c.Subject.CommonName), "TEST")
}

// parse reads a certificate in PEM, DER or bare base64 (as NCA publishes
// some).
func parse(b []byte) *x509.Certificate {
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	} else if d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err == nil {
		b = d
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return nil
	}
	return c
}
