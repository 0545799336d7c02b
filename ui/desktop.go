package ui

import (
	"context"
	"image/color"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
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

func (d *Desktop) recent() *RecentFiles { return &RecentFiles{Prefs: d.App.Preferences()} }

func (d *Desktop) busy(b bool) {
	if d.OnBusy != nil {
		d.OnBusy(b)
	}
}

// signDialog holds the widgets of one signing dialog (tests inspect them).
type signDialog struct {
	m         *dialogModel
	content   fyne.CanvasObject
	origin    *canvas.Text
	action    *widget.Label
	waiting   *widget.Label
	stores    *widget.RadioGroup
	path      *widget.Entry
	recentSel *widget.Select
	browse    *widget.Button
	secret    *widget.Entry
	load      *widget.Button
	message   *widget.Label
	keys      *widget.List
	sign      *widget.Button
	cancel    *widget.Button

	once sync.Once
	done func(*agent.KeyOption, error)
}

// newSignDialog builds the dialog into win. done is called once, with the
// approved key or ErrCanceled.
func newSignDialog(ctx context.Context, m *dialogModel, win fyne.Window, done func(*agent.KeyOption, error)) *signDialog {
	d := &signDialog{m: m, done: done}
	d.origin = canvas.NewText(m.origin(), theme.Color(theme.ColorNamePrimary))
	d.origin.TextSize = 24
	d.origin.TextStyle = fyne.TextStyle{Bold: true}
	d.action = widget.NewLabel(m.t("asks", m.origin()) + " " + m.action())
	d.action.Wrapping = fyne.TextWrapWord
	d.waiting = widget.NewLabel("") // kept current by refresh
	header := container.NewVBox(d.origin, d.action, d.waiting)
	if logo := m.s.Request.Logo; len(logo) > 0 {
		img := canvas.NewImageFromResource(fyne.NewStaticResource("logo", logo))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(64, 64))
		header = container.NewVBox(img, header)
	}

	var docs []*widget.AccordionItem
	for i := range m.s.Docs {
		txt := widget.NewLabel(m.docText(i))
		txt.Wrapping = fyne.TextWrapWord
		txt.TextStyle = fyne.TextStyle{Monospace: m.s.Docs[i].Kind == agent.DocXML}
		scroll := container.NewVScroll(txt)
		scroll.SetMinSize(fyne.NewSize(0, 140))
		docs = append(docs, widget.NewAccordionItem(m.t("what")+" "+strconv.Itoa(i+1), scroll))
	}
	what := widget.NewAccordion(docs...)
	if len(docs) == 1 {
		what.Open(0)
	}

	labels := make([]string, len(m.stores))
	for i := range m.stores {
		labels[i] = m.storeLabel(i)
	}
	d.path = widget.NewEntry()
	d.path.SetPlaceHolder(m.t("path"))
	d.path.OnChanged = func(s string) { m.mu.Lock(); m.path = s; m.mu.Unlock() }
	var recentList []string
	if m.recent != nil {
		recentList = m.recent.List()
	}
	d.recentSel = widget.NewSelect(recentList, func(p string) { d.path.SetText(p) })
	d.recentSel.PlaceHolder = m.t("recent")
	if len(recentList) > 0 {
		d.path.SetText(recentList[0])
	}
	d.browse = widget.NewButton(m.t("browse"), func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				d.path.SetText(r.URI().Path())
				r.Close()
			}
		}, win)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".p12", ".pfx", ".P12", ".PFX"}))
		fd.Show()
	})
	d.secret = widget.NewPasswordEntry()
	d.message = widget.NewLabel("")
	d.message.Importance = widget.DangerImportance
	d.load = widget.NewButton(m.t("load"), func() { d.doLoad(ctx) })
	d.secret.OnSubmitted = func(string) { d.doLoad(ctx) }
	d.stores = widget.NewRadioGroup(labels, func(sel string) {
		for i, l := range labels {
			if l == sel {
				m.selectStore(i)
			}
		}
		d.refresh()
	})
	d.keys = widget.NewList(func() int { m.mu.Lock(); defer m.mu.Unlock(); return len(m.keys) },
		func() fyne.CanvasObject { l := widget.NewLabel(""); l.Wrapping = fyne.TextWrapWord; return l },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(m.keyText(i))
			switch {
			case m.expired(i):
				l.Importance = widget.DangerImportance // expired in red
			case m.keys[i].Selectable:
				l.Importance = widget.MediumImportance
			default:
				l.Importance = widget.LowImportance // greyed
			}
			l.Refresh()
		})
	d.keys.OnSelected = func(i widget.ListItemID) {
		if !m.selectKey(i) {
			d.keys.Unselect(i)
		}
		d.refresh()
	}
	d.sign = widget.NewButton(m.t("sign"), func() {
		if k := m.chosen(); k != nil && m.canSign() {
			d.finish(k, nil)
		}
	})
	d.sign.Importance = widget.HighImportance
	d.cancel = widget.NewButton(m.t("cancel"), func() { d.finish(nil, agent.ErrCanceled) })

	storeBox := container.NewVBox(widget.NewLabel(m.t("store")), d.stores,
		container.NewBorder(nil, nil, nil, container.NewHBox(d.recentSel, d.browse), d.path),
		container.NewBorder(nil, nil, widget.NewLabel(m.t("password")), d.load, d.secret), d.message)
	keysBox := container.NewBorder(widget.NewLabel(m.t("keys")), nil, nil, nil, d.keys)
	buttons := container.NewHBox(layoutSpacer(), d.cancel, d.sign)
	body := container.NewVSplit(container.NewVBox(what, storeBox), keysBox)
	d.content = container.NewBorder(header, buttons, nil, nil, body)
	if len(labels) > 0 {
		d.stores.SetSelected(labels[0])
	}
	// Esc and closing the window cancel; Enter never signs (Sign is not
	// the default button, and Enter in the password field loads keys).
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			d.finish(nil, agent.ErrCanceled)
		}
	})
	win.SetCloseIntercept(func() { d.finish(nil, agent.ErrCanceled) })
	win.SetContent(d.content)
	d.refresh()
	// Keyboard first: the path (or, for a token, the PIN) has the focus.
	if d.m.isKeyFile() {
		win.Canvas().Focus(d.path)
	} else {
		win.Canvas().Focus(d.secret)
	}
	return d
}

func layoutSpacer() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	return container.NewStack(r)
}

func (d *signDialog) doLoad(ctx context.Context) {
	secret := []byte(d.secret.Text)
	d.secret.SetText("") // nothing typed stays in the widget
	d.m.load(ctx, secret)
	d.keys.UnselectAll()
	d.keys.Refresh()
	d.refresh()
}

// refresh updates what depends on the model: the message, the secret's
// label, Sign's state.
func (d *signDialog) refresh() {
	d.m.mu.Lock()
	msg := d.m.message
	d.m.mu.Unlock()
	d.message.SetText(msg)
	if n := d.m.s.Waiting(); n > 0 {
		d.waiting.SetText(d.m.t("waiting", n))
	} else {
		d.waiting.SetText("")
	}
	keyFile := d.m.isKeyFile()
	if keyFile {
		d.path.Show()
		d.browse.Show()
		d.recentSel.Show()
		d.secret.SetPlaceHolder(d.m.t("password"))
	} else {
		d.path.Hide()
		d.browse.Hide()
		d.recentSel.Hide()
		d.secret.SetPlaceHolder(d.m.t("pin"))
	}
	if d.m.canSign() {
		d.sign.Enable()
	} else {
		d.sign.Disable()
	}
}

func (d *signDialog) finish(k *agent.KeyOption, err error) {
	d.once.Do(func() { d.done(k, err) })
}

func (d *Desktop) locale(r *agent.Request) string {
	if l := NormalizeLocale(r.Locale); l != "" {
		return l
	}
	if d.Locale != nil {
		return d.Locale()
	}
	return SystemLocale()
}

// Choose shows the signing dialog and waits for Sign, Cancel, Esc, or ctx.
func (d *Desktop) Choose(ctx context.Context, s *agent.Session) (*agent.KeyOption, error) {
	type result struct {
		k   *agent.KeyOption
		err error
	}
	res := make(chan result, 1)
	var win fyne.Window
	d.busy(true)
	defer d.busy(false)
	m := newDialogModel(ctx, s, d.locale(s.Request), d.Delay, nil)
	m.recent = d.recent()
	fyne.DoAndWait(func() {
		// The window title names the site too (task switchers show it).
		win = d.App.NewWindow("qoltanba: " + m.origin())
		dlg := newSignDialog(ctx, m, win, func(k *agent.KeyOption, err error) { res <- result{k, err} })
		win.Resize(fyne.NewSize(720, 640))
		win.CenterOnScreen()
		win.Show()
		win.RequestFocus()
		// Sign becomes possible after the delay: re-check then.
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					fyne.Do(dlg.refresh)
				}
			}
		}()
	})
	defer fyne.Do(func() { win.Close() })
	select {
	case r := <-res:
		return r.k, r.err
	case <-ctx.Done():
		return nil, agent.ErrCanceled
	}
}

// Consent asks about a site seen for the first time.
func (d *Desktop) Consent(ctx context.Context, o agent.Origin, locale string) (agent.Consent, error) {
	l := NormalizeLocale(locale)
	if l == "" {
		l = d.locale(&agent.Request{})
	}
	res := make(chan agent.Consent, 1)
	var win fyne.Window
	d.busy(true)
	defer d.busy(false)
	fyne.DoAndWait(func() {
		win = d.App.NewWindow(T(l, "title"))
		origin := o.String()
		if o.IsLocal() {
			origin = T(l, "local-program")
		}
		q := widget.NewLabel(T(l, "consent", origin))
		q.Wrapping = fyne.TextWrapWord
		pick := func(c agent.Consent) func() {
			return func() {
				select {
				case res <- c:
				default:
				}
			}
		}
		block := widget.NewButton(T(l, "block"), pick(agent.Block))
		block.Importance = widget.DangerImportance
		win.SetContent(container.NewVBox(q, container.NewHBox(
			widget.NewButton(T(l, "allow-once"), pick(agent.AllowOnce)),
			widget.NewButton(T(l, "allow-always"), pick(agent.AllowAlways)), block)))
		win.SetCloseIntercept(func() { pick(agent.Block)() })
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

// ChooseFile shows a file chooser.
func (d *Desktop) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	res := make(chan string, 1)
	var win fyne.Window
	fyne.DoAndWait(func() {
		win = d.App.NewWindow(o.String())
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
