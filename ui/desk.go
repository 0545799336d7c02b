package ui

import (
	"context"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// Renderer draws the ui models with one toolkit (fyneui, winui): it opens
// windows and forwards the user's events to the model, and nothing more.
// Desk is the controller over it.
type Renderer interface {
	// OpenDialog shows the signing dialog of m (in front, centred, with
	// the focus) and returns how to redraw it from m.View and how to close
	// it; both may be called from any goroutine.
	OpenDialog(ctx context.Context, m *Dialog) (refresh, close func(), err error)
	// OpenConsent shows the first-use question; the user's answer goes to
	// pick (agent.Dismiss for Esc and closing the window). It returns how
	// to close it.
	OpenConsent(v ConsentView, pick func(agent.Consent)) (close func(), err error)
	// OpenFileChooser shows the toolkit's file chooser; the path chosen,
	// or "" when the user canceled, goes to picked.
	OpenFileChooser(title, ext, dir string, picked func(path string)) (close func())
}

// Desk is the desktop Prompter: the queue's one dialog at a time drawn by
// a Renderer, with what every renderer needs the same way — the busy
// signal for the tray, the dialog's language, Sign enabled after the
// delay, tokens looked for again while "plug in your token" shows, and the
// dialog closed when its request ends.
type Desk struct {
	Renderer Renderer
	// Locale returns the configured dialog language (kk, ru, en, vi) for a
	// request that names none; nil: the system's.
	Locale func() string
	// Delay before Sign can be pressed after the dialog appeared or changed.
	Delay time.Duration
	// Recent remembers key files that opened (nil: none kept).
	Recent *RecentFiles
	// OnBusy is told when a dialog opens (true) and closes (false): the
	// tray shows a request waiting.
	OnBusy func(bool)
}

// Rescan and redraw cadence of an open dialog.
const (
	deskTick       = 200 * time.Millisecond // Sign becomes possible after the delay
	deskRescanTick = 10                     // ticks between looks for a token
)

func (d *Desk) busy(b bool) {
	if d.OnBusy != nil {
		d.OnBusy(b)
	}
}

// locale is the dialog language: the request's, else the configured one,
// else the system's.
func (d *Desk) locale(requested string) string {
	if l := NormalizeLocale(requested); l != "" {
		return l
	}
	if d.Locale != nil {
		return d.Locale()
	}
	return SystemLocale()
}

// Choose shows the signing dialog until it ends: signed (the page has its
// answer when the signature exists; "Signed ✓" stays a moment after),
// canceled (Cancel, Esc, closing it), or ctx ends (the page went away,
// the time ran out).
func (d *Desk) Choose(ctx context.Context, s *agent.Session) error {
	d.busy(true)
	defer d.busy(false)
	m := NewDialog(ctx, s, DialogOptions{Locale: d.locale(s.Request.Locale), Delay: d.Delay, Recent: d.Recent})
	refresh, closeDlg, err := d.Renderer.OpenDialog(ctx, m)
	if err != nil {
		return err
	}
	defer closeDlg()
	m.SetOnChange(refresh)
	go func() {
		t := time.NewTicker(deskTick)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-m.Done():
				return
			case <-t.C:
				if n%deskRescanTick == 0 && m.WaitingForToken() {
					m.Rescan(ctx)
				}
				refresh()
			}
		}
	}()
	select {
	case r := <-m.Done():
		return r.Err
	case <-ctx.Done():
		m.Cancel()
		return agent.ErrCanceled
	}
}

// Consent asks about a site seen for the first time: each answer with
// what it means, the focus on "allow once" (on "block" for a look-alike,
// which is not offered "always"). Esc and closing the window dismiss the
// question: this request only is canceled, nothing is remembered.
func (d *Desk) Consent(ctx context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	d.busy(true)
	defer d.busy(false)
	res := make(chan agent.Consent, 1)
	closeQ, err := d.Renderer.OpenConsent(NewConsentView(q.Origin, q.Site, d.locale(q.Locale)), func(c agent.Consent) {
		select {
		case res <- c:
		default:
		}
	})
	if err != nil {
		return agent.Block, err
	}
	defer closeQ()
	select {
	case c := <-res:
		return c, nil
	case <-ctx.Done():
		return agent.Block, ctx.Err()
	}
}

// ChooseFile shows a file chooser (NCALayer's showFileChooser).
func (d *Desk) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	res := make(chan string, 1)
	closeFC := d.Renderer.OpenFileChooser(T(d.locale(""), "title-site", o.String()), ext, dir, func(p string) {
		select {
		case res <- p:
		default:
		}
	})
	defer closeFC()
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
