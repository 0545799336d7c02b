package transport

import (
	"errors"
	"net"
)

// ErrNativeUnsupported: the agent's end of the native messaging hosts is
// not written for Windows yet (it needs a named pipe with an owner-only
// ACL); the host answers pages that the plug-in is not available.
var ErrNativeUnsupported = errors.New("native messaging hosts are not supported on Windows yet")

// ErrNativeInUse: another agent of this user already listens.
var ErrNativeInUse = errors.New("another qoltanba agent already answers native messaging hosts")

// NativeSocketPath would be the named pipe's name.
func NativeSocketPath() string { return `\\.\pipe\qoltanba-native` }

// ListenNative is not written for Windows yet.
func ListenNative(string) (net.Listener, error) { return nil, ErrNativeUnsupported }

// DialNative is not written for Windows yet.
func DialNative(string) (net.Conn, error) { return nil, ErrNativeUnsupported }
