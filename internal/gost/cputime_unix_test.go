//go:build unix

package gost

import "syscall"

// processCPU returns the process's CPU time (user and system) in ns, for
// benchmarks on a loaded machine, where elapsed time counts other jobs.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
