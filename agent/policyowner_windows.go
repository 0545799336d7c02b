package agent

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/windows"
)

// readAdminFile reads a policy file named on the command line (--policy)
// only if its owner is an administrator's (BUILTIN\Administrators or
// SYSTEM): otherwise any user could hand the shipped agent a policy of
// their own in place of the one the administrator set.
func readAdminFile(path string) ([]byte, error) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	if !owner.IsWellKnown(windows.WinBuiltinAdministratorsSid) && !owner.IsWellKnown(windows.WinLocalSystemSid) {
		return nil, fmt.Errorf("policy %s: not owned by Administrators or SYSTEM: a policy given with --policy must be a file only an administrator can write", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxPolicySize+1))
}
