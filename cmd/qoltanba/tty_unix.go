//go:build !windows

package main

import (
	"os"

	"golang.org/x/term"
)

// openTTY opens the controlling terminal (/dev/tty), so that a password can
// be asked even when standard input carries the data to sign.
func openTTY() (terminal, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if !term.IsTerminal(int(f.Fd())) {
		f.Close()
		return nil, errNotTerminal
	}
	return ttyFile{f, f}, nil
}
