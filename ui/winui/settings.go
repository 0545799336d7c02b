//go:build windows

package winui

import (
	"strings"

	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/ui"
)

// settingsDlg draws a ui.Settings with Win32 controls: a row a field (a
// list to pick from, a line to type in, or read-only text), its note or
// error under it, the status after Save, and Save (the default button:
// Enter saves) and Close (Esc). Edits go to the model as they are typed;
// Save is the model's. It lives on the GUI thread.
type settingsDlg struct {
	m      *ui.Settings
	dlg    *walk.Dialog
	notes  map[ui.SettingKey]*walk.TextLabel
	status *walk.TextLabel
	saved  func()
	// first is the first control the user can change: it gets the focus.
	first walk.Widget
}

// SettingsSize is the settings window's size in 96-DPI pixels.
var SettingsSize = walk.Size{Width: 700, Height: 520}

func newSettingsDlg(ic *walk.Icon, m *ui.Settings, saved func()) (*settingsDlg, error) {
	d := &settingsDlg{m: m, notes: map[ui.SettingKey]*walk.TextLabel{}, saved: saved}
	v := m.View()
	dlg, lay, err := newDialog(nil, ic, v.Title)
	if err != nil {
		return nil, err
	}
	d.dlg = dlg
	lay.SetSpacing(4)
	if v.Managed != "" {
		label(dlg, v.Managed, 9, walk.FontItalic, colorMuted)
	}
	for _, f := range v.Fields {
		label(dlg, f.Label, 9, walk.FontBold, colorText)
		w := d.input(f)
		if d.first == nil && !f.ReadOnly {
			d.first = w
		}
		d.notes[f.Key] = label(dlg, "", 9, 0, colorMuted)
	}
	walk.NewVSpacer(dlg)
	d.status = label(dlg, "", 9, walk.FontBold, colorText)
	buttons := row(dlg)
	walk.NewHSpacer(buttons)
	save := button(buttons, v.Save, d.save)
	closeB := button(buttons, v.Close, func() { dlg.Close(walk.DlgCmdCancel) })
	dlg.SetDefaultButton(save)
	dlg.SetCancelButton(closeB)
	dlg.SetMinMaxSize(SettingsSize, walk.Size{})
	for i := 0; i < dlg.Children().Len(); i++ {
		repaintWhenMoved(dlg.Children().At(i))
	}
	d.refresh()
	return d, nil
}

// input is the control of one field, its events forwarded to the model.
func (d *settingsDlg) input(f ui.SettingField) walk.Widget {
	key := f.Key
	switch {
	case len(f.Choices) > 0:
		cb, _ := walk.NewDropDownBox(d.dlg)
		var names []string
		current := -1
		for i, c := range f.Choices {
			names = append(names, c.Label)
			if c.Value == f.Value {
				current = i
			}
		}
		cb.SetModel(names)
		cb.SetCurrentIndex(current)
		cb.CurrentIndexChanged().Attach(func() {
			if i := cb.CurrentIndex(); i >= 0 {
				d.m.Set(key, f.Choices[i].Value)
			}
		})
		cb.SetEnabled(!f.ReadOnly)
		return cb
	case f.Lines:
		te, _ := walk.NewTextEdit(d.dlg)
		te.SetReadOnly(true)
		te.SetText(strings.ReplaceAll(f.Value, "\n", "\r\n"))
		te.SetMinMaxSize(walk.Size{Height: 48}, walk.Size{Height: 90})
		return te
	}
	le, _ := walk.NewLineEdit(d.dlg)
	le.SetText(f.Value)
	le.SetReadOnly(f.ReadOnly)
	le.TextChanged().Attach(func() { d.m.Set(key, le.Text()) })
	return le
}

func (d *settingsDlg) save() {
	ok := d.m.Save()
	d.refresh()
	if ok && d.saved != nil {
		d.saved()
	}
}

// refresh redraws the notes, errors and status from the model's View.
func (d *settingsDlg) refresh() {
	v := d.m.View()
	for _, f := range v.Fields {
		n := d.notes[f.Key]
		if f.Error != "" {
			n.SetTextColor(colorDanger)
			setText(n, f.Error)
		} else {
			n.SetTextColor(colorMuted)
			setText(n, f.Note)
		}
	}
	d.status.SetTextColor(toneColors[ui.ToneSuccess])
	if v.StatusIsError {
		d.status.SetTextColor(colorDanger)
	}
	setText(d.status, v.Status)
}
