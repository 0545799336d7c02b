//go:build !linux

package installer

// RemoveMachineCAFromUsers: only Linux adds the machine's CA to users' NSS
// databases at login (Windows' and macOS' browsers read the system
// store, and Firefox is told to by policy), so there is nothing to undo.
func RemoveMachineCAFromUsers([]string) ([]string, error) { return nil, nil }

// UntrustMachineCA: nothing per user to undo (see RemoveMachineCAFromUsers).
func UntrustMachineCA(string) error { return nil }
