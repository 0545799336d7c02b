package installer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kardianos/service"
)

// systemdUserScript is kardianos/service's template for a user unit, with
// the target fixed: its default, multi-user.target, never starts for a user
// manager; a desktop agent belongs to the graphical session.
const systemdUserScript = `# ` + autostartMarker + ` (written by qoltanba install; qoltanba uninstall removes it)
[Unit]
Description={{Description}}
ConditionFileIsExecutable={{Path | cmdEscape}}
After=graphical-session.target
PartOf=graphical-session.target

[Service]
ExecStart={{Path | cmdEscape}}{{range Arguments}} {{. | cmd}}{{end}}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=graphical-session.target
`

func serviceConfig(exe string) *service.Config {
	return &service.Config{
		Name: "qoltanba", DisplayName: "qoltanba signing agent",
		Description: "qoltanba: local signing agent (wss://127.0.0.1:13579)",
		Executable:  exe, Arguments: []string{"run"},
		Option: service.KeyValue{"UserService": true, "SystemdScript": systemdUserScript},
	}
}

type program struct{}

func (program) Start(service.Service) error { return nil }
func (program) Stop(service.Service) error  { return nil }

// systemdUserSession reports whether a systemd user manager runs.
func systemdUserSession() bool {
	out, err := exec.Command("systemctl", "--user", "is-system-running").Output()
	s := strings.TrimSpace(string(out))
	return (err == nil || s == "degraded") && (s == "running" || s == "degraded")
}

// installAutostart registers `qoltanba run` at login: for all users an
// XDG autostart entry in systemDir (/etc/xdg/autostart), else a systemd
// user unit when the user has a systemd manager, else a per-user XDG
// autostart entry. A file of someone else's in its place is set aside
// (returned as aside) for uninstall to give back.
func installAutostart(home, exe string, allUsers bool, systemDir string) (kind, path, aside string, err error) {
	if allUsers {
		if systemDir == "" {
			systemDir = "/etc/xdg/autostart"
		}
		path = filepath.Join(systemDir, "qoltanba.desktop")
		if err := os.MkdirAll(systemDir, 0o755); err != nil {
			return "", "", "", err
		}
		if aside, err = setAside(path); err != nil {
			return "", "", "", err
		}
		return AutostartXDGSystem, path, aside, writeFileAtomic(path, []byte(desktopEntry(exe)), 0o644)
	}
	if systemdUserSession() {
		path = filepath.Join(home, ".config", "systemd", "user", "qoltanba.service")
		if aside, err = setAside(path); err != nil {
			return "", "", "", err
		}
		s, err := service.New(program{}, serviceConfig(exe))
		if err != nil {
			return "", "", "", err
		}
		if err := s.Install(); err != nil && !strings.Contains(err.Error(), "already exists") {
			return "", "", "", fmt.Errorf("installer: systemd user unit: %w", err)
		}
		exec.Command("systemctl", "--user", "enable", "qoltanba.service").Run()
		return AutostartSystemd, path, aside, nil
	}
	path = filepath.Join(home, ".config", "autostart", "qoltanba.desktop")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", "", "", err
	}
	if aside, err = setAside(path); err != nil {
		return "", "", "", err
	}
	return AutostartXDG, path, aside, writeFileAtomic(path, []byte(desktopEntry(exe)), 0o644)
}

func desktopEntry(exe string) string {
	return fmt.Sprintf("[Desktop Entry]\nType=Application\nName=qoltanba\nComment=Local signing agent\nExec=%s run\nIcon=qoltanba\nTerminal=false\nX-GNOME-Autostart-enabled=true\n%s\n", exe, autostartMarker)
}

// removeAutostart removes install's entry; a file at path that is not
// ours (the user's, put there since) stays.
func removeAutostart(kind, path, exe string) error {
	if ours, _ := ourAutostart(path); !ours {
		return nil
	}
	if kind == AutostartSystemd {
		exec.Command("systemctl", "--user", "disable", "--now", "qoltanba.service").Run()
		if s, err := service.New(program{}, serviceConfig(exe)); err == nil {
			s.Uninstall()
		}
	}
	return removeOurs(path)
}

// autostartPresent reports whether the entry is still in place.
func autostartPresent(kind, path string) bool { return exists(path) }
