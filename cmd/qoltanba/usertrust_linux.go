package main

import (
	"errors"
	"log/slog"
	"os"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/installer"
)

// trustMachineCA: at the user's login (run), the machine's CA — installed
// for every user by the package — goes into this user's browser stores
// (NSS) where it is missing, recorded so uninstall takes it out again.
// A failure is logged; the agent runs anyway.
func trustMachineCA(log *slog.Logger) {
	home, err := os.UserHomeDir()
	if err != nil {
		return
	}
	added, err := installer.TrustMachineCA(home, agent.ConfigDir(), agent.MachineDir())
	for _, db := range added {
		log.Info("this user's browser now trusts the machine's local CA", "nss", db)
	}
	switch {
	case errors.Is(err, installer.ErrNoCertutil):
		log.Warn("Chromium and Firefox may not trust the agent: " + installer.CertutilHint())
	case err != nil:
		log.Warn("adding the machine's local CA to this user's browsers", "err", err)
	}
}
