//go:build windows

package winui

import (
	"context"

	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// Desktop draws the desktop Prompter's windows with Win32 controls (a
// ui.Renderer; ui.Desk is the Prompter over it): the consent question and
// the signing dialog as native windows, centred, in front, with focus.
type Desktop struct {
	UI *UI
}

// OpenDialog shows the signing dialog of m.
func (d *Desktop) OpenDialog(ctx context.Context, m *ui.Dialog) (refresh, closeDlg func(), err error) {
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
		return nil, nil, err
	}
	return func() { d.UI.Go(sd.refresh) }, func() { d.UI.Do(func() { sd.dlg.Close(walk.DlgCmdCancel) }) }, nil
}

// OpenConsent shows the first-use question: each answer with what it
// means, the focus on the default one.
func (d *Desktop) OpenConsent(v ui.ConsentView, pick func(agent.Consent)) (closeDlg func(), err error) {
	var dlg *walk.Dialog
	built := make(chan error, 1)
	d.UI.Go(func() {
		var err error
		if dlg, _, err = newDialog(nil, d.UI.Icon, v.Title); err != nil {
			built <- err
			return
		}
		newSiteHeader(dlg, true).set(v.Site)
		label(dlg, v.Question, 10, walk.FontBold, colorText)
		var focus *walk.PushButton
		for _, c := range v.Choices {
			r := row(dlg)
			b := button(r, c.Label, func() { pick(c.Consent) })
			b.SetMinMaxSize(walk.Size{Width: 190}, walk.Size{Width: 190})
			label(r, c.Explain, 9, 0, colorText)
			if c.Consent == v.Default {
				focus = b
			}
		}
		label(dlg, v.Tip, 9, walk.FontItalic, colorMuted)
		// Esc presses the dialog's cancel button: a hidden one that
		// dismisses, as closing does (walk ignores Esc without one).
		dismiss := button(dlg, "", func() { pick(agent.Dismiss) })
		dismiss.SetVisible(false)
		dlg.SetCancelButton(dismiss)
		dlg.Closing().Attach(func(*bool, walk.CloseReason) { pick(agent.Dismiss) })
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
		return nil, err
	}
	return func() { d.UI.Do(func() { dlg.Close(walk.DlgCmdCancel) }) }, nil
}

// OpenFileChooser shows the Windows file dialog (modal; it closes itself).
func (d *Desktop) OpenFileChooser(title, ext, dir string, picked func(string)) (closeDlg func()) {
	d.UI.Go(func() {
		fd := &walk.FileDialog{Title: title, InitialDirPath: dir}
		if ext != "" {
			fd.Filter = "*." + ext + "|*." + ext
		}
		if ok, _ := fd.ShowOpen(d.UI.Owner()); ok {
			picked(fd.FilePath)
			return
		}
		picked("")
	})
	return func() {}
}
