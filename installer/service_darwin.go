package installer

import (
	"errors"

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
// read or write.
func CheckSecretFile(path string) error {
	_, err := ownerOnly(path)
	return err
}
