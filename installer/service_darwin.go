package installer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kardianos/service"
)

// serviceConfigFor: a launchd daemon (/Library/LaunchDaemons) running as
// spec.User, an account the admin made for it that owns the secret files.
func serviceConfigFor(spec ServiceSpec) (*service.Config, error) {
	c := baseServiceConfig()
	if spec.Exe != "" {
		if spec.User == "" || spec.User == "root" {
			return nil, errors.New("installer: on macOS the service runs as a dedicated account: give --user NAME (not root)")
		}
		c.Executable, c.UserName = spec.Exe, spec.User
		c.Arguments = spec.runArgs(func(_, path string) string { return path })
		c.Option = service.KeyValue{"KeepAlive": true, "RunAtLoad": true}
	}
	return c, nil
}

// CheckSecretFile refuses a PIN or password file anyone but its owner can
// read or write. It returns the absolute path for the daemon's arguments.
func CheckSecretFile(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if _, err := ownerOnly(abs); err != nil {
		return "", err
	}
	return abs, nil
}

// CheckServiceFile returns the key file's absolute path (the daemon's
// account owns it, see --user).
func CheckServiceFile(path string) (string, error) { return filepath.Abs(path) }

// ownerOnly refuses a file whose mode lets its group or others read or
// write it.
func ownerOnly(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: %w (mode %v): chmod 600 it", path, ErrSecretExposed, fi.Mode().Perm())
	}
	return fi, nil
}
