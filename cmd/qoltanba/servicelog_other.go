//go:build !windows

package main

import (
	"io"

	"github.com/kardianos/service"
)

// serviceLog: under systemd (and launchd) standard error is the journal
// (the log file).
func serviceLog(_ service.Service, stderr io.Writer, _ bool) io.Writer { return stderr }
