//go:build linux || darwin

package transport

import (
	"errors"
	"fmt"
	"net"
	"os"
)

// peerIsUs checks that the other end of a Unix socket runs as this user
// (the kernel's record of the peer: peerUID, one per system).
func peerIsUs(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("native messaging: not a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var uid int
	var cerr error
	if err := raw.Control(func(fd uintptr) { uid, cerr = peerUID(int(fd)) }); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if uid != os.Getuid() {
		return fmt.Errorf("native messaging: peer uid %d is not this user's (%d)", uid, os.Getuid())
	}
	return nil
}
