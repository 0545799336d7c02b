//go:build !linux

package fyneui

// SetWindowClass does nothing where there is no X11 window class.
func SetWindowClass() {}
