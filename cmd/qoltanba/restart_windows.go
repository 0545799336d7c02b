package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// Process creation flags (CreateProcess): the new agent has no console of
// ours (DETACHED_PROCESS), is not in our Ctrl+C group, and leaves a job
// object this process may be in (a terminal's or a launcher's job that
// kills its processes when it closes would otherwise take the new agent
// with it).
const (
	detachedProcess        = 0x00000008
	createBreakawayFromJob = 0x01000000
)

// reexec starts exe with the same arguments as a process of its own; run
// returns after it, and this process exits. run has stopped serving
// first, so the new agent finds its ports free (Go passes a child only
// the handles named here, never the listening sockets). Windows has no
// exec that keeps the process.
//
// Output redirected to a file or a pipe (`qoltanba.exe run > agent.log`,
// a service wrapper, a test) is handed on, so the new agent's log goes
// where the old one's did, as exec keeps it on Linux; a console is not
// (the new agent has none), and the logon-started GUI program has no
// output at all.
func reexec(exe string, args []string) error {
	start := func(flags uint32) error {
		cmd := exec.Command(exe, args[1:]...)
		cmd.Stdout, cmd.Stderr = redirected(os.Stdout), redirected(os.Stderr)
		cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: flags}
		return cmd.Start()
	}
	flags := uint32(detachedProcess | syscall.CREATE_NEW_PROCESS_GROUP)
	err := start(flags | createBreakawayFromJob)
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		// A job that does not allow breaking away: the new agent stays in
		// it, as every process started from there does.
		err = start(flags)
	}
	return err
}

// redirected is f when it is a file or a pipe, else nil (the child gets
// the NUL device): a console handle means nothing to a detached process,
// and a GUI program's missing handles cannot be passed on.
func redirected(f *os.File) *os.File {
	if f == nil {
		return nil
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return nil
	}
	switch t, err := windows.GetFileType(h); {
	case err != nil:
		return nil
	case t == windows.FILE_TYPE_DISK, t == windows.FILE_TYPE_PIPE:
		return f
	}
	return nil
}
