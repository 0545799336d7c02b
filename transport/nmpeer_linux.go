package transport

import "golang.org/x/sys/unix"

// peerUID is the uid of a Unix socket's peer (SO_PEERCRED: the
// credentials the kernel recorded at connect).
func peerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return 0, err
	}
	return int(cred.Uid), nil
}
