//go:build windows

package winui

import (
	"context"
	"strings"

	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/ui"
)

// signDlg draws a ui.Dialog with Win32 controls: every refresh re-reads the
// model's View and updates the controls; every control event is a model
// call. It lives on the GUI thread.
type signDlg struct {
	ctx context.Context
	m   *ui.Dialog
	dlg *walk.Dialog
	v   ui.View

	heading, waiting *walk.TextLabel
	site             *siteHeader

	docsHead   *walk.TextLabel
	docsToggle *walk.PushButton
	sourceBtn  *walk.PushButton
	docsText   *walk.TextEdit

	stores     *walk.Composite
	storeRBs   []*walk.RadioButton
	storesKey  string
	refreshB   *walk.PushButton
	storesNote *walk.TextLabel

	pathRow   *walk.Composite
	path      *walk.LineEdit
	browse    *walk.PushButton
	secretRow *walk.Composite
	secretLbl *walk.Label
	secret    *walk.LineEdit
	load      *walk.PushButton
	message   *walk.TextLabel

	keysTitle *walk.TextLabel
	keysHint  *walk.TextLabel
	keysView  *walk.ScrollView
	keyRBs    []*walk.RadioButton
	keysKey   string

	summary  *walk.TextLabel
	progress *walk.ProgressBar
	status   *walk.TextLabel
	cancel   *walk.PushButton
	retry    *walk.PushButton
	sign     *walk.PushButton

	focusSeq int
	updating bool
}

// SignSize is the dialog's size in 96-DPI pixels (Windows scales it).
var SignSize = walk.Size{Width: 720, Height: 640}

func newSignDlg(ctx context.Context, owner walk.Form, ic *walk.Icon, m *ui.Dialog) (*signDlg, error) {
	d := &signDlg{ctx: ctx, m: m, focusSeq: -1}
	v := m.View()
	dlg, lay, err := newDialog(owner, ic, v.Title)
	if err != nil {
		return nil, err
	}
	d.dlg = dlg
	lay.SetSpacing(4)
	d.heading = label(dlg, v.Heading, 10, walk.FontBold, colorText)
	d.site = newSiteHeader(dlg, false)
	d.waiting = label(dlg, "", 9, 0, colorMuted)

	docsRow := row(dlg)
	d.docsHead = label(docsRow, "", 9, 0, colorText)
	d.sourceBtn = button(docsRow, "", func() { m.ToggleSource(0); d.refresh() })
	d.docsToggle = button(docsRow, "", func() { m.ToggleDocs(); d.refresh() })
	d.docsToggle.SetMinMaxSize(walk.Size{Width: 36}, walk.Size{Width: 36})
	d.docsText, _ = walk.NewTextEdit(dlg)
	d.docsText.SetReadOnly(true)
	d.docsText.SetMinMaxSize(walk.Size{Height: 90}, walk.Size{Height: 120})

	storesRow := row(dlg)
	d.stores = row(storesRow)
	walk.NewHSpacer(storesRow)
	d.refreshB = button(storesRow, "", func() { m.Rescan(ctx); d.refresh() })
	d.storesNote = label(dlg, "", 9, 0, colorMuted)

	d.pathRow = row(dlg)
	d.path, _ = walk.NewLineEdit(d.pathRow)
	d.path.TextChanged().Attach(func() {
		if !d.updating {
			m.SetPath(d.path.Text())
		}
	})
	d.path.KeyDown().Attach(func(k walk.Key) {
		if k == walk.KeyReturn {
			d.secret.SetFocus()
		}
	})
	d.browse = button(d.pathRow, "", d.pickFile)

	d.secretRow = row(dlg)
	d.secretLbl, _ = walk.NewLabel(d.secretRow)
	d.secret, _ = walk.NewLineEdit(d.secretRow)
	d.secret.SetPasswordMode(true)
	d.secret.KeyDown().Attach(func(k walk.Key) {
		if k == walk.KeyReturn { // Enter loads the keys; it never signs
			d.doLoad()
		}
	})
	d.load = button(d.secretRow, "", d.doLoad)
	d.message = label(dlg, "", 9, 0, colorDanger)

	d.keysTitle = label(dlg, "", 10, walk.FontBold, colorText)
	d.keysHint = label(dlg, "", 9, 0, colorMuted)
	d.keysView, _ = walk.NewScrollView(dlg)
	keysLay := walk.NewVBoxLayout()
	keysLay.SetAlignment(walk.AlignHNearVNear)
	d.keysView.SetLayout(keysLay)
	d.keysView.SetMinMaxSize(walk.Size{Height: 120}, walk.Size{})
	// The room left over goes to the keys, or below everything while
	// there are none (not between the lines).
	spacer, _ := walk.NewVSpacer(dlg)
	lay.SetStretchFactor(d.keysView, 10)
	lay.SetStretchFactor(spacer, 1)
	d.summary = label(dlg, "", 10, walk.FontBold, colorText)
	d.progress, _ = walk.NewProgressBar(dlg)
	d.status = label(dlg, "", 9, 0, colorText)
	buttons := row(dlg)
	walk.NewHSpacer(buttons)
	// Platform order: Cancel on the left of the primary action on the
	// right; no default button, so Enter never signs.
	d.cancel = button(buttons, "", m.Cancel)
	d.retry = button(buttons, "", func() { m.Retry(ctx); d.refresh() })
	d.sign = button(buttons, "", func() { m.Sign(ctx); d.refresh() })
	dlg.SetCancelButton(d.cancel) // Esc, from any control
	dlg.Closing().Attach(func(canceled *bool, _ walk.CloseReason) { m.Cancel() })
	dlg.SetMinMaxSize(SignSize, walk.Size{})
	for i := 0; i < dlg.Children().Len(); i++ {
		repaintWhenMoved(dlg.Children().At(i))
	}
	d.refresh()
	return d, nil
}

func (d *signDlg) pickFile() {
	fd := &walk.FileDialog{Filter: "PKCS#12 (*.p12;*.pfx)|*.p12;*.pfx|*.*|*.*"}
	if ok, _ := fd.ShowOpen(d.dlg); ok {
		d.m.PickedFile(fd.FilePath)
		d.refresh()
	}
}

func (d *signDlg) doLoad() {
	secret := []byte(d.secret.Text())
	d.secret.SetText("") // nothing typed stays in the control
	d.m.Load(d.ctx, secret)
	d.refresh()
}

// refresh redraws from the model's View.
func (d *signDlg) refresh() {
	d.updating = true
	defer func() { d.updating = false }()
	v := d.m.View()
	d.v = v
	d.dlg.SetTitle(v.Title)
	setText(d.heading, v.Heading)
	d.site.set(v.Site)
	setText(d.waiting, v.Waiting)

	setText(d.docsHead, v.DocsTitle+": "+v.DocsSummary)
	if v.DocsOpen {
		d.docsToggle.SetText("▴")
	} else {
		d.docsToggle.SetText("▾")
	}
	var texts []string
	for _, doc := range v.Docs {
		t := doc.Text
		if len(v.Docs) > 1 {
			t = doc.Title + "\r\n" + t
		}
		texts = append(texts, strings.ReplaceAll(t, "\n", "\r\n"))
	}
	if all := strings.Join(texts, "\r\n\r\n"); d.docsText.Text() != all {
		d.docsText.SetText(all)
	}
	d.docsText.SetVisible(v.DocsOpen)
	d.sourceBtn.SetVisible(len(v.Docs) == 1 && v.Docs[0].HasSource)
	if len(v.Docs) == 1 {
		d.sourceBtn.SetText(v.Docs[0].SourceLabel)
	}

	if key := strings.Join(v.Stores, "\n"); key != d.storesKey {
		d.storesKey = key
		for _, rb := range d.storeRBs {
			rb.Dispose()
		}
		d.storeRBs = nil
		for i, s := range v.Stores {
			rb, _ := walk.NewRadioButton(d.stores)
			rb.SetText(s)
			rb.Clicked().Attach(func() {
				if !d.updating {
					d.m.SelectStore(i)
					d.refresh()
				}
			})
			repaintWhenMoved(rb)
			d.storeRBs = append(d.storeRBs, rb)
		}
	}
	for i, rb := range d.storeRBs {
		rb.SetChecked(i == v.Store)
	}
	d.refreshB.SetText(v.Refresh)
	d.refreshB.SetVisible(v.Refresh != "")
	setText(d.storesNote, v.StoresNote)
	if d.path.Text() != v.Path {
		d.path.SetText(v.Path)
	}
	d.path.SetCueBanner(v.PathLabel)
	d.browse.SetText(v.BrowseLabel)
	d.pathRow.SetVisible(v.ShowPath)
	d.secretLbl.SetText(v.SecretLabel)
	d.secret.SetCueBanner(v.SecretHint)
	d.load.SetText(v.LoadLabel)
	d.secretRow.SetVisible(v.ShowSecret)
	if v.MessageIsError {
		d.message.SetTextColor(colorDanger)
	} else {
		d.message.SetTextColor(colorText)
	}
	setText(d.message, v.Message)

	setText(d.keysTitle, v.KeysTitle)
	setText(d.keysHint, v.KeysHint)
	var rows []string
	for _, k := range v.Keys {
		rows = append(rows, strings.Join(k.Lines(), "\n"))
	}
	if key := strings.Join(rows, "\x00"); key != d.keysKey {
		d.keysKey = key
		for d.keysView.Children().Len() > 0 {
			d.keysView.Children().At(0).Dispose()
		}
		d.keyRBs = nil
		for i, k := range v.Keys {
			d.addKey(i, k)
		}
	}
	for i, rb := range d.keyRBs {
		rb.SetChecked(i == v.Key)
	}
	d.keysView.SetVisible(len(v.Keys) > 0)
	setText(d.summary, v.Summary)

	d.sign.SetText(v.SignLabel)
	d.cancel.SetText(v.CancelLabel)
	d.retry.SetText(v.RetryLabel)
	d.sign.SetEnabled(v.CanSign)
	d.sign.SetVisible(v.Phase != ui.PhaseFailed)
	d.retry.SetVisible(v.Phase == ui.PhaseFailed && v.CanRetry)
	choosing := v.Phase == ui.PhaseChoose
	for _, w := range []walk.Widget{d.path, d.secret, d.load, d.browse} {
		w.SetEnabled(choosing)
	}
	d.progress.SetVisible(v.Phase == ui.PhaseSigning || v.Phase == ui.PhaseSigned)
	if v.Phase == ui.PhaseSigning && v.Progress < 0 {
		d.progress.SetMarqueeMode(true)
	} else {
		d.progress.SetMarqueeMode(false)
		d.progress.SetRange(0, 100)
		d.progress.SetValue(int(v.Progress * 100))
	}
	switch v.Phase {
	case ui.PhaseSigned:
		d.status.SetTextColor(colorSuccess)
	case ui.PhaseFailed:
		d.status.SetTextColor(colorDanger)
	default:
		d.status.SetTextColor(colorText)
	}
	setText(d.status, v.Status)

	targets := map[ui.Focus]walk.Widget{ui.FocusPath: d.path, ui.FocusSecret: d.secret, ui.FocusSign: d.sign, ui.FocusRetry: d.retry}
	if len(d.keyRBs) > 0 {
		targets[ui.FocusKeys] = d.keyRBs[0]
	}
	d.focusSeq = ui.MoveFocus(v, d.focusSeq, targets, walk.Widget.Enabled, func(t walk.Widget) { t.SetFocus() })
}

// addKey adds key i: a radio button with the owner, the facts under it,
// and a reason in red when it cannot be chosen.
func (d *signDlg) addKey(i int, k ui.KeyRow) {
	box, _ := walk.NewComposite(d.keysView)
	lay := walk.NewVBoxLayout()
	lay.SetAlignment(walk.AlignHNearVNear)
	lay.SetMargins(walk.Margins{HNear: 2, VNear: 4, HFar: 2, VFar: 4})
	lay.SetSpacing(0)
	box.SetLayout(lay)
	lines := k.Lines()
	rb, _ := walk.NewRadioButton(box)
	rb.SetText(lines[0])
	if f := font(9, walk.FontBold); f != nil {
		rb.SetFont(f)
	}
	rb.SetEnabled(k.Selectable)
	rb.Clicked().Attach(func() {
		if !d.updating {
			d.m.SelectKey(i)
			d.refresh()
		}
	})
	d.keyRBs = append(d.keyRBs, rb)
	for j, l := range lines[1:] {
		c := colorText
		switch {
		case k.Reason != "" && j == len(lines)-2:
			c = colorDanger
		case !k.Selectable:
			c = colorMuted
		}
		label(box, "    "+l, 9, 0, c)
	}
	repaintWhenMoved(box)
}
