package main

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// hasDisplay reports whether a graphical session is reachable: a Wayland
// socket, or an X11 display that accepts a connection. A DISPLAY naming a
// server that is gone would otherwise end in GLFW's panic.
func hasDisplay() bool {
	if w := os.Getenv("WAYLAND_DISPLAY"); w != "" {
		if !filepath.IsAbs(w) {
			w = filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), w)
		}
		if fi, err := os.Stat(w); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return true
		}
	}
	d := os.Getenv("DISPLAY")
	if d == "" {
		return false
	}
	network, addr := x11Address(d)
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// x11Address turns DISPLAY ("[host]:N[.screen]", "unix:N") into where its
// server listens: the local socket /tmp/.X11-unix/XN, or TCP port 6000+N.
func x11Address(d string) (network, addr string) {
	if strings.HasPrefix(d, "/") { // a socket path
		return "unix", d
	}
	host, rest, _ := strings.Cut(d, ":")
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 59535 {
		return "unix", "" // not a display: nothing to connect to
	}
	if host == "" || host == "unix" {
		return "unix", "/tmp/.X11-unix/X" + num
	}
	return "tcp", net.JoinHostPort(host, strconv.Itoa(6000+n))
}
