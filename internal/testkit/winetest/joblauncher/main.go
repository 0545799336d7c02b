//go:build windows

// Command joblauncher runs a program inside a Windows job object that
// kills every process still in it when the job closes
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), as terminals and launchers do, and
// that lets a child break away (JOB_OBJECT_LIMIT_BREAKAWAY_OK):
//
//	joblauncher PROGRAM ARGS...
//
// It waits for PROGRAM and exits with its exit code, which closes the job.
// A test of qoltanba's restart on Windows starts the agent through it: the
// new agent the old one starts must survive the job (test scaffolding
// only, under Wine).
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"unsafe"

	"golang.org/x/sys/windows"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: joblauncher PROGRAM ARGS...")
		os.Exit(2)
	}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		fail(err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | windows.JOB_OBJECT_LIMIT_BREAKAWAY_OK
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		fail(err)
	}
	// This process joins the job; the program it starts is in it too.
	if err := windows.AssignProcessToJobObject(job, windows.CurrentProcess()); err != nil {
		fail(err)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "joblauncher:", err)
	os.Exit(3)
}
