package update

import (
	"bytes"
	"fmt"
	"os"

	"github.com/minio/selfupdate"
)

func selfupdateOptions(exe, old string, sum []byte) selfupdate.Options {
	opts := selfupdate.Options{TargetPath: exe, Checksum: sum, OldSavePath: old}
	if fi, err := os.Stat(exe); err == nil {
		opts.TargetMode = fi.Mode().Perm()
	}
	return opts
}

// prepare writes the new program beside exe (.NAME.new) with selfupdate,
// which checks it against sum. The program lives in the user's profile
// (a per-user install; an MSI's copy is never replaced).
func prepare(exe, old string, data, sum []byte) (string, error) {
	if err := selfupdate.PrepareAndCheckBinary(bytes.NewReader(data), selfupdateOptions(exe, old, sum)); err != nil {
		_ = os.Remove(newPath(exe)) // a partial file (a full disk); a directory in the way stays
		return "", fmt.Errorf("update: replacing %s: %w (the old version is kept)", exe, err)
	}
	return newPath(exe), nil
}

// commit swaps with selfupdate's rename dance, which Windows needs (a
// running .exe can be renamed but not replaced): exe is renamed to
// exe.old, then the new program to exe. A crash between the two leaves no
// exe: Repair, at the next start of qoltanba-cli.exe update or run, puts
// exe.old back.
func commit(exe, old, _ string, sum []byte) error {
	err := selfupdate.CommitBinary(selfupdateOptions(exe, old, sum))
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
