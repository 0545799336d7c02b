//go:build !windows

package ui

// osLocale is the OS's display language beyond the environment: none
// outside Windows (LC_ALL, LC_MESSAGES and LANG say it there).
func osLocale() string { return "" }
