//go:build !windows

package main

// The MSI's record of the policy values it wrote exists on Windows only.
func msiPolicyKeys() []string              { return nil }
func recordMSIPolicy(names []string) error { return errNotWindows }
func forgetMSIPolicy() error               { return errNotWindows }
