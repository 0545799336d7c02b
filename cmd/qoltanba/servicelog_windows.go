package main

import (
	"io"
	"strings"

	"github.com/kardianos/service"
)

// serviceLog: a Windows service has no standard error; its lines go to
// the Windows event log (source qoltanba). In a console, the console.
func serviceLog(s service.Service, stderr io.Writer, console bool) io.Writer {
	if console {
		return stderr
	}
	l, err := s.SystemLogger(nil)
	if err != nil {
		return stderr
	}
	return eventLog{l}
}

type eventLog struct{ l service.Logger }

func (w eventLog) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	var err error
	if strings.Contains(line, "level=ERROR") || strings.HasPrefix(line, "qoltanba service:") {
		err = w.l.Error(line)
	} else if strings.Contains(line, "level=WARN") || strings.HasPrefix(line, "!!") {
		err = w.l.Warning(line)
	} else {
		err = w.l.Info(line)
	}
	return len(p), err
}
