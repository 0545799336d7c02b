package main

import (
	"os"

	"golang.org/x/term"
)

// openTTY opens the console (CONIN$ and CONOUT$), so that a password can
// be asked even when standard input carries the data to sign.
func openTTY() (terminal, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if !term.IsTerminal(int(in.Fd())) {
		in.Close()
		return nil, errNotTerminal
	}
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return ttyFile{in, out}, nil
}
