package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
)

// maxInMemoryInput bounds inputs that must be held in memory (attached
// CMS, XML); detached CMS of a file streams with no bound.
const maxInMemoryInput = 256 << 20

func cmdSign(e *env, args []string) error {
	fs := newFlags(e, "sign", "(--p12 FILE [--alias A] [--password-file F] | --pkcs11 MODULE [--slot N] [--key-id HEX] [--pin-file F]) --format cms|xml [--profile kz|ru] [--detached] [--hash] [--tsa URL] [--pem] [--in FILE|-] [--out FILE|-]")
	var ks keySource
	ks.register(fs, true)
	format := fs.String("format", "", "signature format: cms or xml")
	detached := fs.Bool("detached", false, "cms: leave the content out of the signature")
	isHash := fs.Bool("hash", false, "cms: the input is a digest made with the key's digest algorithm (raw, hex or base64); implies --detached")
	tsa := fs.String("tsa", "", "cms: add an RFC 3161 timestamp from this TSA `URL` (CAdES-T), e.g. "+signer.NCATestTSA)
	pemOut := fs.Bool("pem", false, "cms: write PEM (-----BEGIN CMS-----) instead of DER")
	profile := fs.String("profile", "", "GOST byte order: kz (Kalkan's, NCA's keys) or ru (RFC 4490, Russian keys); default: from the certificate's OIDs")
	in := fs.String("in", "-", "input `file` (- = standard input)")
	out := fs.String("out", "-", "output `file` (- = standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := ks.check(); err != nil {
		return err
	}
	switch {
	case *format != "cms" && *format != "xml":
		return usageMsg("cli-format")
	case *format == "xml" && (*detached || *isHash || *tsa != "" || *pemOut):
		return usageMsg("cli-cms-only-flags")
	}
	// What can be refused is refused before the password is asked for.
	if *out == "-" && *format == "cms" && !*pemOut && isTerminal(e.stdout) {
		return usageMsg("cli-sign-der-terminal")
	}
	if *in != "-" && !*detached && !*isHash {
		limit, key := int64(maxInMemoryInput), "cli-sign-too-large-detached"
		if *format == "xml" {
			limit, key = signer.MaxXMLSize, "cli-sign-too-large"
		}
		if fi, err := os.Stat(*in); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
			return failMsg(key, *in, fi.Size()>>20, limit>>20)
		}
	}
	if *in == "-" && isTerminal(e.stdin) {
		fmt.Fprintln(e.stderr, e.T("cli-sign-reading-stdin"))
	}
	keys, closeKeys, err := ks.open(e)
	if err != nil {
		return err
	}
	defer closeKeys()
	key, err := ks.pick(keys)
	if err != nil {
		return err
	}
	pair := signer.KeyPair{Certificate: key.Certificate, Signer: key.Signer}
	if err := checkProfile(*profile, signer.AlgorithmOf(key.Certificate)); err != nil {
		return err
	}
	if now := time.Now(); now.Before(key.Certificate.NotBefore) || now.After(key.Certificate.NotAfter) {
		fmt.Fprintln(e.stderr, e.T("cli-sign-cert-not-valid", key.Alias, key.Certificate.NotBefore.UTC().Format(time.RFC3339), key.Certificate.NotAfter.UTC().Format(time.RFC3339)))
	}

	var result []byte
	if *format == "xml" {
		doc, err := readInput(e, *in, signer.MaxXMLSize)
		if err != nil {
			return err
		}
		if result, err = signer.SignXML(doc, pair, nil); err != nil {
			return err
		}
	} else {
		opts := &signer.CMSOptions{Detached: *detached}
		if *tsa != "" {
			opts.TSA = tsahttp.New(*tsa)
		}
		switch {
		case *isHash:
			raw, err := readInput(e, *in, 4096)
			if err != nil {
				return err
			}
			digest, err := decodeDigest(raw, pair)
			if err != nil {
				return err
			}
			result, err = signer.SignCMSDigest(e.ctx, digest, pair, opts)
			if err != nil {
				return signError(*tsa, err)
			}
		case *detached:
			r, closeIn, err := openInput(e, *in)
			if err != nil {
				return err
			}
			result, err = signer.SignCMSReader(e.ctx, r, pair, opts)
			closeIn()
			if err != nil {
				return signError(*tsa, err)
			}
		default:
			data, err := readInput(e, *in, maxInMemoryInput)
			if err != nil {
				return err
			}
			if result, err = signer.SignCMS(e.ctx, data, pair, opts); err != nil {
				return signError(*tsa, err)
			}
		}
		if *pemOut {
			result = pemCMS(result)
		}
	}
	return writeOutput(e, *out, result)
}

// signError says a timestamp that could not be had in the user's
// language (tsahttp's English words, which name the cause, for English).
func signError(tsa string, err error) error {
	if tsa != "" && errors.Is(err, signer.ErrTimestamp) {
		return &msg{key: "cli-sign-tsa", args: []any{tsa}, en: err}
	}
	return err
}

// decodeDigest accepts a digest as raw bytes, hex or base64.
func decodeDigest(raw []byte, pair signer.KeyPair) ([]byte, error) {
	pub, err := signer.PublicKey(pair.Certificate)
	if err != nil {
		return nil, err
	}
	s, err := signer.SchemeFor(pub)
	if err != nil {
		return nil, err
	}
	n := s.DigestSize()
	if len(raw) == n {
		return raw, nil
	}
	t := strings.TrimSpace(string(raw))
	if b, err := hex.DecodeString(t); err == nil && len(b) == n {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(t); err == nil && len(b) == n {
		return b, nil
	}
	return nil, failMsg("cli-sign-bad-hash", n, s.Key)
}

// pemCMS armours a DER CMS as NCALayer's basics module does.
func pemCMS(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: der})
}

// isTerminal reports whether a standard stream is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

func openInput(e *env, path string) (io.Reader, func(), error) {
	if path == "-" {
		return e.stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func readInput(e *env, path string, limit int64) ([]byte, error) {
	r, closeIn, err := openInput(e, path)
	if err != nil {
		return nil, err
	}
	defer closeIn()
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, failMsg("cli-read-failed", path, err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(path, limit)
	}
	return b, nil
}

func writeOutput(e *env, path string, data []byte) error {
	if path == "-" {
		_, err := io.Copy(e.stdout, bytes.NewReader(data))
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// checkProfile: a GOST signature's byte order follows its key's OIDs
// (Kalkan's for NCA's, RFC 4490's for Russian keys), and verifiers accept
// each order only for its OIDs; so --profile can confirm the key's, never
// turn it into one no verifier would accept.
func checkProfile(want string, alg signer.KeyAlgorithm) error {
	if want == "" {
		return nil
	}
	if want != "kz" && want != "ru" {
		return usageMsg("cli-profile")
	}
	if !alg.IsGOST() {
		return usageMsg("cli-profile-not-gost", alg)
	}
	have := "kz"
	if alg.Profile() == signer.ProfileRU {
		have = "ru"
	}
	if want != have {
		return usageMsg("cli-profile-mismatch", want, have, alg)
	}
	return nil
}
