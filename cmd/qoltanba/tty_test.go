//go:build unix

package main

import "syscall"

// detachedFromTTY starts a child in a new session, without a controlling
// terminal, as under CI.
func detachedFromTTY() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
