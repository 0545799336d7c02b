//go:build !windows

package installer

import "errors"

func installRunKey(string, bool) (string, string, error) {
	return "", "", errors.New("installer: the Run key exists on Windows only")
}

func removeRunKey(string) error { return nil }

func runKeyPresent(string) bool { return false }
