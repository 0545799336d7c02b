package main

import "syscall"

// detachedFromTTY starts a child without a console (DETACHED_PROCESS), the
// Windows form of no terminal.
func detachedFromTTY() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: 0x00000008}
}
