package agent

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Data files: the signed files `qoltanba update` writes (package update,
// docs/updates.md) that the agent reads at start, without a new program.
// They are data, never code: each is parsed strictly, capped in size, and
// a bad or missing one leaves the agent on its built-in data (the log
// says why); it never stops the agent.
const (
	KnownSitesFile   = "known-sites.json"   // more known sites for the look-alike warnings
	NCACACertsFile   = "nca-ca-certs.pem"   // more NCA production CA certificates
	TokenModulesFile = "token-modules.json" // more token module catalog rows (token/p11)

	// MaxDataFileBytes caps what is read of one data file (the updater
	// takes at most 8 MB; a real one is a few KB).
	MaxDataFileBytes = 8 << 20
)

// UpdateDataDir is where the updater writes the verified data files (the
// same path `qoltanba update` writes): <data dir>/update/data. Only files
// there are read.
func UpdateDataDir() string { return filepath.Join(DataDir(), "update", "data") }

// DataFiles is what the verified data files add to the built-in data.
type DataFiles struct {
	KnownSites    []KnownService      // checked by CheckKnownOrigins
	ProductionCAs []*x509.Certificate // CA certificates only
	TokenModules  []byte              // token-modules.json as read; p11.ParseCatalogFile parses it
	Unused        []string            // files there that could not be used (the log says why)
}

// ReadDataFile reads name in dir, capped at MaxDataFileBytes; a missing
// file is (nil, nil).
func ReadDataFile(dir, name string) ([]byte, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxDataFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDataFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, MaxDataFileBytes)
	}
	return b, nil
}

// LoadDataFiles reads the data files in dir (UpdateDataDir). A file that
// is missing adds nothing; one that cannot be read or parsed adds nothing
// and is logged: the agent runs with its built-in data.
func LoadDataFiles(dir string, log *slog.Logger) DataFiles {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var d DataFiles
	bad := func(name string, err error) {
		d.Unused = append(d.Unused, name)
		log.Warn("a data file from the update is not used: running with the built-in data", "file", filepath.Join(dir, name), "err", err)
	}
	if b, err := ReadDataFile(dir, KnownSitesFile); err != nil {
		bad(KnownSitesFile, err)
	} else if b != nil {
		if d.KnownSites, err = ParseKnownSites(b); err != nil {
			bad(KnownSitesFile, err)
		}
	}
	if b, err := ReadDataFile(dir, NCACACertsFile); err != nil {
		bad(NCACACertsFile, err)
	} else if b != nil {
		cas, skipped, err := ParseCACerts(b)
		if err != nil {
			bad(NCACACertsFile, err)
		}
		for _, s := range skipped {
			log.Warn("a certificate in the data file is not a CA certificate: ignored", "file", filepath.Join(dir, NCACACertsFile), "subject", s)
		}
		for _, c := range cas {
			// NCA names its test CAs with TEST: never production anchors.
			if strings.Contains(strings.ToUpper(c.Subject.CommonName), "TEST") {
				log.Warn("a test CA in the production CA data file: ignored", "file", filepath.Join(dir, NCACACertsFile), "subject", c.Subject.String())
				continue
			}
			d.ProductionCAs = append(d.ProductionCAs, c)
		}
	}
	if b, err := ReadDataFile(dir, TokenModulesFile); err != nil {
		bad(TokenModulesFile, err)
	} else {
		d.TokenModules = b
	}
	return d
}

// Apply adds the data files' known sites to cfg's. A machine policy that
// sets knownOrigins replaces every list, this one too.
func (d DataFiles) Apply(cfg Config) Config {
	if cfg.Managed[PolicyKnownOrigins] || len(d.KnownSites) == 0 {
		return cfg
	}
	out := slices.Clone(cfg.KnownOrigins)
	for _, k := range d.KnownSites {
		if !slices.ContainsFunc(out, func(o KnownService) bool { return o.Domain == k.Domain }) {
			out = append(out, k)
		}
	}
	cfg.KnownOrigins = out
	return cfg
}

// knownSitesFile is known-sites.json: {"sites": [{"domain": "portal.kz",
// "names": {"kk": …, "ru": …, "en": …}}]}, entries as config's
// knownOrigins.
type knownSitesFile struct {
	Sites []KnownService `json:"sites"`
}

// ParseKnownSites parses known-sites.json strictly (unknown keys, trailing
// data and more than MaxDataFileBytes refused) and checks every entry as
// config's knownOrigins are (CheckKnownOrigins): one bad entry refuses the
// file.
func ParseKnownSites(b []byte) ([]KnownService, error) {
	if len(b) > MaxDataFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", KnownSitesFile, MaxDataFileBytes)
	}
	var f knownSitesFile
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", KnownSitesFile, err)
	}
	if f.Sites == nil {
		return nil, fmt.Errorf(`%s: no "sites" list`, KnownSitesFile)
	}
	sites, err := CheckKnownOrigins(f.Sites)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KnownSitesFile, err)
	}
	return sites, nil
}

// decodeStrict is json.Unmarshal refusing unknown keys and anything after
// the value.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// ParseCACerts parses nca-ca-certs.pem: PEM CERTIFICATE blocks. Only CA
// certificates (BasicConstraints CA=true) are kept; the subjects of the
// others are returned in skipped. A block that is not a certificate, or a
// file without one, is an error (nothing of it is used).
func ParseCACerts(b []byte) (cas []*x509.Certificate, skipped []string, err error) {
	if len(b) > MaxDataFileBytes {
		return nil, nil, fmt.Errorf("%s is larger than %d bytes", NCACACertsFile, MaxDataFileBytes)
	}
	for rest := b; ; {
		var p *pem.Block
		p, rest = pem.Decode(rest)
		if p == nil {
			if len(bytes.TrimSpace(rest)) > 0 {
				return nil, nil, fmt.Errorf("%s: text that is not a PEM certificate", NCACACertsFile)
			}
			break
		}
		if p.Type != "CERTIFICATE" {
			return nil, nil, fmt.Errorf("%s: a %q block, not a CERTIFICATE", NCACACertsFile, p.Type)
		}
		c, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", NCACACertsFile, err)
		}
		if !c.BasicConstraintsValid || !c.IsCA {
			skipped = append(skipped, c.Subject.String())
			continue
		}
		if !slices.ContainsFunc(cas, c.Equal) {
			cas = append(cas, c)
		}
	}
	if len(cas) == 0 && len(skipped) == 0 {
		return nil, nil, fmt.Errorf("%s: no certificate", NCACACertsFile)
	}
	return cas, skipped, nil
}
