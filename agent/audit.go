package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// AuditEntry is one line of the audit log: who asked what and the outcome,
// with document hashes. Never passwords, PINs, document contents or error
// texts (those can quote a document).
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Origin    string    `json:"origin"`
	Method    string    `json:"method"`
	Format    string    `json:"format,omitempty"`
	Documents int       `json:"documents"`
	// SHA256 has one hash per document, for requests that reached the
	// dialog; a request refused before (limits, consent) has none.
	SHA256 []string `json:"sha256,omitempty"`
	// SHA256OfList replaces SHA256 when the list would make the line
	// longer than MaxAuditLine: the SHA-256 of the documents' hashes (raw
	// 32 bytes each, in order), which an auditor with the documents can
	// recompute.
	SHA256OfList string  `json:"sha256OfList,omitempty"`
	Serial       string  `json:"certSerial,omitempty"`
	Subject      string  `json:"certSubject,omitempty"`
	Outcome      Outcome `json:"outcome"`

	// A summary line (Outcome "suppressed") instead of a request's: the
	// site (registrable domain) whose lines were left out over
	// AuditLinesPerSite, how many, and the same in words.
	Site       string `json:"site,omitempty"`
	Suppressed int    `json:"suppressed,omitempty"`
	Note       string `json:"note,omitempty"`
}

// Audit log limits: one line is at most MaxAuditLine bytes; the file is
// rotated when it passes RotateAuditAt (audit.jsonl -> audit.jsonl.1 ->
// ... -> audit.jsonl.<KeepAuditFiles>, the oldest dropped).
const (
	MaxAuditLine   = 64 << 10
	RotateAuditAt  = 10 << 20
	KeepAuditFiles = 5
)

// Audit lines per site: a page that opens and drops requests in a loop
// (or uses its own subdomains as many origins) would otherwise write
// kilobytes a second and rotate an hour of history away. Beyond
// AuditLinesPerSite lines in a minute from one registrable domain, its
// refused and failed requests are counted, and one summary line says how
// many were left out. A request that succeeded (a signature) is always
// written. At most auditSites sites are tracked at once; the rest share
// one count.
const (
	AuditLinesPerSite = 30
	auditWindow       = time.Minute
	auditSites        = 1024
)

// ErrAuditFailed: the audit log is required and this request's line could
// not be written, so its answer (a signature) is withheld.
var ErrAuditFailed = errors.New("the audit log cannot be written")

// OutcomeSuppressed marks an audit summary line (never a request's outcome).
const OutcomeSuppressed Outcome = "suppressed"

// Audit appends JSON lines to a file (0600), kept open between entries.
type Audit struct {
	// Required: the log is the record an organisation relies on (a policy
	// auditDir, the system service). Agent refuses a request whose
	// answer would leave without its audit line. Set before the first
	// Write.
	Required bool

	mu   sync.Mutex
	path string
	f    *os.File
	size int64
	// rotateAt is RotateAuditAt (smaller in tests).
	rotateAt int64
	// sites counts lines per registrable domain in the current minute;
	// sweptAt is when ended minutes were last summarised.
	sites   map[string]*siteLines
	sweptAt time.Time
	last    time.Time
}

// siteLines is one site's minute: when it began, the lines written, and
// the lines left out.
type siteLines struct {
	start             time.Time
	lines, suppressed int
}

// NewAudit writes to path ("" = no audit log, for tests of other parts).
func NewAudit(path string) *Audit {
	return &Audit{path: path, rotateAt: RotateAuditAt, sites: map[string]*siteLines{}}
}

// Write appends an entry, or counts it when its site has written
// AuditLinesPerSite lines this minute and it is not a success (the
// entry's Time is the clock). An error means the line is not on disk.
func (a *Audit) Write(e AuditEntry) error {
	if a == nil || a.path == "" {
		return nil
	}
	b, err := marshalAudit(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if e.Time.After(a.last) {
		a.last = e.Time
	}
	summaries := a.summariesDue(e.Time)
	if e.Outcome != OutcomeOK && !a.admitLine(siteOf(e.Origin), e.Time, &summaries) {
		return a.writeLines(summaries)
	}
	a.writeLines(summaries) // a failure here fails the entry's own line too
	return a.writeLine(b)
}

// admitLine counts a line of site at now: false when the site is over
// its lines for this minute (the line is left out and counted). A minute
// that ended with lines left out adds its summary to summaries.
func (a *Audit) admitLine(site string, now time.Time, summaries *[][]byte) bool {
	w := a.sites[site]
	if w == nil && len(a.sites) >= auditSites {
		site = "*"
		w = a.sites[site]
	}
	if w != nil && now.Sub(w.start) >= auditWindow {
		if w.suppressed > 0 {
			*summaries = append(*summaries, summaryLine(site, w, now))
		}
		w = nil
	}
	if w == nil {
		w = &siteLines{start: now}
		a.sites[site] = w
	}
	if w.lines >= AuditLinesPerSite {
		w.suppressed++
		return false
	}
	w.lines++
	return true
}

// summariesDue, about once a second, ends the minutes that are over: a
// site that went quiet gets its summary line now, not at its next request.
func (a *Audit) summariesDue(now time.Time) [][]byte {
	if now.Sub(a.sweptAt) < time.Second {
		return nil
	}
	a.sweptAt = now
	var out [][]byte
	for site, w := range a.sites {
		if now.Sub(w.start) >= auditWindow {
			if w.suppressed > 0 {
				out = append(out, summaryLine(site, w, now))
			}
			delete(a.sites, site)
		}
	}
	return out
}

func summaryLine(site string, w *siteLines, now time.Time) []byte {
	b, _ := json.Marshal(AuditEntry{Time: now, Outcome: OutcomeSuppressed, Site: site, Suppressed: w.suppressed,
		Note: fmt.Sprintf("%d more requests from site %s suppressed (the minute from %s; over %d lines a minute)",
			w.suppressed, site, w.start.UTC().Format(time.RFC3339), AuditLinesPerSite)})
	return b
}

// siteOf is the registrable domain of an origin's host (egov.kz for
// https://idp.egov.kz), the host itself where there is none (localhost);
// an IP address counts with its network (IPv4 /24, IPv6 /48), as the
// server's connection caps count it: one holder of an IPv6 network has
// addresses beyond counting, each of which would have its own lines.
func siteOf(origin string) string {
	host := origin
	if u, err := url.Parse(origin); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.ToLower(strings.TrimRight(host, "."))
	if ip := net.ParseIP(host); ip != nil {
		switch {
		case ip.IsLoopback():
			return ip.String()
		case ip.To4() != nil:
			return ip.To4().Mask(net.CIDRMask(24, 32)).String() + "/24"
		}
		return ip.Mask(net.CIDRMask(48, 128)).String() + "/48"
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// writeLines appends lines; the caller holds mu.
func (a *Audit) writeLines(lines [][]byte) error {
	var errs []error
	for _, b := range lines {
		errs = append(errs, a.writeLine(b))
	}
	return errors.Join(errs...)
}

func (a *Audit) writeLine(b []byte) error {
	if a.f == nil {
		if err := a.open(); err != nil {
			return err
		}
	}
	if a.size > 0 && a.size+int64(len(b))+1 > a.rotateAt {
		if err := a.rotate(); err != nil {
			return err
		}
	}
	n, err := a.f.Write(append(b, '\n'))
	a.size += int64(n)
	if err != nil {
		a.f.Close() // reopen next time (the file may have been moved away)
		a.f = nil
		return err
	}
	return nil
}

// Ready opens the log if it is not open: an error means no line can be
// written now (the agent then refuses a request before any dialog, where
// the log is Required).
func (a *Audit) Ready() error {
	if a == nil || a.path == "" {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return a.open()
	}
	return nil
}

// marshalAudit writes e as one line of at most MaxAuditLine bytes: the
// hash list gives way to its digest, then the subject is cut.
func marshalAudit(e AuditEntry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil || len(b) <= MaxAuditLine {
		return b, err
	}
	if len(e.SHA256) > 0 {
		h := sha256.New()
		for _, s := range e.SHA256 {
			raw, _ := hex.DecodeString(s)
			h.Write(raw)
		}
		e.SHA256, e.SHA256OfList = nil, hex.EncodeToString(h.Sum(nil))
	}
	if len(e.Subject) > 1024 {
		e.Subject = e.Subject[:1024]
	}
	b, err = json.Marshal(e)
	if err == nil && len(b) > MaxAuditLine {
		return nil, fmt.Errorf("audit: a line of %d bytes", len(b))
	}
	return b, err
}

func (a *Audit) open() error {
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	a.f, a.size = f, st.Size()
	return nil
}

// rotate shifts audit.jsonl.N up by one (dropping the oldest) and starts a
// new file.
func (a *Audit) rotate() error {
	a.f.Close()
	a.f = nil
	if err := os.Remove(fmt.Sprintf("%s.%d", a.path, KeepAuditFiles)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("audit rotation: %w", err)
	}
	for i := KeepAuditFiles - 1; i >= 1; i-- {
		if err := os.Rename(fmt.Sprintf("%s.%d", a.path, i), fmt.Sprintf("%s.%d", a.path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("audit rotation: %w", err)
		}
	}
	if err := os.Rename(a.path, a.path+".1"); err != nil {
		return fmt.Errorf("audit rotation: %w", err)
	}
	return a.open()
}

// Close writes the summaries of the minutes still open and closes the
// log file.
func (a *Audit) Close() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var lines [][]byte
	for site, w := range a.sites {
		if w.suppressed > 0 {
			lines = append(lines, summaryLine(site, w, a.last))
		}
		delete(a.sites, site)
	}
	werr := a.writeLines(lines)
	if a.f == nil {
		return werr
	}
	err := a.f.Close()
	a.f = nil
	return errors.Join(werr, err)
}

func docHashes(docs [][]byte) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		s := sha256.Sum256(d)
		out[i] = hex.EncodeToString(s[:])
	}
	return out
}
