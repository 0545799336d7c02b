package installer

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// RemoveMachineCAFromUsers undoes TrustMachineCA for every user of the
// machine (the package's removal, uninstall --all-users, as root): for
// each home in /etc/passwd with a record of TrustMachineCA, helper — a
// command that runs UntrustMachineCA for $HOME (qoltanba's hidden
// untrust-machine-ca) — runs as that user (their uid and gid, no
// supplementary group of root's), so every path in their home, and in
// their record, is followed and removed with their rights alone: root
// never opens, lists or deletes what a user could point elsewhere. It
// returns the homes it cleaned.
func RemoveMachineCAFromUsers(helper []string) ([]string, error) {
	if len(helper) == 0 {
		return nil, errors.New("installer: no helper command to run as each user")
	}
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var done []string
	var errs []error
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:x:uid:gid:gecos:home:shell
		p := strings.Split(sc.Text(), ":")
		if len(p) < 7 || !filepath.IsAbs(p[5]) || !exists(MachineCAUserState(p[5])) {
			continue
		}
		uid, err1 := strconv.ParseUint(p[2], 10, 32)
		gid, err2 := strconv.ParseUint(p[3], 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		home := p[5]
		cmd := exec.Command(helper[0], helper[1:]...)
		cmd.Dir = "/"
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
		if uint64(os.Geteuid()) != uid {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("user %s: %v: %s", p[0], err, strings.TrimSpace(string(out))))
			continue
		}
		done = append(done, home)
	}
	return done, errors.Join(append(errs, sc.Err())...)
}

// UntrustMachineCA undoes TrustMachineCA for the user this process runs
// as, whose home is home: the machine's CA leaves the NSS databases their
// record names, the Chromium database it created goes when it holds
// nothing else, and the record goes. uninstall --all-users runs it (the
// hidden command untrust-machine-ca) as each user, never as root on a
// user's paths: what a user's files point at is theirs to change.
func UntrustMachineCA(home string) error {
	if os.Geteuid() == 0 {
		// Root cleans only a home root owns (its own); another user's is
		// cleaned by a process running as that user.
		fi, err := os.Lstat(home)
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != 0 || !fi.IsDir() {
			return fmt.Errorf("installer: %s is not root's: run this as its owner", home)
		}
	}
	return untrustUserStores(home, certutilHere)
}
