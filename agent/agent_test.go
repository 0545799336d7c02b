package agent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
	"github.com/qoltanba/qoltanba/token"
)

var (
	gostFL   = ncatest.GOST2015FL
	rsaAuth  = ncatest.RSAAuth
	rsaSign  = ncatest.RSASign
	time2026 = ncatest.Time2026
	site     = Origin{Scheme: "https", Host: "egov.kz", Port: 443}
)

// fakePrompter records every call and answers as told. choose picks the
// first selectable key of the file it opens, unless cancel is set.
type fakePrompter struct {
	mu       sync.Mutex
	consents []Origin
	chooses  int
	consent  Consent
	file     string
	cancel   bool
	block    chan struct{} // Choose waits on it (or ctx) when set
	seen     []*Session
}

func (f *fakePrompter) Consent(_ context.Context, q ConsentQuestion) (Consent, error) {
	o := q.Origin
	f.mu.Lock()
	defer f.mu.Unlock()
	f.consents = append(f.consents, o)
	return f.consent, nil
}

func (f *fakePrompter) Choose(ctx context.Context, s *Session) error {
	f.mu.Lock()
	f.chooses++
	f.seen = append(f.seen, s)
	block, cancel, file := f.block, f.cancel, f.file
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ErrCanceled
		}
	}
	if cancel {
		return ErrCanceled
	}
	opts, err := s.OpenKeyFile(ctx, file, []byte("Qwerty12"))
	if err != nil {
		return err
	}
	for _, o := range opts {
		if o.Selectable {
			return s.Approve(ctx, &o, nil)
		}
	}
	// A buggy UI approving a greyed key must not get a signature.
	return s.Approve(ctx, &opts[0], nil)
}

func (f *fakePrompter) ChooseFile(context.Context, Origin, string, string) (string, error) {
	return "", ErrCanceled
}

func newAgent(t *testing.T, p Prompter) (*Agent, string) {
	t.Helper()
	dir := t.TempDir()
	perms, err := LoadPermissions(filepath.Join(dir, "perms.json"), nil, []string{"https://evil.example"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.PromptTimeout = Duration(5 * time.Second)
	a, err := New(Options{Config: cfg, Prompter: p, Permissions: perms, Audit: NewAudit(filepath.Join(dir, "audit.jsonl")),
		Now: func() time.Time { return time2026 }})
	if err != nil {
		t.Fatal(err)
	}
	return a, filepath.Join(dir, "audit.jsonl")
}

func cmsRequest(doc string) *Request {
	return &Request{Origin: site, Method: "test.sign", Format: FormatCMS, Documents: [][]byte{[]byte(doc)}, Filter: Filter{Chain: ChainAny}}
}

func TestSignsOnlyWithApproval(t *testing.T) {
	p := &fakePrompter{consent: AllowOnce, file: gostFL, cancel: true}
	a, auditPath := newAgent(t, p)
	if _, err := a.Handle(context.Background(), cmsRequest("secret contract text")); !errors.Is(err, ErrCanceled) {
		t.Fatalf("canceled: %v", err)
	}
	p.cancel = false
	res, err := a.Handle(context.Background(), cmsRequest("secret contract text"))
	if err != nil {
		t.Fatal(err)
	}
	if p.chooses != 2 || len(p.consents) != 2 {
		t.Errorf("prompter calls: choose %d consent %d", p.chooses, len(p.consents))
	}
	r, err := signer.VerifyCMS(res.Signatures[0], signer.VerifyOptions{NoChain: true})
	if err != nil || string(r.Content) != "secret contract text" {
		t.Fatalf("signature: %v", err)
	}
	// The audit log has the hash and outcome, never the content or password.
	log, _ := os.ReadFile(auditPath)
	sum := sha256.Sum256([]byte("secret contract text"))
	if !bytes.Contains(log, []byte(hex.EncodeToString(sum[:]))) || !bytes.Contains(log, []byte(`"outcome":"canceled"`)) || !bytes.Contains(log, []byte(`"outcome":"ok"`)) {
		t.Errorf("audit log:\n%s", log)
	}
	if bytes.Contains(log, []byte("secret contract")) || bytes.Contains(log, []byte("Qwerty12")) {
		t.Errorf("audit log leaks content or password:\n%s", log)
	}
}

func TestGreyedKeyIsNotSigned(t *testing.T) {
	p := &fakePrompter{consent: AllowOnce, file: rsaSign}
	a, _ := newAgent(t, p)
	req := cmsRequest("x")
	req.Filter.Kind = "auth" // the RSA256_ key is a signing key: greyed
	if _, err := a.Handle(context.Background(), req); !errors.Is(err, errNotOffered) {
		t.Fatalf("got %v", err)
	}
	s := p.seen[0]
	if len(s.keys) != 0 {
		t.Error("session keys not closed")
	}
}

func TestConsent(t *testing.T) {
	p := &fakePrompter{consent: Block, file: gostFL}
	a, _ := newAgent(t, p)
	if _, err := a.Handle(context.Background(), cmsRequest("x")); !errors.Is(err, ErrOriginDenied) {
		t.Fatalf("blocked: %v", err)
	}
	if _, err := a.Handle(context.Background(), cmsRequest("x")); !errors.Is(err, ErrOriginDenied) || len(p.consents) != 1 {
		t.Fatalf("block not remembered: %v, %d consents", err, len(p.consents))
	}
	// Esc or the close box: this request is canceled, nothing remembered.
	a.Permissions().Set(site.String(), Unknown)
	p.consent = Dismiss
	for i := 2; i <= 3; i++ {
		if _, err := a.Handle(context.Background(), cmsRequest("x")); !errors.Is(err, ErrCanceled) || len(p.consents) != i {
			t.Fatalf("dismissed: %v, %d consents", err, len(p.consents))
		}
		if d := a.Permissions().Get(site.String()); d != Unknown {
			t.Fatalf("dismissing remembered %q", d)
		}
	}
	p.consents = p.consents[:1]
	a.Permissions().Set(site.String(), Unknown) // revoke
	p.consent = AllowAlways
	if _, err := a.Handle(context.Background(), cmsRequest("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Handle(context.Background(), cmsRequest("x")); err != nil || len(p.consents) != 2 {
		t.Fatalf("allow not remembered: %v %d", err, len(p.consents))
	}
	if p.chooses != 2 {
		t.Errorf("'always allow' skipped the key dialog: %d chooses", p.chooses)
	}
	// Admin-denied origin: no prompt at all.
	evil := &Request{Origin: Origin{Scheme: "https", Host: "evil.example", Port: 443}, Format: FormatCMS, Documents: [][]byte{[]byte("x")}}
	n := p.chooses
	if _, err := a.Handle(context.Background(), evil); !errors.Is(err, ErrOriginDenied) || p.chooses != n {
		t.Fatalf("admin deny: %v", err)
	}
	if !a.OriginRefused(evil.Origin) {
		t.Error("OriginRefused")
	}
}

func TestQueueOnePromptAtATime(t *testing.T) {
	block := make(chan struct{})
	p := &fakePrompter{consent: AllowAlways, file: gostFL, block: block}
	a, _ := newAgent(t, p)
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.Handle(context.Background(), cmsRequest("x")); err == nil {
				ok.Add(1)
			}
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.queue.waiting() != 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	p.mu.Lock()
	shown := p.chooses
	p.mu.Unlock()
	if shown != 1 {
		t.Fatalf("%d prompts on screen at once", shown)
	}
	if w := p.seen[0].Waiting(); w != 2 {
		t.Errorf("prompt shows %d waiting, want 2", w)
	}
	// A fourth from the same origin is over the per-origin limit.
	if _, err := a.Handle(context.Background(), cmsRequest("x")); !errors.Is(err, ErrBusy) {
		t.Errorf("fourth request: %v", err)
	}
	close(block)
	wg.Wait()
	if ok.Load() != 3 {
		t.Errorf("%d of 3 signed", ok.Load())
	}
}

func TestDisconnectCancelsPrompt(t *testing.T) {
	p := &fakePrompter{consent: AllowAlways, file: gostFL, block: make(chan struct{})}
	a, _ := newAgent(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := a.Handle(ctx, cmsRequest("x")); done <- err }()
	time.Sleep(100 * time.Millisecond)
	cancel() // the page closed its connection
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("signed after disconnect")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("prompt not cancelled")
	}
	// The slot is free again.
	p.block = nil
	if _, err := a.Handle(context.Background(), cmsRequest("x")); err != nil {
		t.Fatal(err)
	}
}

func TestPromptTimeout(t *testing.T) {
	p := &fakePrompter{consent: AllowAlways, file: gostFL, block: make(chan struct{})}
	a, _ := newAgent(t, p)
	a.cfg.PromptTimeout = Duration(200 * time.Millisecond)
	if _, err := a.Handle(context.Background(), cmsRequest("x")); !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v", err)
	}
}

func TestFilters(t *testing.T) {
	keys := loadKeys(t, map[string]string{"gost": gostFL, "auth": rsaAuth, "sign": rsaSign})
	at2020 := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		key    string
		f      Filter
		at     time.Time
		reason Reason
	}{
		{"gost", Filter{Chain: ChainAny}, time2026, ""},
		{"gost", Filter{Chain: ChainAny, Kind: KeyAuth}, time2026, ""}, // 2015 keys serve both
		{"gost", Filter{Chain: ChainAny, Kind: KeySign}, time2026, ""},
		{"gost", Filter{}, time2026, ReasonTestCert}, // production required, test key
		{"gost", Filter{Chain: ChainAny}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), ReasonExpired},
		{"gost", Filter{Chain: ChainAny, AllowExpired: true}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"gost", Filter{Chain: ChainAny, IIN: "123456789011"}, time2026, ""},
		{"gost", Filter{Chain: ChainAny, IIN: "999999999999"}, time2026, ReasonIIN},
		{"gost", Filter{Chain: ChainAny, BIN: "123456789021"}, time2026, ReasonBIN},
		{"gost", Filter{Chain: ChainAny, EKUs: []string{"1.3.6.1.5.5.7.3.4"}}, time2026, ""},
		{"gost", Filter{Chain: ChainAny, EKUs: []string{"1.3.6.1.5.5.7.3.2"}}, time2026, ReasonEKU},
		{"auth", Filter{Chain: ChainAny, Kind: KeyAuth}, at2020, ""},
		{"auth", Filter{Chain: ChainAny, Kind: KeySign}, at2020, ReasonNotSign},
		{"sign", Filter{Chain: ChainAny, Kind: KeyAuth}, at2020, ReasonNotAuth},
		{"sign", Filter{Chain: ChainAny, Kind: KeyAuth}, time2026, ReasonExpired}, // expiry wins
		{"gost", Filter{Chain: ChainAny, IIN: "999999999999"}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ReasonNotYetValid},
		{"sign", Filter{Chain: ChainAny, Serial: "1c1c4adb45086b3529e004c96302ae974d4f09a4"}, at2020, ""},
		{"sign", Filter{Chain: ChainAny, Serial: "00"}, at2020, ReasonSerial},
	} {
		got := tc.f.check(keys[tc.key].Certificate, tc.at, nil)
		if got != tc.reason {
			t.Errorf("%s %+v at %s: reason %q, want %q", tc.key, tc.f, tc.at.Format("2006"), got, tc.reason)
		}
	}
}

func TestUnattended(t *testing.T) {
	u := &Unattended{Origins: []Origin{site}, Open: func(ctx context.Context) ([]*token.Key, func(), error) {
		data, _ := os.ReadFile(gostFL)
		ks, err := token.ParsePKCS12(data, []byte("Qwerty12"))
		return ks, func() { token.CloseAll(ks) }, err
	}}
	a, _ := newAgent(t, u)
	for _, req := range []*Request{
		cmsRequest("attached"),
		{Origin: site, Format: FormatCMS, Documents: [][]byte{[]byte("a"), []byte("b")}, Detached: true, Filter: Filter{Chain: ChainAny}},
		{Origin: site, Format: FormatXML, Documents: [][]byte{[]byte("<a>1</a>")}, Filter: Filter{Chain: ChainAny}},
		{Origin: site, Format: FormatRaw, Documents: [][]byte{[]byte("raw")}, Filter: Filter{Chain: ChainAny}},
	} {
		res, err := a.Handle(context.Background(), req)
		if err != nil || len(res.Signatures) != len(req.Documents) {
			t.Fatalf("%s: %v", req.Format, err)
		}
	}
	other := cmsRequest("x")
	other.Origin = Origin{Scheme: "https", Host: "other.kz", Port: 443}
	if _, err := a.Handle(context.Background(), other); !errors.Is(err, ErrOriginDenied) {
		t.Fatalf("other origin: %v", err)
	}
	// Filters still apply: production-only excludes the test key.
	prod := cmsRequest("x")
	prod.Filter.Chain = ChainProduction
	if _, err := a.Handle(context.Background(), prod); !errors.Is(err, ErrNoMatchingKey) {
		t.Fatalf("production filter: %v", err)
	}
}

func TestParseOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://egov.kz":        "https://egov.kz",
		"https://EGOV.kz:443":    "https://egov.kz",
		"http://localhost:8080":  "http://localhost:8080",
		"":                       "local program",
		"https://[::1]:8443":     "https://[::1]:8443",
		"https://xn--gov-ved.kz": "https://xn--gov-ved.kz",
	} {
		o, err := ParseOrigin(in)
		if err != nil || o.String() != want {
			t.Errorf("%q: %q %v", in, o.String(), err)
		}
	}
	for _, bad := range []string{"null", "egov.kz", "https://egov.kz/path", "https://u@egov.kz", "https://egov.kz:99999",
		"https://еgov.kz", "https://egov.kz\u202e", "https://e%1bgov.kz", "https://egov.kz%0a"} {
		if _, err := ParseOrigin(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseOrigin("null"); !errors.Is(err, ErrNullOrigin) {
		t.Error("null")
	}
}

// approvingPrompter signs in its dialog (Session.Approve), as the desktop
// one does, retrying once when asked.
type approvingPrompter struct {
	fakePrompter
	errs     []error
	progress [][2]int
	returned chan struct{} // a value each time Choose returns
}

func (p *approvingPrompter) Choose(ctx context.Context, s *Session) error {
	defer func() { p.returned <- struct{}{} }()
	opts, err := s.OpenKeyFile(ctx, gostFL, []byte("Qwerty12"))
	if err != nil {
		return err
	}
	k := &opts[0]
	for range 2 {
		err := s.Approve(ctx, k, func(done, total int) { p.progress = append(p.progress, [2]int{done, total}) })
		p.errs = append(p.errs, err)
		if err == nil {
			return nil
		}
	}
	return ErrCanceled
}

func TestApproveInTheDialog(t *testing.T) {
	p := &approvingPrompter{fakePrompter: fakePrompter{consent: AllowAlways}, returned: make(chan struct{}, 2)}
	a, _ := newAgent(t, p)
	res, err := a.Handle(context.Background(), &Request{Origin: site, Method: "t", Format: FormatCMS,
		Documents: [][]byte{[]byte("a"), []byte("b")}, Filter: Filter{Chain: ChainAny}})
	if err != nil || len(res.Signatures) != 2 {
		t.Fatalf("%v", err)
	}
	<-p.returned // the answer may leave before the prompter returns
	// Signed once, in the dialog, with progress per document.
	if len(p.errs) != 1 || p.errs[0] != nil || len(p.progress) != 3 || p.progress[2] != [2]int{2, 2} {
		t.Errorf("errs %v progress %v", p.errs, p.progress)
	}
	// A failure goes back to the dialog, which may retry; the page hears
	// only the end.
	p.errs, p.progress = nil, nil
	a.tsa = tsahttp.New("http://tsa.qoltanba.invalid/")
	_, err = a.Handle(context.Background(), &Request{Origin: site, Method: "t", Format: FormatCMS, Timestamp: true,
		Documents: [][]byte{[]byte("a")}, Filter: Filter{Chain: ChainAny}})
	<-p.returned
	if !errors.Is(err, ErrCanceled) || len(p.errs) != 2 || OutcomeOf(p.errs[0]) != OutcomeTimestamp {
		t.Fatalf("%v %v", err, p.errs)
	}
}

// loadKeys opens each named key file's first key, closed when the test ends.
func loadKeys(t *testing.T, files map[string]string) map[string]*token.Key {
	t.Helper()
	keys := map[string]*token.Key{}
	for name, f := range files {
		data, _ := os.ReadFile(f)
		ks, err := token.ParsePKCS12(data, []byte(ncatest.Password))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { token.CloseAll(ks) })
		keys[name] = ks[0]
	}
	return keys
}

// lingeringPrompter signs, then stays on screen ("Signed ✓") until told
// to go, as the desktop dialog does.
type lingeringPrompter struct {
	fakePrompter
	signed   chan *Session // a session, once Approve succeeded in it
	linger   chan struct{} // closed: the dialog goes away
	returned chan error    // what Choose returned
	ctxErr   chan error    // the prompter's context when it went
	closed   chan bool     // whether the key was closed while it lingered
	keyOpen  atomic.Bool
}

func (p *lingeringPrompter) Choose(ctx context.Context, s *Session) error {
	p.mu.Lock()
	p.chooses++
	p.mu.Unlock()
	data, _ := os.ReadFile(gostFL)
	keys, err := token.ParsePKCS12(data, []byte("Qwerty12"))
	if err != nil {
		return err
	}
	p.keyOpen.Store(true)
	opts := s.Offer(keys, func() { p.keyOpen.Store(false); token.CloseAll(keys) })
	err = s.Approve(ctx, &opts[0], nil)
	if err == nil {
		p.signed <- s
		<-p.linger
	}
	p.closed <- !p.keyOpen.Load()
	p.ctxErr <- ctx.Err()
	p.returned <- err
	return err
}

// TestAnswerLeavesWhenSigned: the page's answer leaves when the signature
// exists, not when the dialog goes; the dialog keeps its slot (no second
// dialog over "Signed ✓"), its keys and its context (the page going away
// after its answer does not tear "Signed ✓" down) until it returns.
func TestAnswerLeavesWhenSigned(t *testing.T) {
	p := &lingeringPrompter{fakePrompter: fakePrompter{consent: AllowAlways}, signed: make(chan *Session, 2),
		linger: make(chan struct{}), returned: make(chan error, 2), ctxErr: make(chan error, 2), closed: make(chan bool, 2)}
	a, _ := newAgent(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	answered := make(chan error, 2)
	go func() {
		res, err := a.Handle(ctx, cmsRequest("first"))
		if err == nil && len(res.Signatures) != 1 {
			err = errors.New("no signature")
		}
		answered <- err
	}()
	<-p.signed
	select {
	case err := <-answered:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the page got no answer while the dialog showed its signature")
	}
	cancel() // the page got its answer and went away
	go func() { _, err := a.Handle(context.Background(), cmsRequest("second")); answered <- err }()
	time.Sleep(200 * time.Millisecond)
	p.mu.Lock()
	shown := p.chooses
	p.mu.Unlock()
	if shown != 1 {
		t.Fatalf("%d dialogs while the first still shows its signature", shown)
	}
	close(p.linger)
	if closed, err, cerr := <-p.closed, <-p.returned, <-p.ctxErr; closed || err != nil || cerr != nil {
		t.Fatalf("first dialog: key closed while shown %v, returned %v, context %v", closed, err, cerr)
	}
	if err := <-answered; err != nil {
		t.Fatalf("second: %v", err)
	}
	<-p.returned
	deadline := time.Now().Add(2 * time.Second)
	for p.keyOpen.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p.keyOpen.Load() {
		t.Error("the key stayed open after its dialog")
	}
}

// TestIdle: the agent is not idle while a request waits on the prompter
// (nor while another waits behind it), and is again once they are
// answered; HoldIdle holds off dialogs only when idle.
func TestIdle(t *testing.T) {
	block := make(chan struct{})
	p := &fakePrompter{consent: AllowAlways, file: gostFL, block: block}
	a, _ := newAgent(t, p)
	if !a.idle() {
		t.Fatal("a new agent is busy")
	}
	release, ok := a.HoldIdle()
	if !ok || a.idle() {
		t.Fatalf("HoldIdle on an idle agent: %v, idle %v", ok, a.idle())
	}
	done := make(chan error, 2)
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	time.Sleep(100 * time.Millisecond)
	p.mu.Lock()
	shown := p.chooses
	p.mu.Unlock()
	if shown != 0 {
		t.Fatal("a dialog opened while held")
	}
	release()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		shown = p.chooses
		p.mu.Unlock()
		if shown == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if shown != 1 {
		t.Fatal("the held request never reached the prompter")
	}
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	for a.queue.waiting() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.idle() {
		t.Error("idle while a request waits on the prompter")
	}
	if _, ok := a.HoldIdle(); ok {
		t.Error("HoldIdle mid-dialog")
	}
	close(block)
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if !a.idle() {
		t.Error("busy after every request was answered")
	}
	release, ok = a.HoldIdle()
	if !ok {
		t.Fatal("HoldIdle after the requests")
	}
	release()
}

// TestHoldIdleHoldsNewRequestsBack: a restart that finds a dialog open
// (HoldIdle false) makes requests that arrive afterwards wait behind it,
// so that once the dialog is answered the restart gets the slot even
// though a page asked again; the held request goes on when the hold is
// released, or by itself after the gate's time.
func TestHoldIdleHoldsNewRequestsBack(t *testing.T) {
	block := make(chan struct{})
	p := &fakePrompter{consent: AllowAlways, file: gostFL, block: block}
	a, _ := newAgent(t, p)
	chooses := func() int { p.mu.Lock(); defer p.mu.Unlock(); return p.chooses }
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for chooses() != n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := chooses(); got != n {
			t.Fatalf("%d dialogs shown, want %d", got, n)
		}
	}
	done := make(chan error, 3)
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	waitFor(1)
	if _, ok := a.HoldIdle(); ok {
		t.Fatal("HoldIdle mid-dialog")
	}
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	time.Sleep(100 * time.Millisecond)
	block <- struct{}{} // the first dialog is answered
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var release func()
	deadline := time.Now().Add(5 * time.Second)
	for ok := false; !ok; {
		if time.Now().After(deadline) {
			t.Fatal("the restart never got the slot: the page's second request went first")
		}
		release, ok = a.HoldIdle()
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if n := chooses(); n != 1 {
		t.Fatalf("the held request opened a dialog during the hold (%d shown)", n)
	}
	release() // the restart was abandoned: the held request goes on
	waitFor(2)
	block <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A gate nobody releases opens by itself.
	a.queue.gateFor = 200 * time.Millisecond
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	waitFor(3)
	if _, ok := a.HoldIdle(); ok {
		t.Fatal("HoldIdle mid-dialog")
	}
	go func() { _, err := a.Handle(context.Background(), cmsRequest("x")); done <- err }()
	block <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(4) // after the gate's 200 ms, with no HoldIdle again
	close(block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !a.idle() {
		t.Error("busy after every request was answered")
	}
}

// idle reports that no request waits for or shows a dialog (for the
// tests of HoldIdle).
func (a *Agent) idle() bool {
	a.queue.mu.Lock()
	defer a.queue.mu.Unlock()
	return a.queue.total == 0
}
