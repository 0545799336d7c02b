//go:build !unix && !windows

package update

import "io/fs"

const noFollow = 0

// ownedByMe: systems qoltanba does not ship for have no owners checked.
func ownedByMe(string, fs.FileInfo) error { return nil }

func links(fs.FileInfo) uint64 { return 1 }

func checkAncestors(string) error { return nil }
