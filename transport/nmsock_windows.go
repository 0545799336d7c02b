package transport

// The agent's end of the native messaging hosts on Windows: a named pipe
// \\.\pipe\qoltanba-native-<the user's SID> whose DACL admits the user
// alone (no remote clients), created first by the agent
// (FILE_FLAG_FIRST_PIPE_INSTANCE: a pipe of that name made by anyone else
// stops it), and each side checks the other's process token: the agent
// that the client runs as the same user, the host that the server does
// (a squatter of the name is refused). I/O is overlapped: os.NewFile
// associates the handles with the runtime's completion port.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ErrNativeInUse: another agent of this user already listens (or someone
// made a pipe of this name first).
var ErrNativeInUse = errors.New("another qoltanba agent already answers native messaging hosts")

// currentSID is the SID of the user this process runs as.
func currentSID() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", err
	}
	return u.User.Sid.String(), nil
}

// NativeSocketPath is the named pipe the agent listens on.
func NativeSocketPath() string {
	sid, err := currentSID()
	if err != nil {
		sid = "unknown"
	}
	return `\\.\pipe\qoltanba-native-` + sid
}

type pipeListener struct {
	name   string
	name16 *uint16
	sa     *windows.SecurityAttributes

	mu     sync.Mutex
	next   windows.Handle // the instance the next Accept waits on
	closed bool
	done   chan struct{}
}

// ListenNative creates the pipe (first instance, owner-only DACL).
func ListenNative(path string) (net.Listener, error) {
	sid, err := currentSID()
	if err != nil {
		return nil, err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;GA;;;" + sid + ")")
	if err != nil {
		return nil, err
	}
	name16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	// A pipe of this name that exists is another agent's (or a squatter's):
	// FILE_FLAG_FIRST_PIPE_INSTANCE says so too, where it is honoured.
	if h, err := windows.CreateFile(name16, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING,
		windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0); err == nil {
		windows.CloseHandle(h)
		return nil, fmt.Errorf("%w (%s)", ErrNativeInUse, path)
	} else if !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return nil, fmt.Errorf("%w (%s: %v)", ErrNativeInUse, path, err)
	}
	l := &pipeListener{name: path, name16: name16, done: make(chan struct{})}
	l.sa = &windows.SecurityAttributes{SecurityDescriptor: sd}
	l.sa.Length = uint32(unsafe.Sizeof(*l.sa))
	h, err := l.create(true)
	if err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) {
			return nil, fmt.Errorf("%w (%s)", ErrNativeInUse, path)
		}
		return nil, err
	}
	l.next = h
	return l, nil
}

func (l *pipeListener) create(first bool) (windows.Handle, error) {
	flags := uint32(windows.PIPE_ACCESS_DUPLEX | windows.FILE_FLAG_OVERLAPPED)
	if first {
		flags |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	mode := uint32(windows.PIPE_TYPE_BYTE | windows.PIPE_READMODE_BYTE | windows.PIPE_WAIT | windows.PIPE_REJECT_REMOTE_CLIENTS)
	return windows.CreateNamedPipe(l.name16, flags, mode, windows.PIPE_UNLIMITED_INSTANCES, 64<<10, 64<<10, 0, l.sa)
}

// Accept waits for a host on the current instance and makes the next.
func (l *pipeListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	h := l.next
	l.next = 0
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return nil, net.ErrClosed
	}
	if h == 0 {
		var err error
		if h, err = l.create(false); err != nil {
			return nil, err
		}
	}
	for {
		err := l.connect(h)
		if err == nil {
			break
		}
		if errors.Is(err, windows.ERROR_NO_DATA) {
			// A client came and went (an agent checking whether this one
			// runs): the instance is made ready again.
			windows.DisconnectNamedPipe(h)
			continue
		}
		windows.CloseHandle(h)
		return nil, err
	}
	// The next instance now: a host that dials meanwhile finds it.
	if next, err := l.create(false); err == nil {
		l.mu.Lock()
		if l.closed {
			windows.CloseHandle(next)
		} else {
			l.next = next
		}
		l.mu.Unlock()
	}
	return &pipeConn{File: os.NewFile(uintptr(h), l.name), h: h, server: true}, nil
}

// connect waits for a client on instance h (overlapped, so that Close can
// stop the wait).
func (l *pipeListener) connect(h windows.Handle) error {
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(ev)
	ov := windows.Overlapped{HEvent: ev}
	err = windows.ConnectNamedPipe(h, &ov)
	switch {
	case err == nil, errors.Is(err, windows.ERROR_PIPE_CONNECTED):
		return nil
	case !errors.Is(err, windows.ERROR_IO_PENDING):
		return err
	}
	for {
		r, _ := windows.WaitForSingleObject(ev, 200)
		if r == windows.WAIT_OBJECT_0 {
			break
		}
		select {
		case <-l.done:
			windows.CancelIoEx(h, &ov)
			var n uint32
			windows.GetOverlappedResult(h, &ov, &n, true)
			return net.ErrClosed
		default:
		}
	}
	var n uint32
	return windows.GetOverlappedResult(h, &ov, &n, false)
}

// Close stops Accept; connections already accepted go on.
func (l *pipeListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	close(l.done)
	if l.next != 0 {
		windows.CloseHandle(l.next)
		l.next = 0
	}
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr(l.name) }

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

// pipeConn is one end of a pipe instance.
type pipeConn struct {
	*os.File
	h      windows.Handle
	server bool
}

func (c *pipeConn) LocalAddr() net.Addr  { return pipeAddr(c.Name()) }
func (c *pipeConn) RemoteAddr() net.Addr { return pipeAddr(c.Name()) }

// SetDeadline sets both deadlines.
func (c *pipeConn) SetDeadline(t time.Time) error { return c.File.SetDeadline(t) }

// DialNative connects a host to the agent's pipe and checks that the
// agent runs as this user.
func DialNative(path string) (net.Conn, error) {
	name16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	// SQOS identification: the server may learn who we are but never act
	// as us.
	var h windows.Handle
	for try := 0; ; try++ {
		h, err = windows.CreateFile(name16, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING,
			windows.FILE_FLAG_OVERLAPPED|windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_PIPE_BUSY) || try == 4 {
			return nil, err
		}
		// Every instance is taken for the moment: the agent makes the
		// next one as it accepts.
		time.Sleep(100 * time.Millisecond)
	}
	c := &pipeConn{File: os.NewFile(uintptr(h), path), h: h}
	if err := peerIsUs(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// peerIsUs checks that the process at the other end of the pipe runs as
// this user.
func peerIsUs(conn net.Conn) error {
	c, ok := conn.(*pipeConn)
	if !ok {
		return errors.New("native messaging: not a named pipe")
	}
	var pid uint32
	var err error
	if c.server {
		err = windows.GetNamedPipeClientProcessId(c.h, &pid)
	} else {
		err = windows.GetNamedPipeServerProcessId(c.h, &pid)
	}
	if err != nil {
		return err
	}
	p, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(p)
	var tok windows.Token
	if err := windows.OpenProcessToken(p, windows.TOKEN_QUERY, &tok); err != nil {
		return err
	}
	defer tok.Close()
	u, err := tok.GetTokenUser()
	if err != nil {
		return err
	}
	me, err := currentSID()
	if err != nil {
		return err
	}
	if got := u.User.Sid.String(); got != me {
		return fmt.Errorf("native messaging: the other end runs as %s, not as this user (%s)", got, me)
	}
	return nil
}
