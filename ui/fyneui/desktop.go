package fyneui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/icon"
	"github.com/qoltanba/qoltanba/ui"
)

// Desktop draws the desktop Prompter's windows with fyne (a ui.Renderer;
// ui.Desk is the Prompter over it): the consent question and the signing
// dialog as windows on top, centred, with focus.
type Desktop struct {
	App fyne.App
}

// Icon is qoltanba's icon as a fyne resource (windows, tray, about).
var Icon = fyne.NewStaticResource("qoltanba.png", icon.PNG)

// ConsentSize is the first-use question's size.
var ConsentSize = fyne.NewSize(640, 440)

// DialogSize is the signing dialog's size; it fits a 1366x768 screen with
// the taskbar, and nothing in it is clipped at this size.
var DialogSize = fyne.NewSize(720, 640)

func (d *Desktop) newWindow(title string) fyne.Window {
	w := d.App.NewWindow(title)
	w.SetIcon(Icon)
	return w
}

// OpenDialog shows the signing dialog of m.
func (d *Desktop) OpenDialog(ctx context.Context, m *ui.Dialog) (refresh, closeWin func(), err error) {
	var sw *signWindow
	fyne.DoAndWait(func() {
		win := d.newWindow(m.View().Title)
		sw = newSignWindow(ctx, m, win)
		win.Resize(DialogSize)
		win.CenterOnScreen()
		win.Show()
		win.RequestFocus()
	})
	return func() { fyne.Do(sw.refresh) }, func() { fyne.Do(func() { sw.win.Close() }) }, nil
}

// OpenConsent shows the first-use question.
func (d *Desktop) OpenConsent(v ui.ConsentView, pick func(agent.Consent)) (closeWin func(), err error) {
	var win fyne.Window
	fyne.DoAndWait(func() {
		win = d.newWindow(v.Title)
		showConsent(v, func(c agent.Consent) func() { return func() { pick(c) } }, win)
		win.SetCloseIntercept(func() { pick(agent.Dismiss) })
		win.Resize(ConsentSize)
		win.CenterOnScreen()
		win.Show()
		win.RequestFocus()
	})
	return func() { fyne.Do(func() { win.Close() }) }, nil
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

// OpenFileChooser shows fyne's file chooser in a window of its own.
func (d *Desktop) OpenFileChooser(title, ext, dir string, picked func(string)) (closeWin func()) {
	var win fyne.Window
	fyne.DoAndWait(func() {
		win = d.newWindow(title)
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			p := ""
			if err == nil && r != nil {
				p = r.URI().Path()
				r.Close()
			}
			picked(p)
		}, win)
		if ext != "" {
			fd.SetFilter(storage.NewExtensionFileFilter([]string{"." + ext}))
		}
		win.Resize(fyne.NewSize(700, 500))
		win.Show()
		fd.Show()
	})
	return func() { fyne.Do(func() { win.Close() }) }
}
