//go:build !windows

package main

// attachParentConsole: programs have their terminal here.
func attachParentConsole() {}
