//go:build !windows

package installer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// nativeHostExe is the program the manifests start: this one.
func nativeHostExe(exe string) string { return exe }

// nativeDirMode: a directory install makes for all users is readable by
// every user's browser; one in a home is the user's alone, as the
// browsers make theirs.
func nativeDirMode(o Options) os.FileMode {
	if o.AllUsers {
		return 0o755
	}
	return 0o700
}

// writeNativeHost writes h's manifest for t's browser into t.Dir, setting
// aside someone else's manifest there.
func writeNativeHost(o Options, t nativeTarget, h NativeHost, exe string, _ *State) (NativeManifest, error) {
	file := filepath.Join(t.Dir, h.Name+".json")
	b, err := nativeManifest(h, t.Browser == BrowserFirefox, exe)
	if err != nil {
		return NativeManifest{}, err
	}
	aside, err := setManifestAside(file)
	if err != nil {
		return NativeManifest{}, err
	}
	if err := writeFileAtomic(file, b, 0o644); err != nil {
		return NativeManifest{}, err
	}
	return NativeManifest{Browser: t.Browser, Host: h.Name, File: file, Aside: aside}, nil
}

// removeNativeHost removes install's manifest file.
func removeNativeHost(m NativeManifest) (bool, error) { return removeManifestFile(m.File) }

// nativeHostInPlace: the manifest is at its place; path is the program it
// starts.
func nativeHostInPlace(m NativeManifest) (path string, ok bool) {
	p := manifestPath(m.File)
	return p, p != ""
}

// nativeDirSafe refuses a system directory (for all users, written as
// root) that anyone but root could change: every directory on the way to
// dir that exists — from the system root (Options.SystemRoot, "/") — and,
// when a symbolic link is on the way, every directory of where it leads,
// must be owned by root and writable by no one else. Otherwise a user
// could swap a directory and have root write a file where they choose.
func nativeDirSafe(o Options, dir string) error {
	root := o.SystemRoot
	if root == "" {
		root = "/"
	}
	if err := rootOnlyChain(root, dir, os.Lstat); err != nil {
		return err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	real := deepestReal(dir)
	if real == "" {
		return nil
	}
	if rel, err := filepath.Rel(realRoot, real); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fmt.Errorf("installer: %s leads out of %s", dir, root)
	}
	return rootOnlyChain(realRoot, real, os.Stat)
}

// deepestReal is the real path of dir's deepest existing ancestor (dir
// itself when it exists).
func deepestReal(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return r
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// rootOnlyChain checks each existing path from below root down to dir
// (stat: os.Lstat for the literal path, os.Stat for the resolved one).
func rootOnlyChain(root, dir string, stat func(string) (os.FileInfo, error)) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("installer: %s is not under %s", dir, root)
	}
	p := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." || part == "" {
			continue
		}
		p = filepath.Join(p, part)
		fi, err := stat(p)
		if os.IsNotExist(err) {
			return nil // made by install, as root
		}
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		switch {
		case !ok:
			return fmt.Errorf("installer: %s: cannot tell its owner", p)
		case st.Uid != 0:
			return fmt.Errorf("installer: %s is owned by uid %d, not root", p, st.Uid)
		case fi.Mode()&os.ModeSymlink != 0:
			// A link root owns in a root-only directory: where it leads is checked next.
		case !fi.IsDir():
			return fmt.Errorf("installer: %s is not a directory", p)
		case fi.Mode().Perm()&0o022 != 0:
			return fmt.Errorf("installer: %s can be changed by others (mode %v)", p, fi.Mode().Perm())
		}
	}
	return nil
}
