package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify/trust"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdVerify(e *env, args []string) error {
	fs := newFlags(e, "verify", "--format cms|xml [--data FILE] [--trust test|production|both [--ca-dir DIR]] [--ca FILE]... [--crl FILE]... [--tsa-ca FILE]... [--at DATE|TIME] --in FILE|-")
	format := fs.String("format", "", "signature format: cms or xml")
	in := fs.String("in", "-", "signature `file`: DER, PEM or base64 CMS, or signed XML (- = standard input)")
	data := fs.String("data", "", "cms: the signed content `file` of a detached signature")
	at := fs.String("at", "", "validation `time`: a date (2026-01-15, midnight UTC) or a time (2026-01-15T12:00:00Z); default now")
	trustSet := fs.String("trust", "", "trust NCA's CAs: `test` (carried in qoltanba), production or both (with --ca-dir)")
	caDir := fs.String("ca-dir", "", "`directory` of NCA's production CA certificates, for --trust production|both (besides the update's nca-ca-certs.pem, docs/updates.md)")
	var cas, crls, tsaCAs listFlag
	fs.Var(&cas, "ca", "trusted CA certificate `file` (PEM with one or more, or DER); repeatable")
	fs.Var(&crls, "crl", "CRL `file` (DER or PEM); repeatable")
	fs.Var(&tsaCAs, "tsa-ca", "CA certificate `file` trusted for timestamp tokens; repeatable")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "cms" && *format != "xml" {
		return usageMsg("cli-format")
	}
	opts := signer.VerifyOptions{}
	if *at != "" {
		t, err := parseWhen(*at)
		if err != nil {
			return usageMsg("cli-at", *at)
		}
		opts.Chain.Time = t
	}
	var err error
	if opts.Chain.Roots, err = loadCerts(cas); err != nil {
		return err
	}
	if *trustSet != "" {
		set, err := trust.ParseSet(*trustSet)
		if err != nil {
			return usageMsg("cli-trust-set", *trustSet)
		}
		// The production CAs of the update's nca-ca-certs.pem count as
		// if they were in --ca-dir (docs/updates.md).
		var updCAs []*x509.Certificate
		if set != trust.Test {
			updCAs = agent.LoadDataFiles(agent.UpdateDataDir(), nil).ProductionCAs
		}
		if set != trust.Test && *caDir == "" && len(updCAs) == 0 {
			return usageMsg("cli-trust-needs-ca-dir", set)
		}
		var nca []*x509.Certificate
		if *caDir != "" || set == trust.Test {
			nca, err = trust.Load(set, *caDir)
		} else if set == trust.Both {
			nca = trust.TestCAs()
		}
		if errors.Is(err, trust.ErrNoProductionCAs) && len(updCAs) > 0 {
			// The production ones come from the update; both adds the test CAs.
			nca, err = nil, nil
			if set == trust.Both {
				nca, err = trust.Load(trust.Test, *caDir)
			}
		}
		if err != nil {
			// Asked to check against a set that has no anchor: an error,
			// never "VALID, chain not checked".
			if errors.Is(err, trust.ErrNoProductionCAs) {
				return &msg{key: "cli-no-production-cas", args: []any{*caDir}, en: err}
			}
			return err
		}
		opts.Chain.Roots = append(opts.Chain.Roots, nca...)
		opts.Chain.Roots = append(opts.Chain.Roots, updCAs...)
	} else if *caDir != "" {
		return usageMsg("cli-ca-dir-alone")
	}
	if opts.TSARoots, err = loadCerts(tsaCAs); err != nil {
		return err
	}
	for _, f := range crls {
		b, err := readLimited(f, 64<<20)
		if err != nil {
			return failMsg("cli-crl-read", err)
		}
		crl, err := signer.ParseCRL(b, nil) // signature checked against the chain's issuer
		if err != nil {
			return failMsg("cli-not-crl", f)
		}
		opts.Chain.CRLs = append(opts.Chain.CRLs, crl)
	}
	sig, err := readInput(e, *in, signer.MaxCMSSize)
	if err != nil {
		return err
	}
	if len(opts.Chain.Roots) == 0 {
		opts.NoChain = true
		fmt.Fprintln(e.stderr, e.T("cli-warn-no-chain"))
	}
	var signers []signer.VerifiedSigner
	if *format == "xml" {
		if *data != "" {
			return usageMsg("cli-data-cms-only")
		}
		res, err := signer.VerifyXML(sig, opts)
		if err != nil {
			return &invalidError{err}
		}
		signers = res.Signers
	} else {
		der := signer.DecodeCMSText(sig)
		if *data != "" {
			r, closeIn, err := openInput(e, *data)
			if err != nil {
				return err
			}
			defer closeIn()
			opts.Data = r
		}
		res, err := signer.VerifyCMS(der, opts)
		if err != nil {
			if errors.Is(err, signer.ErrContentMissing) {
				return usageMsg("cli-detached-needs-data")
			}
			return &invalidError{err}
		}
		signers = res.Signers
	}
	// VALID: and the signer lines are for scripts: their words stay as
	// they are in every language (README, "What scripts can rely on").
	fmt.Fprintf(e.stdout, "VALID: %d signer(s)\n", len(signers))
	for i, s := range signers {
		printSigner(e.stdout, i+1, s, opts.NoChain)
	}
	return nil
}

func printSigner(w io.Writer, n int, s signer.VerifiedSigner, noChain bool) {
	id := s.Identity
	fmt.Fprintf(w, "signer %d: cn=%s iin=%s bin=%s org=%s algorithm=%s kind=%s serial=%s\n",
		n, strconv.Quote(id.CommonName), orDash(id.IIN), orDash(id.BIN), strconv.Quote(id.Organization), id.Algorithm, id.Kind, id.Serial)
	if len(id.Roles) > 0 {
		fmt.Fprintf(w, "  roles: %s\n", strings.Join(id.Roles, " "))
	}
	fmt.Fprintf(w, "  certificate valid %s to %s, issuer %s\n", id.NotBefore.UTC().Format(time.RFC3339), id.NotAfter.UTC().Format(time.RFC3339), strconv.Quote(id.Issuer))
	if !s.SigningTime.IsZero() {
		fmt.Fprintf(w, "  signing time: %s\n", s.SigningTime.UTC().Format(time.RFC3339))
	}
	if !s.Timestamp.IsZero() {
		trust := "TSA not checked (no --tsa-ca)"
		if s.TimestampTrusted {
			trust = "TSA trusted"
		}
		fmt.Fprintf(w, "  timestamp: %s (%s)\n", s.Timestamp.UTC().Format(time.RFC3339), trust)
	}
	if noChain {
		fmt.Fprintln(w, "  chain: not checked")
	} else {
		var names []string
		for _, c := range s.Chain[1:] {
			names = append(names, strconv.Quote(c.Subject.CommonName))
		}
		fmt.Fprintf(w, "  chain: trusted via %s\n", strings.Join(names, " -> "))
	}
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time.
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// loadCerts reads certificate files: PEM with one or more blocks, DER, or
// bare base64 (NCA's .cer files come in all three).
func loadCerts(files []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, f := range files {
		b, err := readLimited(f, 16<<20)
		if err != nil {
			return nil, failMsg("cli-cert-read", err)
		}
		var ders [][]byte
		for rest := b; ; {
			var p *pem.Block
			p, rest = pem.Decode(rest)
			if p == nil {
				break
			}
			if p.Type == "CERTIFICATE" {
				ders = append(ders, p.Bytes)
			}
		}
		if len(ders) == 0 {
			ders = append(ders, signer.DecodeCMSText(b))
		}
		for _, d := range ders {
			c, err := x509.ParseCertificate(d)
			if err != nil {
				return nil, failMsg("cli-not-cert", f)
			}
			out = append(out, c)
		}
	}
	return out, nil
}
