//go:build !windows

package main

// attachParentConsole: programs have their terminal here.
func attachParentConsole() {}

// desktopExe: one program for the terminal and the desktop here.
func desktopExe(exe string) string { return exe }
