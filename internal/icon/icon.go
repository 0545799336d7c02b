// Package icon is qoltanba's application icon (window, tray, .desktop
// entry and the Windows executable all use this one picture), and its tray
// variants with a state dot.
package icon

import (
	"bytes"
	_ "embed"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// PNG is the icon, 64x64.
//
//go:embed qoltanba.png
var PNG []byte

// Image is the icon decoded.
func Image() image.Image {
	img, err := png.Decode(bytes.NewReader(PNG))
	if err != nil {
		panic("icon: the embedded PNG does not decode: " + err.Error())
	}
	return img
}

// WithDot is the icon with a dot in the corner (a white ring around it so
// it shows on any colour): the tray's "a request waits" and "error".
func WithDot(dot color.Color) image.Image {
	src := Image()
	b := src.Bounds()
	img := image.NewNRGBA(b)
	draw.Draw(img, b, src, b.Min, draw.Src)
	n := b.Dx()
	r := float64(n) / 5
	cx, cy := float64(n)-r-1, float64(b.Dy())-r-1
	for y := range b.Dy() {
		for x := range n {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			switch d := dx*dx + dy*dy; {
			case d <= r*r:
				img.Set(x, y, dot)
			case d <= (r+1.5)*(r+1.5):
				img.Set(x, y, color.White)
			}
		}
	}
	return img
}

// WithDotPNG is WithDot encoded as PNG.
func WithDotPNG(dot color.Color) []byte {
	var out bytes.Buffer
	png.Encode(&out, WithDot(dot))
	return out.Bytes()
}

// State colours of the tray icon.
var (
	Waiting = color.NRGBA{0xf0, 0xa0, 0x00, 0xff} // amber: a request waits for the user
	Error   = color.NRGBA{0xc6, 0x28, 0x28, 0xff} // red: the agent could not start
)
