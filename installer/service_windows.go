package installer

import (
	"fmt"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/kardianos/service"
	"golang.org/x/sys/windows"
)

// serviceConfigFor: a Windows service running as the virtual account NT
// SERVICE\qoltanba (no password, no profile of a real user), started at
// boot, restarted on failure; it logs to the Windows event log.
func serviceConfigFor(spec ServiceSpec) (*service.Config, error) {
	c := baseServiceConfig()
	if spec.Exe != "" {
		c.Executable = spec.Exe
		c.Arguments = append(spec.runArgs(func(_, path string) string { return path }), "--windows-service")
		c.UserName = `NT SERVICE\` + ServiceName
		c.Option = service.KeyValue{"StartType": "automatic", "OnFailure": "restart", "OnFailureDelayDuration": "5s"}
	}
	return c, nil
}

// CheckSecretFile refuses a PIN or password file that Everyone, Users or
// Authenticated Users may read or change (its ACL should name only the
// Administrators, SYSTEM and NT SERVICE\qoltanba).
// It returns the absolute path for the service's arguments.
func CheckSecretFile(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return abs, checkSecretACL(abs)
}

// CheckServiceFile returns the key file's absolute path.
func CheckServiceFile(path string) (string, error) { return filepath.Abs(path) }

func checkSecretACL(path string) error {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if dacl == nil {
		return fmt.Errorf("%s: %w (no access list: everyone may)", path, ErrSecretExposed)
	}
	wide := map[string]windows.WELL_KNOWN_SID_TYPE{"Everyone": windows.WinWorldSid, "Users": windows.WinBuiltinUsersSid,
		"Authenticated Users": windows.WinAuthenticatedUserSid}
	const readOrWrite = windows.FILE_READ_DATA | windows.FILE_WRITE_DATA | windows.GENERIC_READ | windows.GENERIC_WRITE | windows.GENERIC_ALL
	var who []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil || ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		for name, t := range wide {
			if sid.IsWellKnown(t) && ace.Mask&readOrWrite != 0 {
				who = append(who, name)
			}
		}
	}
	if len(who) > 0 {
		return fmt.Errorf("%s: %w (%s): limit its access to Administrators and NT SERVICE\\%s", path, ErrSecretExposed, strings.Join(who, ", "), ServiceName)
	}
	return nil
}
