package installer

import (
	"errors"
	"fmt"
	"os"

	"github.com/kardianos/service"
)

// serviceConfigFor: a launchd daemon (/Library/LaunchDaemons) running as
// spec.User, an account the admin made for it that owns the secret files.
func serviceConfigFor(spec ServiceSpec) (*service.Config, error) {
	c := &service.Config{Name: ServiceName, DisplayName: "qoltanba signing agent (unattended)",
		Description: "qoltanba: signs for configured sites without a dialog"}
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
// read or write.
func CheckSecretFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s: %w (mode %v): chmod 600 it", path, ErrSecretExposed, fi.Mode().Perm())
	}
	return nil
}
