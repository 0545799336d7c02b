package fyneui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/ui"
)

// settingsForm draws a ui.Settings: a row a field (a list to pick from, a
// line to type in, or a text shown greyed), its note or error under it,
// the status after Save, and Save and Close. Edits go to the model as they
// are typed; Save is the model's.
type settingsForm struct {
	m       *ui.Settings
	box     *fyne.Container
	managed *widget.Label
	form    *widget.Form
	items   map[ui.SettingKey]*widget.FormItem
	status  *widget.Label
}

// newSettingsForm builds the window's content; saved is called after a
// save went through, done when the user closes the window.
func newSettingsForm(m *ui.Settings, saved, done func()) *settingsForm {
	v := m.View()
	f := &settingsForm{m: m, items: map[ui.SettingKey]*widget.FormItem{}, status: widget.NewLabel("")}
	f.status.Wrapping = fyne.TextWrapWord
	f.managed = widget.NewLabel(v.Managed)
	f.managed.TextStyle = fyne.TextStyle{Italic: true}
	f.form = widget.NewForm()
	for _, field := range v.Fields {
		item := widget.NewFormItem(field.Label, f.input(field))
		f.items[field.Key] = item
		f.form.AppendItem(item)
	}
	f.form.AppendItem(widget.NewFormItem("", f.status))
	f.form.SubmitText, f.form.CancelText = v.Save, v.Close
	f.form.OnSubmit = func() {
		ok := m.Save()
		f.refresh()
		if ok && saved != nil {
			saved()
		}
	}
	f.form.OnCancel = done
	f.box = container.NewVBox(f.managed, f.form)
	f.refresh()
	return f
}

// input is the widget of one field, its events forwarded to the model.
func (f *settingsForm) input(field ui.SettingField) fyne.CanvasObject {
	key := field.Key
	switch {
	case len(field.Choices) > 0:
		var labels []string
		selected := ""
		for _, c := range field.Choices {
			labels = append(labels, c.Label)
			if c.Value == field.Value {
				selected = c.Label
			}
		}
		s := widget.NewSelect(labels, nil)
		s.SetSelected(selected)
		s.OnChanged = func(string) { f.m.Set(key, field.Choices[s.SelectedIndex()].Value) }
		if field.ReadOnly {
			s.Disable()
		}
		return s
	case field.Lines:
		l := widget.NewLabel(field.Value)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	e := widget.NewEntry()
	e.SetText(field.Value)
	e.OnChanged = func(s string) { f.m.Set(key, s) }
	if field.ReadOnly {
		e.Disable()
	}
	return e
}

// refresh redraws the notes, errors and status from the model's View.
func (f *settingsForm) refresh() {
	v := f.m.View()
	if v.Managed == "" {
		f.managed.Hide()
	}
	for _, field := range v.Fields {
		item := f.items[field.Key]
		item.HintText = field.Note
		if field.Error != "" {
			item.HintText = field.Error
		}
	}
	f.status.SetText(v.Status)
	f.status.Importance = widget.SuccessImportance
	if v.StatusIsError {
		f.status.Importance = widget.DangerImportance
	}
	f.form.Refresh()
	f.status.Refresh()
}
