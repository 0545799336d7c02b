//go:build !linux

package main

// hasDisplay: macOS and Windows sessions always have one.
func hasDisplay() bool { return true }
