package p11

import "github.com/qoltanba/qoltanba/token"

// osPaths: the modules as their macOS installers place them.
func osPaths(s token.Storage) []string { return s.Darwin }

func libDirs() []string { return []string{"/usr/local/lib", "/opt/homebrew/lib"} }
