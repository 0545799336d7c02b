//go:build windows

package winui

import (
	"syscall"
	"unsafe"

	"github.com/lxn/walk"
	"github.com/lxn/win"
)

func syscallUTF16(s string) (*uint16, error) { return syscall.UTF16PtrFromString(s) }

// spiGetWorkArea is SystemParametersInfo's SPI_GETWORKAREA: the screen
// without the taskbar.
const spiGetWorkArea = 0x0030

// Colours: text in the system's own (so a high-contrast theme still
// reads); these mark known, unknown and look-alike sites and errors.
var (
	colorPrimary = walk.RGB(0x1b, 0x5e, 0xb8)
	colorSuccess = walk.RGB(0x1e, 0x7e, 0x34)
	colorWarning = walk.RGB(0x8a, 0x5a, 0x00)
	colorDanger  = walk.RGB(0xc6, 0x28, 0x28)
	colorText    = walk.Color(win.GetSysColor(win.COLOR_BTNTEXT))
	colorMuted   = walk.Color(win.GetSysColor(win.COLOR_GRAYTEXT))
)

func font(size int, style walk.FontStyle) *walk.Font {
	f, err := walk.NewFont("Segoe UI", size, style)
	if err != nil {
		return nil
	}
	return f
}

// centre puts a form in the middle of the primary screen's work area and
// in front.
func centre(f walk.Form, w, h int) {
	var r win.RECT
	win.SystemParametersInfo(spiGetWorkArea, 0, unsafe.Pointer(&r), 0)
	sw, sh := int(r.Right-r.Left), int(r.Bottom-r.Top)
	b := f.BoundsPixels()
	if w == 0 {
		w = b.Width
	}
	if h == 0 {
		h = b.Height
	}
	w, h = min(w, sw), min(h, sh)
	f.SetBoundsPixels(walk.Rectangle{X: int(r.Left) + (sw-w)/2, Y: int(r.Top) + (sh-h)/2, Width: w, Height: h})
	win.SetForegroundWindow(f.Handle())
}

func label(parent walk.Container, text string, size int, style walk.FontStyle, c walk.Color) *walk.TextLabel {
	l, _ := walk.NewTextLabel(parent)
	l.SetText(text)
	if f := font(size, style); f != nil {
		l.SetFont(f)
	}
	l.SetTextColor(c)
	// A TextLabel's height is measured at its minimum width, which is 0
	// unless set: a word per line, and the dialog's rows squeezed to make
	// room. Measure at the width the label really gets.
	minW := 420
	if _, ok := parent.(*walk.Dialog); ok {
		minW = 660
	}
	l.SetMinMaxSize(walk.Size{Width: minW}, walk.Size{})
	// An opaque background (the dialog's own colour): over a transparent
	// one Wine draws every label black, and a red look-alike warning must
	// be red wherever the agent runs.
	if b, err := walk.NewSystemColorBrush(walk.SysColorBtnFace); err == nil {
		l.SetBackground(b)
	}
	return l
}

// runDialog shows dlg and runs its own message loop until it closes (on
// the GUI thread, inside a UI.Go). Only a loop that asks IsDialogMessage
// of the dialog itself gives it the dialog keys (Tab between controls, Esc
// for the cancel button); walk's main loop asks it of the hidden main
// window. Work sent with UI.Do and UI.Go still runs meanwhile (walk runs it
// from every loop of the thread).
func runDialog(dlg *walk.Dialog, shown func()) {
	dlg.Show()
	if shown != nil {
		shown()
	}
	dlg.FormBase.Run()
	if dlg.Handle() != 0 { // the loop ended on WM_QUIT: the main loop needs it too
		win.PostQuitMessage(0)
	}
}

// newDialog is a dialog with the application's icon (ic, when there is
// one), title and a vertical layout, which it returns too.
func newDialog(owner walk.Form, ic *walk.Icon, title string) (*walk.Dialog, *walk.BoxLayout, error) {
	dlg, err := walk.NewDialog(owner)
	if err != nil {
		return nil, nil, err
	}
	if ic != nil {
		dlg.SetIcon(ic)
	}
	dlg.SetTitle(title)
	lay := walk.NewVBoxLayout()
	dlg.SetLayout(lay)
	return dlg, lay, nil
}

func button(parent walk.Container, text string, clicked func()) *walk.PushButton {
	b, _ := walk.NewPushButton(parent)
	b.SetText(text)
	b.Clicked().Attach(clicked)
	return b
}

func row(parent walk.Container) *walk.Composite {
	c, _ := walk.NewComposite(parent)
	l := walk.NewHBoxLayout()
	l.SetMargins(walk.Margins{})
	c.SetLayout(l)
	return c
}

func setText(l *walk.TextLabel, s string) {
	if l.Text() != s {
		l.SetText(s)
	}
	l.SetVisible(s != "")
}

// repaintWhenMoved makes w and everything in it repaint whenever the layout
// moves or resizes it. Without it Wine leaves a control that moved into
// the room a hidden one left (the document text folding away) unpainted;
// the repaint costs nothing where Windows has already drawn it.
func repaintWhenMoved(w walk.Window) {
	w.BoundsChanged().Attach(func() { w.Invalidate() })
	if c, ok := w.(walk.Container); ok && c.Children() != nil {
		for i := 0; i < c.Children().Len(); i++ {
			repaintWhenMoved(c.Children().At(i))
		}
	}
}
