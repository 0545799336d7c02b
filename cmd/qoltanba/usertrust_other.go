//go:build !linux

package main

import "log/slog"

// trustMachineCA: Windows' and macOS' browsers read the system store the
// machine install wrote (Firefox too, by the MSI's policy); nothing is
// per user.
func trustMachineCA(*slog.Logger) {}
