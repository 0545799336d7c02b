package installer

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/kardianos/service"
)

// SystemdUnit renders the system unit of the service: a dynamic user named
// qoltanba (created by systemd while the service runs, nothing left on
// disk), the PIN or password and the key file handed over as systemd
// credentials (read by systemd as root, visible to the service alone, so
// the admin's files stay root-only 0600), and the sandbox: no new
// privileges, the file system read-only but for its state directory, no
// home directories, a private /tmp, no capabilities. Tokens are reached
// through pcscd's socket or the module's own devices.
func SystemdUnit(spec ServiceSpec) string {
	var creds []string
	args := spec.runArgs(func(name, path string) string {
		creds = append(creds, "LoadCredential="+name+":"+path)
		return "%d/" + name
	})
	var b strings.Builder
	fmt.Fprintf(&b, `[Unit]
Description=qoltanba signing agent, unattended (signs for %s without asking)
Documentation=file:///usr/share/doc/qoltanba/admin.md
ConditionFileIsExecutable=%s
After=network.target pcscd.socket

[Service]
ExecStart=%s
DynamicUser=yes
User=qoltanba
StateDirectory=qoltanba
Environment=HOME=/var/lib/qoltanba XDG_CONFIG_HOME=/var/lib/qoltanba/config XDG_DATA_HOME=/var/lib/qoltanba/data
%s
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
ProtectProc=invisible
ProcSubset=pid
RemoveIPC=yes
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
CapabilityBoundingSet=
AmbientCapabilities=
SystemCallArchitectures=native
UMask=0077
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`, strings.Join(spec.Origins, ", "), systemdQuote(spec.Exe), systemdCmd(spec.Exe, args), strings.Join(creds, "\n"))
	return b.String()
}

// systemdCmd writes an ExecStart command line: each word quoted when it
// holds a space or a quote (systemd's own rules; %d is left to systemd).
func systemdCmd(exe string, args []string) string {
	out := []string{systemdQuote(exe)}
	for _, a := range args {
		out = append(out, systemdQuote(a))
	}
	return strings.Join(out, " ")
}

func systemdQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\;$") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`).Replace(s) + `"`
}

func serviceConfigFor(spec ServiceSpec) (*service.Config, error) {
	c := baseServiceConfig()
	if service.ChosenSystem() == nil || service.ChosenSystem().String() != "linux-systemd" {
		return nil, fmt.Errorf("%w (this machine runs %v)", ErrNoSystemd, service.ChosenSystem())
	}
	if spec.Exe != "" {
		c.Executable = spec.Exe
		c.Option = service.KeyValue{"SystemdScript": SystemdUnit(spec)}
	}
	return c, nil
}

// ErrNoSystemd: the service is a systemd unit; other init systems are not
// supported.
var ErrNoSystemd = errors.New("installer: the service needs systemd as the init system")

// CheckSecretFile refuses a PIN or password file that anyone but its
// owner can read or write, or whose owner is not root (systemd reads it as
// root and hands it to the service alone).
func CheckSecretFile(path string) error {
	fi, err := ownerOnly(path)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
		return fmt.Errorf("%s: %w: owned by uid %d, not root: chown root:root it", path, ErrSecretExposed, st.Uid)
	}
	return nil
}
