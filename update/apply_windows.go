package update

import (
	"fmt"
	"os"

	"github.com/minio/selfupdate"
)

// commit swaps with selfupdate's rename dance, which Windows needs (a
// running .exe can be renamed but not replaced): exe is renamed to
// exe.old, then the new program to exe. A crash between the two leaves no
// exe: Repair, at the next start of qoltanba-cli.exe update or run, puts
// exe.old back.
func commit(exe, old string, opts selfupdate.Options) error {
	err := selfupdate.CommitBinary(opts)
	if err != nil {
		os.Remove(newPath(exe))
		if rerr := selfupdate.RollbackError(err); rerr != nil {
			return fmt.Errorf("update: replacing %s failed (%v), and putting the old one back failed too: %v", exe, err, rerr)
		}
		return fmt.Errorf("update: replacing %s: %w (the old version is kept)", exe, err)
	}
	step(StepBackedUp)
	return nil
}

// rollback puts old back at exe.
func rollback(exe, old string) error {
	bad := exe + ".bad"
	_ = os.Remove(bad)
	if err := os.Rename(exe, bad); err != nil {
		return err
	}
	if err := os.Rename(old, exe); err != nil {
		_ = os.Rename(bad, exe)
		return err
	}
	_ = os.Remove(bad)
	return nil
}
