package installer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kardianos/service"
)

// ServiceName is the system service's name (systemd unit, Windows
// service, launchd label suffix).
const ServiceName = "qoltanba"

// ServiceSpec is what `qoltanba service install` registers: `qoltanba
// service run` signing every request of Origins with one key, without a
// dialog, started at boot (a kiosk, a server that signs on a schedule).
type ServiceSpec struct {
	Exe     string   // the qoltanba binary
	Port    int      // 0: the configured port
	Origins []string // the sites whose requests are signed
	// A key file and its password file, or a PKCS#11 module and its PIN
	// file. The secret files must be readable by their owner only
	// (CheckSecretFile).
	P12, PasswordFile string
	Module, PINFile   string
	Slot              int // -1: the only token
	Alias, KeyID      string
	// User runs the service where the platform needs a named account
	// (macOS); Linux uses a systemd dynamic user, Windows a virtual account.
	User string
	// AuditDir is the machine policy's auditDir, which the service must be
	// able to write (Linux: its sandbox lets it); "" = its own state
	// directory.
	AuditDir string
}

// ErrBadServiceValue: a value for the service's definition holds a
// control character (a newline would start a line of its own in a
// systemd unit: ExecStartPost=+… runs as root).
var ErrBadServiceValue = errors.New("holds a control character (a line break, a tab?)")

// Validate refuses a spec any of whose words holds a control character
// or is not UTF-8, naming the flag it came from.
func (s ServiceSpec) Validate() error {
	words := []struct{ flag, v string }{{"the program path", s.Exe}, {"--p12", s.P12}, {"--password-file", s.PasswordFile},
		{"--pkcs11", s.Module}, {"--pin-file", s.PINFile}, {"--alias", s.Alias}, {"--key-id", s.KeyID}, {"--user", s.User},
		{"the policy's auditDir", s.AuditDir}}
	for _, o := range s.Origins {
		words = append(words, struct{ flag, v string }{"--allow-origin", o})
	}
	for _, w := range words {
		if !utf8.ValidString(w.v) || strings.ContainsFunc(w.v, unicode.IsControl) {
			return fmt.Errorf("%s %q: %w", w.flag, w.v, ErrBadServiceValue)
		}
	}
	return nil
}

// runArgs are the arguments of `qoltanba service run` with the secrets
// read from secret(name, path) (Linux: systemd's credentials directory).
func (s ServiceSpec) runArgs(secret func(name, path string) string) []string {
	args := []string{"service", "run"}
	if s.Port != 0 {
		args = append(args, "--port", strconv.Itoa(s.Port))
	}
	for _, o := range s.Origins {
		args = append(args, "--allow-origin", o)
	}
	if s.P12 != "" {
		args = append(args, "--p12", secret("key", s.P12), "--password-file", secret("password", s.PasswordFile))
	} else {
		args = append(args, "--pkcs11", s.Module, "--pin-file", secret("pin", s.PINFile))
		if s.Slot >= 0 {
			args = append(args, "--slot", strconv.Itoa(s.Slot))
		}
		if s.KeyID != "" {
			args = append(args, "--key-id", s.KeyID)
		}
	}
	if s.Alias != "" {
		args = append(args, "--alias", s.Alias)
	}
	return args
}

// baseServiceConfig names the service alike on every platform.
func baseServiceConfig() *service.Config {
	return &service.Config{Name: ServiceName, DisplayName: "qoltanba signing agent (unattended)",
		Description: "qoltanba: signs for configured sites without a dialog"}
}

// NewService is the platform's service manager for spec (kardianos/
// service: systemd, the Windows service manager, launchd) to install,
// uninstall, start, stop or ask about the service; spec may be the zero
// value but for install.
func NewService(spec ServiceSpec) (service.Service, error) {
	cfg, err := serviceConfigFor(spec)
	if err != nil {
		return nil, err
	}
	s, err := service.New(nil, cfg)
	if err != nil {
		return nil, fmt.Errorf("installer: service: %w", err)
	}
	return s, nil
}

// RunningService wraps p, the service's program, for the service manager
// that started it (or a terminal: kardianos's interactive mode).
func RunningService(p service.Interface) (service.Service, error) {
	s, err := service.New(p, baseServiceConfig())
	if err != nil {
		return nil, fmt.Errorf("installer: service: %w", err)
	}
	return s, nil
}

// ErrSecretExposed: a PIN or password file others can read (or change)
// is refused.
var ErrSecretExposed = errors.New("the file can be read or changed by other users")

// ServiceInstalled reports whether the service is registered.
func ServiceInstalled(s service.Service) bool {
	_, err := s.Status()
	return !errors.Is(err, service.ErrNotInstalled)
}
