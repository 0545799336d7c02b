// Package installer sets the agent up on a machine and removes every trace
// again: a per-machine local CA (name-constrained to localhost, its key
// destroyed right after it issues the server certificate), trust in the
// browsers' stores, start at login, and qoltanba as the native messaging
// host of the Gosuslugi plug-ins' browser extensions (nativemsg.go). A
// state file records what was put
// where, so uninstall removes exactly that.
//
// For every user (install --all-users, the packages): the system store and
// system-wide autostart; each user's browser stores get the machine's CA at
// login (TrustMachineCA) and lose it again on removal
// (RemoveMachineCAFromUsers). The headless system service (ServiceSpec,
// NewService) is registered through kardianos/service: a sandboxed systemd
// unit, a Windows service, a launchd daemon.
package installer
