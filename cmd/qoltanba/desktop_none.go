//go:build !windows && nodesktop

package main

// The headless build (go build -tags nodesktop): no desktop dialogs, so no
// fyne, OpenGL or X11 linked. The service, servers and CI use it; people
// at a desktop use the full build.

import (
	"errors"
	"log/slog"

	"github.com/qoltanba/qoltanba/agent"
)

// desktopBuilt: this build has no desktop dialogs.
const desktopBuilt = false

// runDesktop is never called in this build (serve checks desktopBuilt).
func runDesktop(*env, agent.Config, string, *slog.Logger) error {
	return errors.New("this build of qoltanba has no desktop dialogs")
}
