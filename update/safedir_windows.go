package update

import "io/fs"

// noFollow: Windows' open has no such flag; the folders are checked
// not to be links (reparse points) instead.
const noFollow = 0

// ownedByMe: on Windows the update's folders are in the user's profile,
// which its ACL gives to the user alone; owners are not read here (a
// known limit, docs/updates.md). Links are refused by the callers.
func ownedByMe(string, fs.FileInfo) error { return nil }

func links(fs.FileInfo) uint64 { return 1 }

func checkAncestors(string) error { return nil }
