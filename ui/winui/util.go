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

// Colours (the system's own for text; these mark known, unknown and
// look-alike sites and errors).
var (
	colorPrimary = walk.RGB(0x1b, 0x5e, 0xb8)
	colorSuccess = walk.RGB(0x1e, 0x7e, 0x34)
	colorWarning = walk.RGB(0x8a, 0x5a, 0x00)
	colorDanger  = walk.RGB(0xc6, 0x28, 0x28)
	colorText    = walk.RGB(0x1f, 0x1f, 0x1f)
	colorMuted   = walk.RGB(0x6b, 0x6b, 0x6b)
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
	return l
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
