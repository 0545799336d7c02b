package fyneui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/ui"
)

// KeepAlive opens the window that is never shown nor closed, which keeps
// fyne's loop alive when the last dialog closes (fyne quits when its last
// window is destroyed). Make it the first window: where the display went
// away since it was looked for, GLFW panics here, and KeepAlive returns
// that as an error.
func KeepAlive(a fyne.App) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	w := a.NewWindow("qoltanba")
	w.SetCloseIntercept(w.Hide)
	return nil
}

// Run runs fyne's loop until the app quits, turning the panic fyne raises
// when its driver cannot start (GLFW without OpenGL) into an error.
func Run(a fyne.App) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	a.Run()
	return nil
}

// ShowStartError says why the agent could not start (msg): the tray in
// its error state with the reason (installed now if it was not), and a
// window with the reason and Quit, which stays until the user closes it.
// It runs on fyne's thread.
func (t *Tray) ShowStartError(msg string) {
	if t.desk != nil {
		t.SetState(ui.TrayError)
	} else {
		t.InstallError(msg)
	}
	w := t.App.NewWindow("qoltanba")
	w.SetIcon(Icon)
	quit := widget.NewButton(ui.T(t.Language.Get(), "tray-quit"), t.App.Quit)
	w.SetContent(container.NewVBox(widget.NewLabel(wrapText(msg, 80)), container.NewHBox(layout.NewSpacer(), quit)))
	w.SetCloseIntercept(t.App.Quit)
	w.CenterOnScreen()
	w.Show()
}

// wrapText breaks s into lines of at most n characters at spaces (a
// wrapping label would make the window as tall as a word-wide column).
func wrapText(s string, n int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && line+1+len([]rune(w)) > n {
			b.WriteByte('\n')
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len([]rune(w))
	}
	return b.String()
}
