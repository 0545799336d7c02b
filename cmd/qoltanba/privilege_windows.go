package main

import (
	"golang.org/x/sys/windows"

	"github.com/qoltanba/qoltanba/installer"
)

// privileged reports whether this process runs elevated (an administrator's
// prompt, or the MSI's custom action as LocalSystem): Geteuid means nothing
// on Windows.
func privileged() bool { return windows.GetCurrentProcessToken().IsElevated() }

// privilegeName is the catalog key of the rights --all-users and service install need.
const privilegeName = "cli-privilege-admin"

// trustNote warns, before it shows, of the dialog Windows raises when a
// program adds a root certificate for the current user only: the catalog
// key of the note.
func trustNote(o installer.Options) string {
	if o.AllUsers {
		return ""
	}
	return "cli-install-windows-trust"
}
