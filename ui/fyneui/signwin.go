package fyneui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/ui"
)

// signWindow draws a ui.Dialog: every refresh re-reads the model's View
// and updates the widgets; every widget event is a model call.
type signWindow struct {
	ctx context.Context
	m   *ui.Dialog
	win fyne.Window
	v   ui.View

	content    fyne.CanvasObject
	heading    *widget.Label
	header     *siteHeader
	waiting    *widget.Label
	docsHead   *widget.Label
	docsBtn    *escButton
	docsBody   *fyne.Container
	docTexts   []*widget.Label
	docSource  []*escButton
	stores     *fyne.Container
	storeBtns  []*escButton
	refreshB   *escButton
	storesNote *widget.Label
	pathRow    *fyne.Container
	path       *escEntry
	recentSel  *escSelect
	browse     *escButton
	secretRow  *fyne.Container
	secretLbl  *widget.Label
	secret     *escEntry
	load       *escButton
	message    *widget.Label
	keysTitle  *widget.Label
	keysHint   *widget.Label
	keys       *escList
	summary    *widget.Label
	progress   *widget.ProgressBar
	activity   *widget.ProgressBarInfinite
	status     *widget.Label
	sign       *escButton
	retry      *escButton
	cancel     *escButton

	focusSeq int
	stores0  []string
}

func newSignWindow(ctx context.Context, m *ui.Dialog, win fyne.Window) *signWindow {
	w := &signWindow{ctx: ctx, m: m, win: win, v: m.View(), focusSeq: -1}
	v := w.v
	esc := m.Cancel
	w.heading = widget.NewLabel(v.Heading)
	w.heading.TextStyle = fyne.TextStyle{Bold: true}
	w.heading.Wrapping = fyne.TextWrapWord
	w.header = newSiteHeader(v.Site)
	w.waiting = widget.NewLabel("")
	w.waiting.Importance = widget.LowImportance

	w.docsHead = widget.NewLabel("")
	w.docsHead.Truncation = fyne.TextTruncateEllipsis
	w.docsBtn = newEscButton("", m.ToggleDocs, esc)
	w.docsBtn.Importance = widget.LowImportance
	w.docsBody = container.NewVBox()
	var headExtra fyne.CanvasObject = w.docsBtn
	for i, d := range v.Docs {
		text := widget.NewLabel(d.Text)
		text.Wrapping = fyne.TextWrapWord
		text.TextStyle = fyne.TextStyle{Monospace: d.Mono}
		scroll := container.NewVScroll(text)
		scroll.SetMinSize(fyne.NewSize(0, 90))
		src := newEscButton(d.SourceLabel, func() { m.ToggleSource(i); w.refresh() }, esc)
		src.Importance = widget.LowImportance
		if !d.HasSource {
			src.Hide()
		}
		w.docTexts, w.docSource = append(w.docTexts, text), append(w.docSource, src)
		if len(v.Docs) == 1 {
			// One document: its "show source" sits in the header row.
			headExtra = container.NewHBox(src, w.docsBtn)
			w.docsBody.Add(scroll)
			continue
		}
		title := widget.NewLabel(d.Title)
		title.TextStyle = fyne.TextStyle{Bold: true}
		w.docsBody.Add(container.NewBorder(container.NewBorder(nil, nil, nil, src, title), nil, nil, nil, scroll))
	}
	docs := container.NewVBox(container.NewBorder(nil, nil, nil, headExtra, w.docsHead), w.docsBody)

	w.stores = container.NewHBox()
	w.refreshB = newEscButton("", func() { m.Rescan(ctx); w.refresh() }, esc)
	w.refreshB.Importance = widget.LowImportance
	w.path = newEscEntry(false, esc)
	w.path.OnChanged = m.SetPath
	w.path.OnSubmitted = func(string) { w.win.Canvas().Focus(w.secret) }
	w.recentSel = newEscSelect(func(p string) {
		if p != "" {
			m.PickedFile(p)
			w.refresh()
		}
	}, esc)
	w.browse = newEscButton("", w.pickFile, esc)
	w.pathRow = container.NewBorder(nil, nil, nil, container.NewHBox(w.recentSel, w.browse), w.path)
	w.secretLbl = widget.NewLabel("")
	w.secret = newEscEntry(true, esc)
	w.secret.OnSubmitted = func(string) { w.doLoad() } // Enter loads keys; it never signs
	w.load = newEscButton("", w.doLoad, esc)
	w.secretRow = container.NewBorder(nil, nil, w.secretLbl, w.load, w.secret)
	w.message = widget.NewLabel("")
	w.message.Wrapping = fyne.TextWrapWord
	w.storesNote = widget.NewLabel("")
	w.storesNote.Importance = widget.LowImportance
	w.storesNote.Wrapping = fyne.TextWrapWord
	storeBox := container.NewVBox(container.NewBorder(nil, nil, nil, w.refreshB, w.stores), w.storesNote, w.pathRow, w.secretRow, w.message)

	w.keysTitle = widget.NewLabel("")
	w.keysTitle.TextStyle = fyne.TextStyle{Bold: true}
	w.keysHint = widget.NewLabel("")
	w.keysHint.Importance = widget.LowImportance
	w.keysHint.Wrapping = fyne.TextWrapWord
	w.keys = &escList{onEsc: esc}
	w.keys.Length = func() int { return len(w.v.Keys) }
	w.keys.CreateItem = func() fyne.CanvasObject {
		r := widget.NewRichText()
		r.Truncation = fyne.TextTruncateEllipsis
		return r
	}
	w.keys.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(w.v.Keys) {
			w.fillKey(o.(*widget.RichText), w.v.Keys[i], i == w.v.Key)
		}
	}
	w.keys.OnSelected = func(i widget.ListItemID) {
		if !m.SelectKey(i) {
			w.keys.Unselect(i)
		}
		w.refresh()
	}
	w.keys.ExtendBaseWidget(w.keys)

	w.summary = widget.NewLabel("")
	w.summary.TextStyle = fyne.TextStyle{Bold: true}
	w.summary.Wrapping = fyne.TextWrapWord
	w.progress = widget.NewProgressBar()
	w.activity = widget.NewProgressBarInfinite()
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.sign = newEscButton("", func() { m.Sign(ctx); w.refresh() }, esc)
	w.sign.Importance = widget.HighImportance
	w.retry = newEscButton("", func() { m.Retry(ctx); w.refresh() }, esc)
	w.cancel = newEscButton("", m.Cancel, esc)
	// Platform order: Cancel on the left of the primary action, which is
	// on the right; neither is the default for Enter.
	buttons := container.NewHBox(layout.NewSpacer(), w.cancel, w.retry, w.sign)
	footer := container.NewVBox(w.summary, container.NewStack(w.progress, w.activity), w.status, buttons)

	top := container.NewVBox(w.heading, w.header.box, w.waiting, widget.NewSeparator(), docs, widget.NewSeparator(), storeBox)
	keys := container.NewBorder(container.NewVBox(w.keysTitle, w.keysHint), nil, nil, nil, w.keys)
	w.content = container.NewBorder(top, footer, nil, nil, keys)

	win.SetTitle(v.Title)
	win.SetContent(w.content)
	// Esc anywhere (the controls pass it on), closing the window: cancel.
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			m.Cancel()
		}
	})
	win.SetCloseIntercept(m.Cancel)
	w.refresh()
	return w
}

// fillKey writes a key row: the owner in bold, its facts, and the reason
// it cannot be chosen in red on a line of its own.
func (w *signWindow) fillKey(r *widget.RichText, k ui.KeyRow, selected bool) {
	lines := k.Lines()
	segs := make([]widget.RichTextSegment, 0, len(lines))
	for j, l := range lines {
		st := widget.RichTextStyleParagraph
		st.Inline = false
		switch {
		case j == 0:
			st.TextStyle = fyne.TextStyle{Bold: true}
		case k.Reason != "" && j == len(lines)-1:
			st.ColorName = theme.ColorNameError
		}
		if !k.Selectable && j < len(lines)-1 {
			st.ColorName = theme.ColorNameDisabled
		}
		if selected && j == len(lines)-1 && k.Reason == "" {
			l = strings.Replace(l, k.Serial, k.SerialFull, 1)
		}
		segs = append(segs, &widget.TextSegment{Text: l, Style: st})
	}
	r.Segments = segs
	r.Refresh()
}

func (w *signWindow) pickFile() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			w.m.PickedFile(r.URI().Path())
			r.Close()
			w.refresh()
		}
	}, w.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".p12", ".pfx", ".P12", ".PFX"}))
	fd.Show()
}

func (w *signWindow) doLoad() {
	secret := []byte(w.secret.Text)
	w.secret.SetText("") // nothing typed stays in the widget
	w.m.Load(w.ctx, secret)
	w.keys.UnselectAll()
	w.refresh()
	if v := w.v; v.Key >= 0 {
		w.keys.Select(v.Key)
	}
}

// refresh redraws from the model's View.
func (w *signWindow) refresh() {
	v := w.m.View()
	w.v = v
	w.win.SetTitle(v.Title)
	w.heading.SetText(v.Heading)
	w.header.set(v.Site)
	setText(w.waiting, v.Waiting)

	w.docsHead.SetText(v.DocsTitle + ": " + v.DocsSummary)
	if v.DocsOpen {
		w.docsBtn.SetText("▴")
		w.docsBody.Show()
	} else {
		w.docsBtn.SetText("▾")
		w.docsBody.Hide()
	}
	for i, d := range v.Docs {
		if w.docTexts[i].Text != d.Text {
			w.docTexts[i].SetText(d.Text)
		}
		w.docTexts[i].TextStyle = fyne.TextStyle{Monospace: d.Mono}
		w.docSource[i].SetText(d.SourceLabel)
	}

	if strings.Join(v.Stores, "\n") != strings.Join(w.stores0, "\n") {
		w.stores0 = v.Stores
		w.stores.RemoveAll()
		w.storeBtns = nil
		for i, label := range v.Stores {
			b := newEscButton(label, func() { w.m.SelectStore(i); w.refresh() }, w.m.Cancel)
			w.storeBtns = append(w.storeBtns, b)
			w.stores.Add(b)
		}
	}
	for i, b := range w.storeBtns {
		mark := "○ "
		b.Importance = widget.LowImportance
		if i == v.Store {
			mark = "● "
			b.Importance = widget.MediumImportance
		}
		b.SetText(mark + v.Stores[i])
	}
	if v.Refresh == "" {
		w.refreshB.Hide()
	} else {
		w.refreshB.SetText(v.Refresh)
		w.refreshB.Show()
	}
	setText(w.storesNote, v.StoresNote)
	w.path.SetPlaceHolder(v.PathLabel)
	if w.path.Text != v.Path {
		w.path.SetText(v.Path)
	}
	w.recentSel.PlaceHolder = v.RecentLabel
	w.recentSel.SetOptions(v.Recent)
	w.browse.SetText(v.BrowseLabel)
	show(w.pathRow, v.ShowPath)
	show(w.recentSel, len(v.Recent) > 0)
	w.secretLbl.SetText(v.SecretLabel)
	w.secret.SetPlaceHolder(v.SecretHint)
	w.load.SetText(v.LoadLabel)
	show(w.secretRow, v.ShowSecret)
	w.message.Importance = widget.MediumImportance
	if v.MessageIsError {
		w.message.Importance = widget.DangerImportance
	}
	setText(w.message, v.Message)

	w.keysTitle.SetText(v.KeysTitle)
	setText(w.keysHint, v.KeysHint)
	for i, k := range v.Keys {
		w.keys.SetItemHeight(i, keyRowHeight(len(k.Lines())))
	}
	w.keys.Refresh()
	setText(w.summary, v.Summary)

	w.sign.SetText(v.SignLabel)
	w.cancel.SetText(v.CancelLabel)
	w.retry.SetText(v.RetryLabel)
	enable(w.sign, v.CanSign)
	show(w.retry, v.Phase == ui.PhaseFailed && v.CanRetry)
	show(w.sign, v.Phase != ui.PhaseFailed)
	choosing := v.Phase == ui.PhaseChoose
	for _, c := range []fyne.Disableable{w.path, w.secret, w.load, w.browse, w.recentSel} {
		enable(c, choosing)
	}
	show(w.progress, v.Phase == ui.PhaseSigned || (v.Phase == ui.PhaseSigning && v.Progress >= 0))
	show(w.activity, v.Phase == ui.PhaseSigning && v.Progress < 0)
	if v.Progress >= 0 {
		w.progress.SetValue(v.Progress)
	}
	w.status.Importance = widget.MediumImportance
	switch v.Phase {
	case ui.PhaseSigned:
		w.status.Importance = widget.SuccessImportance
	case ui.PhaseFailed:
		w.status.Importance = widget.DangerImportance
	}
	setText(w.status, v.Status)

	targets := map[ui.Focus]fyne.Focusable{ui.FocusPath: w.path, ui.FocusSecret: w.secret, ui.FocusKeys: w.keys,
		ui.FocusSign: w.sign, ui.FocusRetry: w.retry}
	w.focusSeq = ui.MoveFocus(v, w.focusSeq, targets, func(t fyne.Focusable) bool {
		d, ok := t.(fyne.Disableable)
		return !ok || !d.Disabled()
	}, w.win.Canvas().Focus)
}

// keyRowHeight fits n lines of text with the list's padding.
func keyRowHeight(n int) float32 {
	lh := fyne.MeasureText("ЖgЙ", theme.TextSize(), fyne.TextStyle{}).Height
	return float32(n)*(lh+theme.Size(theme.SizeNameLineSpacing)) + 2*theme.Size(theme.SizeNameInnerPadding)
}

func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
	show(l, s != "")
}

func show(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

func enable(d fyne.Disableable, on bool) {
	if on && d.Disabled() {
		d.Enable()
	} else if !on && !d.Disabled() {
		d.Disable()
	}
}
