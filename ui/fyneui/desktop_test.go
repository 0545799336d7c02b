package fyneui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/dialogtest"
	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/ui"
)

// window opens the signing window for a request, on the test driver.
func window(t *testing.T, req *agent.Request, locale string, o dialogtest.Options, now *time.Time) (*signWindow, *dialogtest.Run) {
	t.Helper()
	app := test.NewTempApp(t)
	run := dialogtest.Start(t, req, o)
	clock := func() time.Time {
		if now != nil {
			return *now
		}
		return time.Now()
	}
	m := ui.NewDialog(context.Background(), run.Session, ui.DialogOptions{Locale: locale, Delay: time.Second, Now: clock})
	win := app.NewWindow("t")
	w := newSignWindow(context.Background(), m, win)
	win.Resize(DialogSize)
	return w, run
}

func xmlReq(t *testing.T, origin string) *agent.Request {
	return &agent.Request{Origin: dialogtest.Origin(t, origin), Method: "t", Format: agent.FormatXML, Locale: "en",
		Documents: [][]byte{[]byte("<payment><amount>100</amount></payment>")}, Filter: agent.Filter{Chain: agent.ChainAny}}
}

func waitDone(t *testing.T, m *ui.Dialog) ui.Result {
	t.Helper()
	select {
	case r := <-m.Done():
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the dialog did not end")
	}
	return ui.Result{}
}

// TestSignWindowFlow: a key file, a wrong then right password with Enter,
// the key chosen for you, Sign after the delay, "Signed ✓", closed.
func TestSignWindowFlow(t *testing.T) {
	now := ncatest.Time2026
	w, run := window(t, xmlReq(t, "https://egov.kz"), "en", dialogtest.Options{}, &now)
	if w.header.site.Text != "egov.kz" || w.header.site.TextSize < 20 || w.heading.Text != "Sign data for egov.kz" ||
		w.win.Canvas().Focused() != w.path || !w.sign.Disabled() {
		t.Fatalf("start: %q %q focus %T", w.header.site.Text, w.heading.Text, w.win.Canvas().Focused())
	}
	test.Type(w.path, ncatest.GOST2015FL)
	w.win.Canvas().Focus(w.secret)
	test.Type(w.secret, "Qwerty13")
	w.secret.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.message.Text != "Wrong password" || w.secret.Text != "" || w.win.Canvas().Focused() != w.secret {
		t.Fatalf("wrong password: %q", w.message.Text)
	}
	test.Type(w.secret, "Qwerty12")
	w.secret.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter loads keys; it never signs
	select {
	case <-w.m.Done():
		t.Fatal("Enter signed")
	default:
	}
	if w.keys.Length() != 1 || !w.sign.Disabled() {
		t.Fatalf("keys %d, sign disabled %v", w.keys.Length(), w.sign.Disabled())
	}
	now = now.Add(2 * time.Second)
	w.refresh()
	if w.sign.Disabled() || w.win.Canvas().Focused() != w.sign || !strings.Contains(w.summary.Text, "ТЕСТОВ ТЕСТ (IIN 123456789011) signs for egov.kz") {
		t.Fatalf("after the delay: disabled %v focus %T %q", w.sign.Disabled(), w.win.Canvas().Focused(), w.summary.Text)
	}
	test.Tap(w.sign)
	deadline := time.Now().Add(5 * time.Second)
	for w.m.View().Phase != ui.PhaseSigned && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	w.refresh()
	if w.status.Text != "Signed ✓" || !w.progress.Visible() {
		t.Errorf("signed: %q", w.status.Text)
	}
	r := waitDone(t, w.m)
	if err := run.End(r.Err); err != nil {
		t.Fatal(err)
	}
}

// TestEscFromAnywhere: Esc cancels with the focus in a text field, on a
// button, in the key list, or nowhere.
func TestEscFromAnywhere(t *testing.T) {
	for _, where := range []string{"path", "secret", "sign", "keys", "nothing"} {
		w, _ := window(t, xmlReq(t, "https://egov.kz"), "kk", dialogtest.Options{}, nil)
		c := w.win.Canvas()
		var target fyne.Focusable
		switch where {
		case "path":
			target = w.path
		case "secret":
			target = w.secret
		case "sign":
			target = w.sign
		case "keys":
			target = w.keys
		}
		esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
		if target != nil {
			c.Focus(target)
			c.Focused().TypedKey(esc) // what the driver does: keys go to the focused widget
		} else {
			c.Unfocus()
			c.OnTypedKey()(esc)
		}
		if r := waitDone(t, w.m); r.Err != agent.ErrCanceled {
			t.Errorf("Esc in %s: %v", where, r.Err)
		}
	}
}

// TestKeyboardOnly: path, password, Enter, the chosen key, Tab to Sign,
// Space — no mouse.
func TestKeyboardOnly(t *testing.T) {
	now := ncatest.Time2026
	w, run := window(t, xmlReq(t, "https://egov.kz"), "en", dialogtest.Options{}, &now)
	c := w.win.Canvas()
	typeKeys := func(s string) {
		for _, r := range s {
			c.Focused().TypedRune(r)
		}
	}
	typeKeys(ncatest.GOST2015FL)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter in the path: on to the password
	if c.Focused() != w.secret {
		t.Fatalf("Enter in the path: focus %T", c.Focused())
	}
	typeKeys("Qwerty12")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	now = now.Add(2 * time.Second)
	w.refresh()
	if c.Focused() != w.sign || w.sign.Disabled() {
		t.Fatalf("focus %T, sign disabled %v", c.Focused(), w.sign.Disabled())
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	r := waitDone(t, w.m)
	if res, err := run.Answer(t); err != nil || res == nil || r.Err != nil {
		t.Fatal(r.Err, err)
	}
}

// TestNothingClippedAt720x640: the longest real NCA subject and issuer
// (a legal entity's first head) fit their rows; the window's content
// needs no more than 720x640 even for a very long look-alike host.
func TestNothingClippedAt720x640(t *testing.T) {
	now := ncatest.Time2026
	req := xmlReq(t, "https://egov.kz.kezek-balabaqsha-online-zapis-v-detskiy-sad-i-shkolu-almaty-astana-shymkent.com")
	req.Filter.Chain = agent.ChainProduction // the key cannot be chosen: its reason shows too
	w, _ := window(t, req, "ru", dialogtest.Options{}, &now)
	w.m.SetPath(ncatest.GOST2015Head)
	w.m.Load(context.Background(), []byte(ncatest.Password))
	w.refresh()
	if len(w.v.Keys) != 1 || w.v.Keys[0].Org == "" || w.v.Keys[0].Reason == "" {
		t.Fatalf("keys %+v", w.v.Keys)
	}
	row := w.keys.CreateItem().(*widget.RichText)
	w.fillKey(row, w.v.Keys[0], false)
	lines := len(w.v.Keys[0].Lines())
	if got, room := row.MinSize().Height, keyRowHeight(lines); got > room {
		t.Errorf("key row needs %.0f px, has %.0f", got, room)
	}
	if ms := w.content.MinSize(); ms.Width > DialogSize.Width || ms.Height > DialogSize.Height {
		t.Errorf("content needs %v, the dialog is %v", ms, DialogSize)
	}
	if w.win.Canvas().Size().Width > DialogSize.Width {
		t.Errorf("window grew to %v", w.win.Canvas().Size())
	}
	if !strings.HasPrefix(w.header.badge.Text, "⚠ Это НЕ egov.kz") || !w.header.warning.Visible() {
		t.Errorf("look-alike: %q", w.header.badge.Text)
	}
}

// TestLocales: every visible word changes with the locale.
func TestLocales(t *testing.T) {
	seen := map[string]string{}
	for _, l := range ui.Locales {
		w, _ := window(t, xmlReq(t, "https://egov.kz"), l, dialogtest.Options{}, nil)
		texts := strings.Join([]string{w.heading.Text, w.sign.Text, w.cancel.Text, w.load.Text, w.browse.Text,
			w.storeBtns[0].Text, w.path.PlaceHolder, w.secret.PlaceHolder, w.header.badge.Text}, "|")
		for other, prev := range seen {
			if prev == texts {
				t.Errorf("%s and %s show the same words", l, other)
			}
		}
		seen[l] = texts
	}
}

// TestTokenNone: no token plugged in: the dialog says so, shows no PIN
// field, and picks the token up when it appears.
func TestTokenNone(t *testing.T) {
	tokens := &dialogtest.Tokens{File: ncatest.GOST2015FL}
	req := xmlReq(t, "https://egov.kz")
	req.Filter.Storages = []string{"AKKaztokenStore"}
	w, _ := window(t, req, "en", dialogtest.Options{Tokens: tokens}, nil)
	if w.secretRow.Visible() || !w.message.Visible() || !strings.Contains(w.message.Text, "Plug in your token") || !w.refreshB.Visible() {
		t.Fatalf("no token: %q", w.message.Text)
	}
	tokens.Present = true
	test.Tap(w.refreshB)
	if !w.secretRow.Visible() || w.secretLbl.Text != "PIN" || w.win.Canvas().Focused() != w.secret || w.storeBtns[0].Text != "● Kaztoken “ТЕСТ”" {
		t.Errorf("token: %q %q focus %T", w.secretLbl.Text, w.storeBtns[0].Text, w.win.Canvas().Focused())
	}
}

// TestConsentWindow: a look-alike is named, the focus is on Block and
// "always allow" is not offered; a known site's focus is on Allow once.
func TestConsentWindow(t *testing.T) {
	app := test.NewTempApp(t)
	for _, c := range []struct {
		origin string
		labels []string
		focus  string
	}{
		{"https://egov.kz", []string{"Allow once", "Always allow", "Block"}, "Allow once"},
		{"https://egov.kz.login-portal.com", []string{"Allow once", "Block"}, "Block"},
	} {
		o := dialogtest.Origin(t, c.origin)
		v := ui.NewConsentView(o, agent.Classify(o, nil), "en")
		win := app.NewWindow("t")
		picked := make(chan agent.Consent, 1)
		showConsent(v, func(a agent.Consent) func() { return func() { picked <- a } }, win)
		var labels []string
		var buttons []*escButton
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *escButton:
				labels = append(labels, x.Text)
				buttons = append(buttons, x)
			case *fyne.Container:
				for _, ch := range x.Objects {
					walk(ch)
				}
			case *container.Scroll:
				walk(x.Content)
			}
		}
		walk(win.Content())
		if strings.Join(labels, "|") != strings.Join(c.labels, "|") {
			t.Errorf("%s: %q", c.origin, labels)
		}
		f, ok := win.Canvas().Focused().(*escButton)
		if !ok || f.Text != c.focus {
			t.Fatalf("%s: focus %v", c.origin, win.Canvas().Focused())
		}
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if a := <-picked; a != agent.Dismiss {
			t.Errorf("Esc: %v, want Dismiss (this request only, nothing remembered)", a)
		}
	}
}
