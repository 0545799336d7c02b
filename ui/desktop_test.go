package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/qoltanba/qoltanba/agent"
)

// captured runs a request through a real agent and hands the test the
// Session the agent gives its Prompter.
type captured struct {
	sessions chan *agent.Session
	answer   chan *agent.KeyOption
}

func (c *captured) Consent(context.Context, agent.Origin, string) (agent.Consent, error) {
	return agent.AllowOnce, nil
}
func (c *captured) Choose(ctx context.Context, s *agent.Session) (*agent.KeyOption, error) {
	c.sessions <- s
	if k := <-c.answer; k != nil {
		return k, nil
	}
	return nil, agent.ErrCanceled
}
func (c *captured) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// session starts a request and returns its session; finish ends it.
func session(t *testing.T, req *agent.Request) (*agent.Session, func(*agent.KeyOption) error) {
	c := &captured{sessions: make(chan *agent.Session, 1), answer: make(chan *agent.KeyOption, 1)}
	a := newAgent(t, c)
	errc := make(chan error, 1)
	go func() { _, err := a.Handle(context.Background(), req); errc <- err }()
	s := <-c.sessions
	return s, func(k *agent.KeyOption) error { c.answer <- k; return <-errc }
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func signRequest(chain agent.ChainPolicy, locale string) *agent.Request {
	o, _ := agent.ParseOrigin("https://egov.kz")
	return &agent.Request{Origin: o, Format: agent.FormatXML, Locale: locale,
		Documents: [][]byte{[]byte("<payment><amount>100</amount></payment>")}, Filter: agent.Filter{Chain: chain}}
}

func build(t *testing.T, s *agent.Session, locale string, clk *clock) (*signDialog, fyne.Window, chan error) {
	app := test.NewTempApp(t)
	w := app.NewWindow("test")
	done := make(chan error, 1)
	m := newDialogModel(context.Background(), s, locale, time.Second, clk.now)
	d := newSignDialog(context.Background(), m, w, func(k *agent.KeyOption, err error) { done <- err })
	return d, w, done
}

func TestDialogFlow(t *testing.T) {
	s, finish := session(t, signRequest(agent.ChainAny, "en"))
	clk := &clock{t: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)}
	d, _, _ := build(t, s, "en", clk)
	if d.origin.Text != "https://egov.kz" || d.origin.TextSize < 20 || !strings.Contains(d.action.Text, "https://egov.kz asks: Sign a document") {
		t.Errorf("header %q / %q", d.origin.Text, d.action.Text)
	}
	if !d.sign.Disabled() {
		t.Error("Sign enabled before a key is chosen")
	}
	test.Type(d.path, gostFL)
	test.Type(d.secret, "Qwerty13")
	test.Tap(d.load)
	if d.message.Text != "Wrong password" || d.keys.Length() != 0 {
		t.Errorf("wrong password: %q, %d keys", d.message.Text, d.keys.Length())
	}
	if d.secret.Text != "" {
		t.Error("password left in the field")
	}
	test.Type(d.secret, "Qwerty12")
	test.Tap(d.load)
	if d.message.Text != "" || d.keys.Length() != 1 {
		t.Fatalf("keys: %q %d", d.message.Text, d.keys.Length())
	}
	d.keys.Select(0)
	if !d.sign.Disabled() {
		t.Error("Sign enabled at once: no delay")
	}
	clk.add(1500 * time.Millisecond)
	d.refresh()
	if d.sign.Disabled() {
		t.Fatal("Sign still disabled after the delay")
	}
	test.Tap(d.sign)
	if err := finish(d.m.chosen()); err != nil {
		t.Fatal(err)
	}
}

func TestDialogGreyedKeys(t *testing.T) {
	s, finish := session(t, signRequest(agent.ChainProduction, "ru"))
	clk := &clock{t: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)}
	d, _, _ := build(t, s, "ru", clk)
	test.Type(d.path, gostFL)
	test.Type(d.secret, "Qwerty12")
	test.Tap(d.load)
	if d.keys.Length() != 1 {
		t.Fatal(d.message.Text)
	}
	text := d.m.keyText(0)
	if !strings.Contains(text, "Нельзя выбрать: тестовый сертификат") || !strings.Contains(text, "ИИН 123456789011") {
		t.Errorf("greyed key: %q", text)
	}
	d.keys.Select(0)
	clk.add(time.Minute)
	d.refresh()
	if !d.sign.Disabled() || d.m.chosen() != nil {
		t.Error("a greyed key can be signed with")
	}
	finish(nil)
}

func TestDialogEscCancels(t *testing.T) {
	s, finish := session(t, signRequest(agent.ChainAny, "kk"))
	d, w, done := build(t, s, "kk", &clock{t: time.Now()})
	if d.sign.Text != "Қол қою" || d.cancel.Text != "Бас тарту" {
		t.Errorf("kk buttons %q %q", d.sign.Text, d.cancel.Text)
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if err := <-done; err != agent.ErrCanceled {
		t.Fatalf("Esc: %v", err)
	}
	finish(nil)
}

// TestDialogLocales: every visible string changes with the locale.
func TestDialogLocales(t *testing.T) {
	seen := map[string]string{}
	for _, l := range Locales {
		s, finish := session(t, signRequest(agent.ChainAny, l))
		d, _, _ := build(t, s, l, &clock{t: time.Now()})
		texts := strings.Join([]string{d.action.Text, d.sign.Text, d.cancel.Text, d.load.Text, d.browse.Text, d.stores.Options[0], d.path.PlaceHolder, d.secret.PlaceHolder}, "|")
		for other, prev := range seen {
			if prev == texts {
				t.Errorf("%s and %s show the same strings", l, other)
			}
		}
		seen[l] = texts
		finish(nil)
	}
}

func TestIndentXML(t *testing.T) {
	got := indentXML(`<?xml version="1.0"?><a><b>1</b><c><d/></c></a>`)
	want := "<?xml version=\"1.0\"?>\n<a>\n  <b>1</b>\n  <c>\n    <d/>\n  </c>\n</a>"
	if got != want {
		t.Errorf("got\n%s", got)
	}
}

// TestDialogKeyboardOnly: file, password, key and Sign without a mouse
// (Tab moves the focus, Enter loads keys, arrows and Space choose).
func TestDialogKeyboardOnly(t *testing.T) {
	s, finish := session(t, signRequest(agent.ChainAny, "en"))
	clk := &clock{t: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)}
	d, w, done := build(t, s, "en", clk)
	c := w.Canvas()
	if c.Focused() != d.path {
		t.Fatalf("initial focus %T", c.Focused())
	}
	// What the driver does with key presses: they go to the focused widget.
	typeKeys := func(s string) {
		for _, r := range s {
			c.Focused().TypedRune(r)
		}
	}
	typeKeys(gostFL)
	focusTo := func(target fyne.Focusable) {
		t.Helper()
		for range 20 {
			if c.Focused() == target {
				return
			}
			c.FocusNext()
		}
		t.Fatalf("cannot reach %T with Tab", target)
	}
	focusTo(d.secret)
	typeKeys("Qwerty12")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.keys.Length() != 1 {
		t.Fatalf("Enter did not load keys: %q", d.message.Text)
	}
	focusTo(d.keys)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	clk.add(2 * time.Second)
	d.refresh()
	focusTo(d.sign)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal("Space on Sign did not sign")
	}
	if err := finish(d.m.chosen()); err != nil {
		t.Fatal(err)
	}
}

// TestRecentFiles: a key file that opened is offered first next time.
func TestRecentFiles(t *testing.T) {
	app := test.NewTempApp(t)
	recent := &RecentFiles{Prefs: app.Preferences()}
	for i := range 7 {
		recent.Add(fmt.Sprintf("/keys/%d.p12", i))
	}
	if l := recent.List(); len(l) != maxRecent || l[0] != "/keys/6.p12" {
		t.Fatalf("recent %v", l)
	}
	s, finish := session(t, signRequest(agent.ChainAny, "en"))
	w := app.NewWindow("t")
	m := newDialogModel(context.Background(), s, "en", time.Second, time.Now)
	m.recent = recent
	d := newSignDialog(context.Background(), m, w, func(*agent.KeyOption, error) {})
	if d.path.Text != "/keys/6.p12" {
		t.Errorf("path not pre-filled: %q", d.path.Text)
	}
	d.path.SetText(gostFL)
	test.Type(d.secret, "Qwerty12")
	test.Tap(d.load)
	if l := recent.List(); l[0] != gostFL {
		t.Errorf("opened file not remembered: %v", l)
	}
	if d.m.expired(0) != time.Now().After(d.m.keys[0].Identity.NotAfter) {
		t.Error("expired flag")
	}
	finish(nil)
}
