package installer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
//
// Every value is quoted and escaped by systemd's rules (specifiers %,
// variables $, quotes and backslashes); Validate has refused control
// characters, so no value can start a line of its own. With AuditDir, the
// sandbox lets the service write there (ReadWritePaths; under /var/log,
// LogsDirectory also makes the directory and gives it to the service's
// dynamic user).
func SystemdUnit(spec ServiceSpec) string {
	var creds []string
	args := spec.runArgs(func(name, path string) string {
		creds = append(creds, "LoadCredential="+name+":"+systemdEscape(path))
		return credentialWord + name
	})
	var sandbox []string
	if filepath.IsAbs(spec.AuditDir) {
		dir := filepath.Clean(spec.AuditDir)
		if rel, ok := strings.CutPrefix(dir, "/var/log/"); ok && rel != "" {
			sandbox = append(sandbox, "LogsDirectory="+systemdPathQuote(rel))
		}
		sandbox = append(sandbox, "ReadWritePaths="+systemdPathQuote(dir))
	}
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
`, systemdEscape(strings.Join(spec.Origins, ", ")), systemdEscape(spec.Exe), systemdCmd(spec.Exe, args),
		strings.Join(append(creds, sandbox...), "\n"))
	return b.String()
}

// credentialWord marks an argument that is a credential's path in the
// service ("%d/" + name, systemd's credentials directory): the one place
// a specifier is ours. A NUL cannot come from a validated value.
const credentialWord = "\x00cred:"

// systemdCmd writes an ExecStart command line: every word quoted by
// systemd's rules (systemdQuote), credentials as %d/name.
func systemdCmd(exe string, args []string) string {
	out := []string{systemdQuote(exe)}
	for _, a := range args {
		if name, ok := strings.CutPrefix(a, credentialWord); ok {
			out = append(out, "%d/"+name)
			continue
		}
		out = append(out, systemdQuote(a))
	}
	return strings.Join(out, " ")
}

// systemdQuote makes s one word of a unit's command line: % doubled (no
// specifier), and, when it holds anything but plain characters, in
// double quotes with \ " and $ escaped (no variable).
func systemdQuote(s string) string {
	s = systemdEscape(s)
	if s != "" && !strings.ContainsAny(s, " \t\"'\\;$") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`).Replace(s) + `"`
}

// systemdPathQuote makes s one word of a path list (ReadWritePaths=,
// LogsDirectory=): % doubled, and in double quotes with \ and " escaped
// when it holds a space, a quote or a backslash (no variables there).
func systemdPathQuote(s string) string {
	s = systemdEscape(s)
	if !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// systemdEscape doubles % so that systemd reads no specifier in s.
func systemdEscape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

func serviceConfigFor(spec ServiceSpec) (*service.Config, error) {
	c := baseServiceConfig()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
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
// owner can read or write, or that root does not hold alone
// (checkRootPath): systemd reads it as root and hands it to the service
// alone. It returns the absolute path to write into the unit.
func CheckSecretFile(path string) (string, error) {
	abs, fi, err := checkRootPath(path)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s: %w (mode %v): chmod 600 it", abs, ErrSecretExposed, fi.Mode().Perm())
	}
	return abs, nil
}

// CheckServiceFile refuses a key file (or a token's module) that a user
// could change or swap: it must pass checkRootPath; others may read it. It
// returns the absolute path to write into the unit.
func CheckServiceFile(path string) (string, error) {
	abs, _, err := checkRootPath(path)
	return abs, err
}

// checkRootPath: path, made absolute, must be a regular file owned by
// root that neither its group nor others may write, reached through no
// symbolic link, in directories each owned by root and not writable by
// others. Otherwise a user could replace the file, or a directory on its
// way, between now and the service's start, when systemd reads it as root.
// A sticky world-writable directory (/tmp) is refused too: nobody can
// remove root's file there, but it is emptied at a reboot, and then a user
// can put their own key and password at the path the unit names.
func checkRootPath(path string) (string, os.FileInfo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	p := "/"
	var fi os.FileInfo
	parts := strings.Split(strings.TrimPrefix(abs, "/"), "/")
	for i, part := range parts {
		p = filepath.Join(p, part)
		fi, err = os.Lstat(p)
		if err != nil {
			return "", nil, err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		last := i == len(parts)-1
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, _ := filepath.EvalSymlinks(p)
			return "", nil, fmt.Errorf("%s: %w: %s is a symbolic link (to %s): give the real path", abs, ErrSecretExposed, p, target)
		case !ok:
			return "", nil, fmt.Errorf("%s: cannot tell its owner", p)
		case st.Uid != 0:
			return "", nil, fmt.Errorf("%s: %w: %s is owned by uid %d, not root: chown root:root it", abs, ErrSecretExposed, p, st.Uid)
		case last && !fi.Mode().IsRegular():
			return "", nil, fmt.Errorf("%s: not a regular file", abs)
		case fi.Mode().Perm()&0o022 != 0:
			return "", nil, fmt.Errorf("%s: %w: %s can be changed by others (mode %v): chmod go-w it", abs, ErrSecretExposed, p, fi.Mode().Perm())
		}
	}
	return abs, fi, nil
}
