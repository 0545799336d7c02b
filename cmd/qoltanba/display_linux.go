package main

import "os"

// hasDisplay reports whether a graphical session is there (an X11 or
// Wayland display).
func hasDisplay() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
