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
// program adds a root certificate for the current user only.
func trustNote(o installer.Options) string {
	if o.AllUsers {
		return ""
	}
	return "Windows will now ask \"Do you want to install this certificate?\" for \"qoltanba local CA\".\n" +
		"Answer Yes: it lets your browsers trust the agent on this computer (127.0.0.1) and nothing else.\n" +
		"An administrator can install for every user instead (the MSI, or qoltanba install --all-users), with no question."
}
