package fyneui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/icon"
	"github.com/qoltanba/qoltanba/ui"
)

// Desktop is the fyne Prompter: the consent question and the signing
// dialog as windows on top, centred, with focus.
type Desktop struct {
	App fyne.App
	// Locale returns the current dialog language (kk, ru, en).
	Locale func() string
	// Delay before Sign can be pressed after the dialog appeared or changed.
	Delay time.Duration
	// OnBusy is told when a dialog opens (true) and closes (false): the
	// tray shows a request waiting.
	OnBusy func(bool)
}

// Icon is qoltanba's icon as a fyne resource (windows, tray, about).
var Icon = fyne.NewStaticResource("qoltanba.png", icon.PNG)

// ConsentSize is the first-use question's size.
var ConsentSize = fyne.NewSize(640, 440)

// DialogSize is the signing dialog's size; it fits a 1366x768 screen with
// the taskbar, and nothing in it is clipped at this size.
var DialogSize = fyne.NewSize(720, 640)

func (d *Desktop) recent() *ui.RecentFiles { return &ui.RecentFiles{Prefs: d.App.Preferences()} }

func (d *Desktop) busy(b bool) {
	if d.OnBusy != nil {
		d.OnBusy(b)
	}
}

func (d *Desktop) locale(requested string) string {
	if l := ui.NormalizeLocale(requested); l != "" {
		return l
	}
	if d.Locale != nil {
		return d.Locale()
	}
	return ui.SystemLocale()
}

func (d *Desktop) newWindow(title string) fyne.Window {
	w := d.App.NewWindow(title)
	w.SetIcon(Icon)
	return w
}

// Choose shows the signing dialog until it ends: signed (the page has its
// answer when the signature exists; "Signed ✓" stays a moment after),
// canceled (Cancel, Esc, closing it), or ctx ends (the page went away, the
// time ran out).
func (d *Desktop) Choose(ctx context.Context, s *agent.Session) error {
	d.busy(true)
	defer d.busy(false)
	m := ui.NewDialog(ctx, s, ui.DialogOptions{Locale: d.locale(s.Request.Locale), Delay: d.Delay, Recent: d.recent()})
	var sw *signWindow
	fyne.DoAndWait(func() {
		win := d.newWindow(m.View().Title)
		sw = newSignWindow(ctx, m, win)
		win.Resize(DialogSize)
		win.CenterOnScreen()
		win.Show()
		win.RequestFocus()
	})
	m.SetOnChange(func() { fyne.Do(sw.refresh) })
	go func() { // Sign becomes possible after the delay; tokens come and go
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-m.Done():
				return
			case <-t.C:
				if n%10 == 0 && m.WaitingForToken() {
					m.Rescan(ctx)
				}
				fyne.Do(sw.refresh)
			}
		}
	}()
	var r ui.Result
	select {
	case r = <-m.Done():
	case <-ctx.Done():
		m.Cancel()
		r = ui.Result{Err: agent.ErrCanceled}
	}
	fyne.Do(func() { sw.win.Close() })
	return r.Err
}

// Consent asks about a site seen for the first time: what each answer
// means, the focus on "allow once" (on "block" for a look-alike, which is
// not offered "always"). Esc and closing the window dismiss the question:
// this request only is canceled, nothing is remembered.
func (d *Desktop) Consent(ctx context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	d.busy(true)
	defer d.busy(false)
	v := ui.NewConsentView(q.Origin, q.Site, d.locale(q.Locale))
	res := make(chan agent.Consent, 1)
	pick := func(c agent.Consent) func() {
		return func() {
			select {
			case res <- c:
			default:
			}
		}
	}
	var win fyne.Window
	fyne.DoAndWait(func() {
		win = d.newWindow(v.Title)
		showConsent(v, pick, win)
		win.SetCloseIntercept(pick(agent.Dismiss))
		win.Resize(ConsentSize)
		win.CenterOnScreen()
		win.Show()
		win.RequestFocus()
	})
	defer fyne.Do(func() { win.Close() })
	select {
	case c := <-res:
		return c, nil
	case <-ctx.Done():
		return agent.Block, ctx.Err()
	}
}

// showConsent lays the question out in win: who asks, the question, each
// answer with what it means, and the safety tip. The default answer has
// the focus.
func showConsent(v ui.ConsentView, pick func(agent.Consent) func(), win fyne.Window) {
	header := newSiteHeader(v.Site)
	q := widget.NewLabel(v.Question)
	q.Wrapping = fyne.TextWrapWord
	q.TextStyle = fyne.TextStyle{Bold: true}
	box := container.NewVBox(header.box, widget.NewSeparator(), q)
	var focus fyne.Focusable
	for _, c := range v.Choices {
		b := newEscButton(c.Label, pick(c.Consent), pick(agent.Dismiss))
		if c.Consent == v.Default {
			b.Importance = widget.HighImportance
			if c.Consent == agent.Block {
				b.Importance = widget.DangerImportance
			}
			focus = b
		}
		ex := widget.NewLabel(c.Explain)
		ex.Wrapping = fyne.TextWrapWord
		box.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(190, b.MinSize().Height), b), nil, ex))
	}
	tip := widget.NewLabel(v.Tip)
	tip.Wrapping = fyne.TextWrapWord
	tip.TextStyle = fyne.TextStyle{Italic: true}
	box.Add(widget.NewSeparator())
	box.Add(tip)
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			pick(agent.Dismiss)()
		}
	})
	// In a scroll: wrapped labels report their height for the width they
	// get, so the window keeps its size instead of growing to what they
	// would need on a line a word wide.
	win.SetContent(container.NewVScroll(box))
	if focus != nil {
		win.Canvas().Focus(focus)
	}
}

// ChooseFile shows a file chooser (NCALayer's showFileChooser).
func (d *Desktop) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	res := make(chan string, 1)
	var win fyne.Window
	fyne.DoAndWait(func() {
		win = d.newWindow(ui.T(d.locale(""), "title-site", o.String()))
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			p := ""
			if err == nil && r != nil {
				p = r.URI().Path()
				r.Close()
			}
			res <- p
		}, win)
		if ext != "" {
			fd.SetFilter(storage.NewExtensionFileFilter([]string{"." + ext}))
		}
		win.Resize(fyne.NewSize(700, 500))
		win.Show()
		fd.Show()
	})
	defer fyne.Do(func() { win.Close() })
	select {
	case p := <-res:
		if p == "" {
			return "", agent.ErrCanceled
		}
		return p, nil
	case <-ctx.Done():
		return "", agent.ErrCanceled
	}
}

// LocaleSetting is the user's language, kept in the app's preferences;
// Config (config.json with the machine policy applied) may fix it.
type LocaleSetting struct {
	App    fyne.App
	Config agent.Config
}

// Get returns the language in force (ui.EffectiveLocale).
func (l *LocaleSetting) Get() string {
	return ui.EffectiveLocale(l.Config, l.App.Preferences().String("locale"))
}

// Set keeps a choice.
func (l *LocaleSetting) Set(v string) { l.App.Preferences().SetString("locale", v) }
