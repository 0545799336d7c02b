//go:build !unix

package main

import (
	"os/exec"
	"testing"
)

// asUser: only Unix runs tests as root (asuser_unix_test.go).
func asUser(*testing.T, string, ...*exec.Cmd) {}
