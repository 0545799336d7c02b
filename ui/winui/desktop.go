//go:build windows

package winui

import (
	"context"
	"time"

	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// Desktop is the Win32 Prompter: the consent question and the signing
// dialog as native windows, centred, in front, with focus.
type Desktop struct {
	UI *UI
	// Locale returns the current dialog language (kk, ru, en).
	Locale func() string
	// Delay before Sign can be pressed after the dialog appeared or changed.
	Delay time.Duration
	// Recent remembers key files that opened.
	Recent *ui.RecentFiles
	// OnBusy is told when a dialog opens (true) and closes (false).
	OnBusy func(bool)
}

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

// Choose shows the signing dialog until it ends: signed (the page has its
// answer when the signature exists; "Signed ✓" stays a moment after),
// canceled (Cancel, Esc, closing it), or ctx ends.
func (d *Desktop) Choose(ctx context.Context, s *agent.Session) error {
	d.busy(true)
	defer d.busy(false)
	m := ui.NewDialog(ctx, s, ui.DialogOptions{Locale: d.locale(s.Request.Locale), Delay: d.Delay, Recent: d.Recent})
	var sd *signDlg
	built := make(chan error, 1)
	d.UI.Go(func() {
		var err error
		if sd, err = newSignDlg(ctx, nil, d.UI.Icon, m); err != nil {
			built <- err
			return
		}
		runDialog(sd.dlg, func() {
			centre(sd.dlg, 0, 0)
			sd.refresh()
			built <- nil
		})
	})
	if err := <-built; err != nil {
		return err
	}
	m.SetOnChange(func() { d.UI.Go(sd.refresh) })
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
				d.UI.Go(sd.refresh)
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
	d.UI.Do(func() { sd.dlg.Close(walk.DlgCmdCancel) })
	return r.Err
}

// Consent asks about a site seen for the first time: each answer with what
// it means, the focus on "allow once" (on "block" for a look-alike, which
// is not offered "always"). Esc and closing the dialog dismiss the
// question: this request only is canceled, nothing is remembered.
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
	var dlg *walk.Dialog
	built := make(chan error, 1)
	d.UI.Go(func() {
		var err error
		if dlg, err = walk.NewDialog(nil); err != nil {
			built <- err
			return
		}
		if d.UI.Icon != nil {
			dlg.SetIcon(d.UI.Icon)
		}
		dlg.SetTitle(v.Title)
		dlg.SetLayout(walk.NewVBoxLayout())
		site := v.Site
		siteColor, badgeColor, badge := colorText, colorWarning, site.Badge
		switch site.Class {
		case agent.OriginKnown:
			siteColor, badgeColor, badge = colorPrimary, colorSuccess, "✓ "+badge
		case agent.OriginLookalike:
			siteColor, badgeColor, badge = colorDanger, colorDanger, "⚠ "+badge
		}
		label(dlg, site.Site, 18, walk.FontBold, siteColor)
		sub := site.Sub
		if sub != "" {
			sub += site.Site
		}
		if site.Note != "" {
			if sub != "" {
				sub += " · "
			}
			sub += site.Note
		}
		if sub != "" {
			label(dlg, sub, 9, 0, colorMuted)
		}
		label(dlg, badge, 10, walk.FontBold, badgeColor)
		if site.Warning != "" {
			label(dlg, site.Warning, 10, walk.FontBold, colorDanger)
		}
		label(dlg, v.Question, 10, walk.FontBold, colorText)
		var focus *walk.PushButton
		for _, c := range v.Choices {
			r := row(dlg)
			b := button(r, c.Label, pick(c.Consent))
			b.SetMinMaxSize(walk.Size{Width: 190}, walk.Size{Width: 190})
			label(r, c.Explain, 9, 0, colorText)
			if c.Consent == v.Default {
				focus = b
			}
		}
		label(dlg, v.Tip, 9, walk.FontItalic, colorMuted)
		// Esc presses the dialog's cancel button: a hidden one that
		// dismisses, as closing does (walk ignores Esc without one).
		dismiss := button(dlg, "", pick(agent.Dismiss))
		dismiss.SetVisible(false)
		dlg.SetCancelButton(dismiss)
		dlg.Closing().Attach(func(*bool, walk.CloseReason) { pick(agent.Dismiss)() })
		dlg.SetMinMaxSize(walk.Size{Width: 640, Height: 360}, walk.Size{})
		runDialog(dlg, func() {
			centre(dlg, 0, 0)
			if focus != nil {
				focus.SetFocus()
			}
			built <- nil
		})
	})
	if err := <-built; err != nil {
		return agent.Block, err
	}
	defer d.UI.Do(func() { dlg.Close(walk.DlgCmdCancel) })
	select {
	case c := <-res:
		return c, nil
	case <-ctx.Done():
		return agent.Block, ctx.Err()
	}
}

// ChooseFile shows the Windows file dialog (NCALayer's showFileChooser).
func (d *Desktop) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	res := make(chan string, 1)
	d.UI.Go(func() {
		fd := &walk.FileDialog{Title: ui.T(d.locale(""), "title-site", o.String()), InitialDirPath: dir}
		if ext != "" {
			fd.Filter = "*." + ext + "|*." + ext
		}
		if ok, _ := fd.ShowOpen(d.UI.Owner()); ok {
			res <- fd.FilePath
			return
		}
		res <- ""
	})
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
