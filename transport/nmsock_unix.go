//go:build unix

package transport

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// NativeSocketPath is where the agent listens for its native messaging
// hosts: $XDG_RUNTIME_DIR/qoltanba/native.sock (a directory only the user
// can enter, removed at logout), else a directory of the user's own in the
// temporary directory.
func NativeSocketPath() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return filepath.Join(d, "qoltanba", "native.sock")
		}
	}
	return filepath.Join(os.TempDir(), "qoltanba-"+strconv.Itoa(os.Getuid()), "native.sock")
}

// ErrNativeInUse: another agent of this user already listens.
var ErrNativeInUse = errors.New("another qoltanba agent already answers native messaging hosts")

// ownDir checks that dir is a directory of this user's that no one else
// can enter or write (a socket in a directory another user controls could
// be theirs).
func ownDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is not a directory only this user can open", dir)
	}
	return nil
}

// ListenNative listens on path for the hosts (0600 in a 0700 directory of
// the user's own). A socket left by an agent that ended is replaced; one
// that answers is another agent's (ErrNativeInUse).
func ListenNative(path string) (net.Listener, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := ownDir(dir); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("%w (%s)", ErrNativeInUse, path)
		}
		os.Remove(path)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// DialNative connects a host to the agent's socket, after checking that
// the directory is the user's own and that the listener runs as this user.
func DialNative(path string) (net.Conn, error) {
	if err := ownDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	if err := peerIsUs(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
