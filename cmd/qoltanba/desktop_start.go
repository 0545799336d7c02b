package main

import (
	"errors"

	"github.com/qoltanba/qoltanba/transport"
	"github.com/qoltanba/qoltanba/ui"
)

// startFailure is what the desktop (the tray and a window) says when the
// agent could not start: that another program holds the port, or why.
func startFailure(locale string, err error, port int) string {
	if errors.Is(err, transport.ErrPortTaken) {
		return ui.T(locale, "port-busy", port)
	}
	return ui.T(locale, "port-taken", err.Error())
}
