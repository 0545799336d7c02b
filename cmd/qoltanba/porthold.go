package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// portHolder names the program listening on 127.0.0.1:port when the OS
// can tell (Linux: /proc/net/tcp and the processes' descriptors; only the
// user's own processes are visible without root). "" means free or unknown.
func portHolder(port int) string {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fl := strings.Fields(line)
			if len(fl) < 10 || fl[3] != "0A" { // 0A = LISTEN
				continue
			}
			i := strings.LastIndexByte(fl[1], ':')
			if p, err := strconv.ParseInt(fl[1][i+1:], 16, 32); err == nil && int(p) == port {
				inodes[fl[9]] = true
			}
		}
	}
	if len(inodes) == 0 {
		return ""
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		fds, _ := filepath.Glob(p + "/fd/*")
		for _, fd := range fds {
			l, err := os.Readlink(fd)
			if err != nil || !strings.HasPrefix(l, "socket:[") {
				continue
			}
			if inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] {
				comm, _ := os.ReadFile(p + "/comm")
				cmdline, _ := os.ReadFile(p + "/cmdline")
				name := strings.TrimSpace(string(comm))
				if strings.Contains(string(cmdline), "NCALayer") || strings.Contains(string(cmdline), "ncalayer") {
					name = "NCALayer (" + name + ")"
				}
				return fmt.Sprintf("%s (pid %s)", name, filepath.Base(p))
			}
		}
	}
	return "another program"
}
