package agent

// MachineDir holds what an administrator installed for every user of the
// machine (install --all-users, the package): the server certificate and
// the install state.
func MachineDir() string { return "/etc/qoltanba" }
