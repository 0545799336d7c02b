package fyneui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Every focusable control of the dialogs passes Esc to onEsc: fyne gives
// keys to the focused widget only, so a window-wide Esc needs each of them
// to hand it on (the focus starts in a text field).

type escEntry struct {
	widget.Entry
	onEsc func()
}

func newEscEntry(password bool, onEsc func()) *escEntry {
	e := &escEntry{onEsc: onEsc}
	e.Password = password
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}

type escButton struct {
	widget.Button
	onEsc func()
}

func newEscButton(label string, tap, onEsc func()) *escButton {
	b := &escButton{onEsc: onEsc}
	b.Text, b.OnTapped = label, tap
	b.ExtendBaseWidget(b)
	return b
}

func (b *escButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		b.onEsc()
		return
	}
	b.Button.TypedKey(k)
}

type escList struct {
	widget.List
	onEsc func()
}

func (l *escList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		l.onEsc()
		return
	}
	l.List.TypedKey(k)
}

type escSelect struct {
	widget.Select
	onEsc func()
}

func newEscSelect(onChanged func(string), onEsc func()) *escSelect {
	s := &escSelect{onEsc: onEsc}
	s.OnChanged = onChanged
	s.ExtendBaseWidget(s)
	return s
}

func (s *escSelect) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		s.onEsc()
		return
	}
	s.Select.TypedKey(k)
}
