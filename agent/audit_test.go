package agent

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func auditLines(t *testing.T, path string) []AuditEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []AuditEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, MaxAuditLine+1)
	for sc.Scan() {
		if len(sc.Bytes()) > MaxAuditLine {
			t.Fatalf("audit line of %d bytes", len(sc.Bytes()))
		}
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAuditRefusedRequestsAreShort: a request over the limits, or from a
// site the user blocks, is one short line: no hashes, nothing per document.
func TestAuditRefusedRequestsAreShort(t *testing.T) {
	p := &fakePrompter{consent: Block, file: gostFL}
	a, path := newAgent(t, p)
	many := &Request{Origin: site, Method: "basics.sign", Format: FormatCMS, Documents: make([][]byte, 1_000_000), Filter: Filter{Chain: ChainAny}}
	if _, err := a.Handle(context.Background(), many); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("1,000,000 documents: %v", err)
	}
	if p.chooses != 0 || len(p.consents) != 0 {
		t.Fatal("an over-limit request reached the user")
	}
	// Blocked at the consent question: the documents were never shown.
	if _, err := a.Handle(context.Background(), cmsRequest("contract")); !errors.Is(err, ErrOriginDenied) {
		t.Fatalf("blocked: %v", err)
	}
	// Denied outright afterwards.
	a.Handle(context.Background(), cmsRequest("contract"))
	st, _ := os.Stat(path)
	if st.Size() > 1024 {
		t.Errorf("audit log of %d bytes for three refusals", st.Size())
	}
	lines := auditLines(t, path)
	want := []Outcome{OutcomeTooLarge, OutcomeDenied, OutcomeDenied}
	if len(lines) != len(want) {
		t.Fatalf("%d lines", len(lines))
	}
	for i, e := range lines {
		if e.Outcome != want[i] || e.SHA256 != nil || e.SHA256OfList != "" {
			t.Errorf("line %d: %+v", i, e)
		}
	}
	if lines[0].Documents != 1_000_000 {
		t.Errorf("count %d", lines[0].Documents)
	}
}

// TestAuditLineCap: the largest batch allowed keeps its line under the cap,
// with the digest of the hash list in place of the list.
func TestAuditLineCap(t *testing.T) {
	p := &fakePrompter{consent: AllowOnce, file: gostFL, cancel: true}
	a, path := newAgent(t, p)
	docs := make([][]byte, MaxDocuments)
	h := sha256.New()
	for i := range docs {
		docs[i] = []byte(fmt.Sprint(i))
		s := sha256.Sum256(docs[i])
		h.Write(s[:])
	}
	a.Handle(context.Background(), &Request{Origin: site, Method: "basics.sign", Format: FormatCMS, Documents: docs, Filter: Filter{Chain: ChainAny}})
	a.Handle(context.Background(), cmsRequest("one"))
	lines := auditLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[0].SHA256 != nil || lines[0].SHA256OfList != hex.EncodeToString(h.Sum(nil)) || lines[0].Documents != MaxDocuments {
		t.Errorf("batch line: %d hashes, list digest %q", len(lines[0].SHA256), lines[0].SHA256OfList)
	}
	one := sha256.Sum256([]byte("one"))
	if len(lines[1].SHA256) != 1 || lines[1].SHA256[0] != hex.EncodeToString(one[:]) {
		t.Errorf("single line: %+v", lines[1])
	}
}

// TestAuditRotation: the log rotates past its size and keeps
// KeepAuditFiles old files.
func TestAuditRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a := NewAudit(path)
	a.rotateAt = 4 << 10
	defer a.Close()
	e := AuditEntry{Origin: "https://egov.kz", Method: "basics.sign", Documents: 1, SHA256: []string{strings.Repeat("ab", 32)}, Outcome: OutcomeOK}
	for range 1000 {
		if err := a.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i <= KeepAuditFiles; i++ {
		name := path
		if i > 0 {
			name = fmt.Sprintf("%s.%d", path, i)
		}
		st, err := os.Stat(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Size() > a.rotateAt {
			t.Errorf("%s: %d bytes", name, st.Size())
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", name, st.Mode())
		}
	}
	if _, err := os.Stat(fmt.Sprintf("%s.%d", path, KeepAuditFiles+1)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("more than %d old files kept", KeepAuditFiles)
	}
	// A new Audit on the same file continues it (its size counts).
	b := NewAudit(path)
	b.rotateAt = a.rotateAt
	b.Write(e)
	b.Close()
	if st, _ := os.Stat(path); st.Size() > a.rotateAt {
		t.Errorf("reopened log grew to %d", st.Size())
	}
}

// TestAuditRequired: with the audit log required (a policy auditDir, the
// service) and its directory unwritable, a request the user approved is
// refused with ErrAuditFailed and no signature leaves; without the
// requirement the same request is signed (the log's failure is logged).
func TestAuditRequired(t *testing.T) {
	for _, required := range []bool{true, false} {
		p := &fakePrompter{consent: AllowOnce, file: gostFL}
		a, _ := newAgent(t, p)
		// A directory under a regular file cannot be made, even by root.
		blocker := filepath.Join(t.TempDir(), "not-a-dir")
		os.WriteFile(blocker, nil, 0o600)
		a.audit = NewAudit(filepath.Join(blocker, "audit", "audit.jsonl"))
		a.audit.Required = required
		res, err := a.Handle(context.Background(), cmsRequest("contract"))
		if required {
			if !errors.Is(err, ErrAuditFailed) || res != nil || p.chooses != 0 {
				t.Fatalf("required: %v, result %v, %d dialogs; want ErrAuditFailed before any dialog", err, res, p.chooses)
			}
			if msg := PublicMessage(err); !strings.Contains(msg, "audit log") {
				t.Errorf("the page is told %q", msg)
			}
			continue
		}
		if err != nil || res == nil || len(res.Signatures) != 1 {
			t.Fatalf("not required: %v %v", res, err)
		}
	}
}

// TestAuditRequiredFailsAfterSigning: a log that breaks while the user
// signs (here its rotation fails: a directory holds the oldest log's name)
// still withholds the signature.
func TestAuditRequiredFailsAfterSigning(t *testing.T) {
	p := &fakePrompter{consent: AllowOnce, file: gostFL}
	a, path := newAgent(t, p)
	a.audit.Required = true
	if _, err := a.Handle(context.Background(), cmsRequest("first")); err != nil {
		t.Fatal(err)
	}
	a.audit.rotateAt = 1
	os.MkdirAll(filepath.Join(fmt.Sprintf("%s.%d", path, KeepAuditFiles), "in-the-way"), 0o700)
	res, err := a.Handle(context.Background(), cmsRequest("second"))
	if !errors.Is(err, ErrAuditFailed) || res != nil || p.chooses != 2 {
		t.Fatalf("%v, result %v, %d dialogs; want ErrAuditFailed after the dialog and no result", err, res != nil, p.chooses)
	}
}

// TestAuditPerSiteLimit: beyond AuditLinesPerSite lines a minute, one
// site's refused requests are counted, not written, and one summary line
// says how many; its subdomains are the same site; another site and
// every signature are written regardless. The clock is the entries' time.
func TestAuditPerSiteLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a := NewAudit(path)
	t0 := time2026
	refused := func(origin string, at time.Duration) AuditEntry {
		return AuditEntry{Time: t0.Add(at), Origin: origin, Method: "basics.sign", Documents: 1, Outcome: OutcomeCanceled}
	}
	// 500 requests in the minute, from 50 subdomains of one site.
	for i := range 500 {
		if err := a.Write(refused(fmt.Sprintf("https://s%d.evil.example", i%50), time.Duration(i)*100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	// Signatures and another site in the same minute are all written.
	for range 5 {
		a.Write(AuditEntry{Time: t0.Add(55 * time.Second), Origin: "https://s1.evil.example", Method: "basics.sign", Documents: 1, Outcome: OutcomeOK})
	}
	a.Write(refused("https://egov.kz", 56*time.Second))
	lines := auditLines(t, path)
	if got := len(lines); got != AuditLinesPerSite+5+1 {
		t.Fatalf("%d lines in the first minute, want %d", got, AuditLinesPerSite+5+1)
	}
	// The next minute: the summary comes first, then the new line.
	a.Write(refused("https://evil.example", 61*time.Second))
	lines = auditLines(t, path)
	sum := lines[len(lines)-2]
	want := 500 - AuditLinesPerSite
	if sum.Outcome != OutcomeSuppressed || sum.Site != "evil.example" || sum.Suppressed != want ||
		!strings.Contains(sum.Note, fmt.Sprintf("%d more requests from site evil.example suppressed", want)) {
		t.Errorf("summary: %+v", sum)
	}
	if last := lines[len(lines)-1]; last.Origin != "https://evil.example" || last.Outcome != OutcomeCanceled {
		t.Errorf("after the minute: %+v", last)
	}
	// A site that goes quiet has its summary written at Close.
	for i := range AuditLinesPerSite + 7 {
		a.Write(refused("https://127.0.0.1:8443", 62*time.Second+time.Duration(i)*time.Millisecond))
	}
	a.Close()
	lines = auditLines(t, path)
	if sum := lines[len(lines)-1]; sum.Site != "127.0.0.1" || sum.Suppressed != 7 {
		t.Errorf("summary at close: %+v", sum)
	}
	n := 0
	for _, l := range lines {
		if l.Outcome == OutcomeOK {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d signatures logged, want 5", n)
	}
}

// TestAuditSiteOf: the audit's per-site allowance counts a page as the
// server's caps do: subdomains (with or without a trailing dot) are one
// site, and so is an IP network, not each of its addresses.
func TestAuditSiteOf(t *testing.T) {
	for origin, want := range map[string]string{
		"https://idp.egov.kz":         "egov.kz",
		"https://x1.evil.example.":    "evil.example",
		"http://localhost:3000":       "localhost",
		"http://127.0.0.1:8080":       "127.0.0.1",
		"http://[::1]:8080":           "::1",
		"http://203.0.113.7":          "203.0.113.0/24",
		"http://203.0.113.200:8080":   "203.0.113.0/24",
		"http://[2001:db8:1:2::7]":    "2001:db8:1::/48",
		"http://[2001:db8:1:ffff::1]": "2001:db8:1::/48",
	} {
		if got := siteOf(origin); got != want {
			t.Errorf("siteOf(%q) = %q, want %q", origin, got, want)
		}
	}
}
