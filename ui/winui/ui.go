//go:build windows

package winui

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/lxn/walk"
	"github.com/lxn/win"

	"github.com/qoltanba/qoltanba/internal/icon"
)

// UI is the GUI thread: a hidden main window, its message loop, the
// application icon.
type UI struct {
	mw   *walk.MainWindow
	Icon *walk.Icon
	done chan struct{}
}

// ErrNoDesktop means no window can be created (no interactive desktop:
// a service session, a broken display driver).
var ErrNoDesktop = errors.New("no window can be created on this desktop")

// walkMessage is a walk error without the Go stack walk appends to it.
func walkMessage(err error) string {
	var we *walk.Error
	if errors.As(err, &we) {
		return we.Message()
	}
	return err.Error()
}

// Start runs the GUI thread and returns once it is ready, or with why it
// cannot run.
func Start() (*UI, error) {
	u := &UI{done: make(chan struct{})}
	ready := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // Win32 windows belong to the thread that made them
		defer close(u.done)
		mw, err := walk.NewMainWindow()
		if err != nil {
			ready <- fmt.Errorf("%w: %s", ErrNoDesktop, walkMessage(err))
			return
		}
		u.mw = mw
		mw.SetLayout(walk.NewVBoxLayout()) // walk lays out a form whenever an owned window moves
		if u.Icon, err = walk.NewIconFromImageForDPI(icon.Image(), 96); err == nil {
			mw.SetIcon(u.Icon)
		}
		mw.SetTitle("qoltanba")
		ready <- nil
		mw.Run() // until Quit
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return u, nil
}

// Do runs f on the GUI thread and waits for it.
func (u *UI) Do(f func()) {
	done := make(chan struct{})
	u.mw.Synchronize(func() { defer close(done); f() })
	<-done
}

// Go runs f on the GUI thread without waiting.
func (u *UI) Go(f func()) { u.mw.Synchronize(f) }

// Owner is the hidden main window (the tray icon's owner). Dialogs have no
// owner: closing one must not bring the hidden window up.
func (u *UI) Owner() walk.Form { return u.mw }

// Quit ends the message loop.
func (u *UI) Quit() {
	u.Go(func() { u.mw.Close() })
	<-u.done
}

// Done is closed when the GUI thread has ended.
func (u *UI) Done() <-chan struct{} { return u.done }

// MessageBox shows an error message without a GUI thread (for when Start
// failed: the user still learns why the agent shows no dialog).
func MessageBox(title, text string) {
	t, _ := syscallUTF16(title)
	m, _ := syscallUTF16(text)
	win.MessageBox(0, m, t, win.MB_OK|win.MB_ICONERROR|win.MB_SETFOREGROUND)
}
