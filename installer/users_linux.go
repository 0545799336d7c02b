package installer

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// RemoveMachineCAFromUsers undoes TrustMachineCA for every user of the
// machine (the package's removal, uninstall --all-users, as root): each
// home in /etc/passwd whose record says the machine's CA was added to its
// NSS databases gets it removed, certutil running as that user so the
// databases keep their owner. It returns the homes it cleaned.
func RemoveMachineCAFromUsers() ([]string, error) {
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
		if len(p) < 7 || p[5] == "" || !exists(MachineCAUserState(p[5])) {
			continue
		}
		uid, err1 := strconv.ParseUint(p[2], 10, 32)
		gid, err2 := strconv.ParseUint(p[3], 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		home := p[5]
		as := func(args ...string) ([]byte, error) {
			cmd := exec.Command("certutil", args...)
			if uint64(os.Geteuid()) != uid {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
			}
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
			b, err := cmd.CombinedOutput()
			if err != nil {
				return b, fmt.Errorf("certutil %s: %v: %s", strings.Join(args, " "), err, b)
			}
			return b, nil
		}
		if err := untrustUserStores(home, as); err != nil {
			errs = append(errs, fmt.Errorf("user %s: %w", p[0], err))
			continue
		}
		done = append(done, home)
	}
	return done, errors.Join(append(errs, sc.Err())...)
}
