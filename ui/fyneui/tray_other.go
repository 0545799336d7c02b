//go:build !linux

package fyneui

// trayHost: macOS and Windows always have a tray (menu bar, notification
// area).
func trayHost() bool { return true }
