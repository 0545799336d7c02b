//go:build !linux

package installer

// CheckAllUsersProgram is not written for this system yet (README's Known
// limits): on Windows the MSI puts the program under Program Files, where
// only administrators write, and runs install --all-users from there.
func CheckAllUsersProgram(string) error { return nil }
