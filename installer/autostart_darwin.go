package installer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// launchAgent is a LaunchAgent that starts `qoltanba run` in the user's
// session at login (a LaunchDaemon would run outside any session and
// could show no dialog).
const launchAgent = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- ` + autostartMarker + ` (written by qoltanba install; qoltanba uninstall removes it) -->
<plist version="1.0">
<dict>
	<key>Label</key><string>kz.qoltanba.agent</string>
	<key>ProgramArguments</key><array><string>%s</string><string>run</string></array>
	<key>RunAtLoad</key><true/>
	<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
	<key>LimitLoadToSessionType</key><string>Aqua</string>
</dict>
</plist>
`

// installAutostart writes the LaunchAgent: the user's, or for all users
// /Library/LaunchAgents (systemDir overrides it in tests).
func installAutostart(home, exe string, allUsers bool, systemDir string) (kind, path, aside string, err error) {
	dir := filepath.Join(home, "Library", "LaunchAgents")
	if allUsers {
		dir = systemDir
		if dir == "" {
			dir = "/Library/LaunchAgents"
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", "", err
	}
	path = filepath.Join(dir, "kz.qoltanba.agent.plist")
	if aside, err = setAside(path); err != nil {
		return "", "", "", err
	}
	if err := writeFileAtomic(path, []byte(fmt.Sprintf(launchAgent, exe)), 0o644); err != nil {
		return "", "", "", err
	}
	if !allUsers {
		exec.Command("launchctl", "load", "-w", path).Run()
	}
	return AutostartLaunchAgent, path, aside, nil
}

// removeAutostart removes install's LaunchAgent; one that is not ours stays.
func removeAutostart(_, path, _ string) error {
	if ours, _ := ourAutostart(path); !ours {
		return nil
	}
	exec.Command("launchctl", "unload", "-w", path).Run()
	return removeOurs(path)
}

// autostartPresent reports whether the LaunchAgent is still there.
func autostartPresent(_, path string) bool { return exists(path) }
