package agent

// MachineDir holds what an administrator installed for every user of the
// machine (install --all-users).
func MachineDir() string { return "/Library/Application Support/qoltanba" }
