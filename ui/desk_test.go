package ui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
)

// fakeRenderer stands for a toolkit: it records what Desk asks of it and
// plays the user through the model (approve, or leave it open).
type fakeRenderer struct {
	mu       sync.Mutex
	events   []string
	consent  ConsentView
	dialog   *Dialog
	approve  bool
	refreshs int
}

func (f *fakeRenderer) log(e string) { f.mu.Lock(); f.events = append(f.events, e); f.mu.Unlock() }

func (f *fakeRenderer) OpenDialog(ctx context.Context, m *Dialog) (func(), func(), error) {
	f.log("dialog " + m.Locale())
	f.mu.Lock()
	f.dialog = m
	f.mu.Unlock()
	if f.approve {
		go func() {
			m.SetPath(ncatest.GOST2015FL)
			m.Load(ctx, []byte(ncatest.Password))
			m.Sign(ctx)
		}()
	}
	return func() { f.mu.Lock(); f.refreshs++; f.mu.Unlock() }, func() { f.log("close dialog") }, nil
}

func (f *fakeRenderer) OpenConsent(v ConsentView, pick func(agent.Consent)) (func(), error) {
	f.log("consent")
	f.consent = v
	pick(agent.AllowOnce)
	return func() { f.log("close consent") }, nil
}

func (f *fakeRenderer) OpenFileChooser(title, ext, dir string, picked func(string)) func() {
	f.log("file " + title)
	picked("/tmp/x." + ext)
	return func() { f.log("close file") }
}

func (f *fakeRenderer) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.events...)
}

// busyLog is what the tray was told.
type busyLog struct {
	mu sync.Mutex
	b  []bool
}

func (l *busyLog) add(b bool)  { l.mu.Lock(); l.b = append(l.b, b); l.mu.Unlock() }
func (l *busyLog) get() []bool { l.mu.Lock(); defer l.mu.Unlock(); return append([]bool(nil), l.b...) }

func deskAgent(t *testing.T, r Renderer, busy *busyLog) *agent.Agent {
	t.Helper()
	d := &Desk{Renderer: r, Locale: func() string { return "ru" }, OnBusy: busy.add}
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: d, Now: func() time.Time { return ncatest.Time2026 }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDeskDrivesRenderer: the one desktop Prompter asks the renderer for
// the consent and the dialog in the configured language, tells the tray
// it is busy, signs through the model, and closes what it opened.
func TestDeskDrivesRenderer(t *testing.T) {
	r := &fakeRenderer{approve: true}
	busy := &busyLog{}
	a := deskAgent(t, r, busy)
	res, err := a.Handle(context.Background(), xmlRequest(t, agent.ChainAny))
	if err != nil || len(res.Signatures) != 1 {
		t.Fatalf("%v", err)
	}
	if r.consent.Question != "Разрешить сайту egov.kz запрашивать вашу подпись?" {
		t.Errorf("consent: %q", r.consent.Question)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(busy.get()) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // "Signed ✓" closes after the answer left
	}
	want := []string{"consent", "close consent", "dialog ru", "close dialog"}
	if got := r.seen(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("renderer calls %q, want %q", got, want)
	}
	if busy := busy.get(); len(busy) != 4 || !busy[0] || busy[1] || !busy[2] || busy[3] {
		t.Errorf("busy %v", busy)
	}
	p, err := a.ChooseFile(context.Background(), egov(t), "p12", "")
	if err != nil || p != "/tmp/x.p12" || r.seen()[6] != "file qoltanba — https://egov.kz" {
		t.Errorf("file chooser: %q %v %q", p, err, r.seen())
	}
}

// TestDeskClosesWhenThePageLeaves: the page going away cancels the open
// dialog and closes its window.
func TestDeskClosesWhenThePageLeaves(t *testing.T) {
	r := &fakeRenderer{}
	busy := &busyLog{}
	a := deskAgent(t, r, busy)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if _, err := a.Handle(ctx, xmlRequest(t, agent.ChainAny)); !errors.Is(err, agent.ErrCanceled) && !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	if got := r.seen(); got[len(got)-1] != "close dialog" {
		t.Errorf("renderer calls %q", got)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refreshs == 0 {
		t.Error("the dialog was never redrawn (Sign's delay, tokens)")
	}
}

func TestSiteLines(t *testing.T) {
	for _, c := range []struct {
		v                   SiteView
		sub, badge          string
		siteTone, badgeTone Tone
	}{
		{SiteView{Site: "egov.kz", Class: agent.OriginKnown, Badge: "Known"}, "", "✓ Known", TonePrimary, ToneSuccess},
		{SiteView{Site: "egov.kz", Sub: "idp.", Note: "port 8443", Class: agent.OriginUnknown, Badge: "?"}, "idp.egov.kz · port 8443", "?", ToneNormal, ToneWarning},
		{SiteView{Site: "xn--e1as9n8w.kz", Note: "in letters", Class: agent.OriginLookalike, Badge: "NOT"}, "in letters", "⚠ NOT", ToneDanger, ToneDanger},
	} {
		if c.v.SubLine() != c.sub || c.v.MarkedBadge() != c.badge {
			t.Errorf("%+v: %q %q", c.v, c.v.SubLine(), c.v.MarkedBadge())
		}
		if site, badge := c.v.Tones(); site != c.siteTone || badge != c.badgeTone {
			t.Errorf("%+v: tones %v %v", c.v, site, badge)
		}
	}
}

func TestMoveFocus(t *testing.T) {
	var got []string
	targets := map[Focus]string{FocusSign: "sign", FocusPath: "path"}
	ready := func(s string) bool { return s != "sign" || len(got) > 0 }
	focus := func(s string) { got = append(got, s) }
	done := MoveFocus(View{Focus: FocusSign, FocusSeq: 1}, 0, targets, ready, focus)
	if done != 0 || len(got) != 0 {
		t.Fatalf("Sign not ready yet: done %d, focused %v", done, got)
	}
	if done = MoveFocus(View{Focus: FocusPath, FocusSeq: 2}, done, targets, ready, focus); done != 2 || got[0] != "path" {
		t.Fatalf("%d %v", done, got)
	}
	if done = MoveFocus(View{Focus: FocusPath, FocusSeq: 2}, done, targets, ready, focus); len(got) != 1 {
		t.Errorf("the same request moved the focus twice: %v", got)
	}
	if done = MoveFocus(View{Focus: FocusNone, FocusSeq: 3}, done, targets, ready, focus); done != 3 || len(got) != 1 {
		t.Errorf("FocusNone: %d %v", done, got)
	}
}
