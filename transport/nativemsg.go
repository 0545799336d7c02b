package transport

// Native messaging (Chrome, Firefox): a browser starts the host named in a
// manifest and talks to it over stdin/stdout in frames of a 32-bit length
// in the machine's byte order followed by that many bytes of UTF-8 JSON.
// The browser sends at most 64 MiB in a frame and accepts at most 1 MB
// from the host. qoltanba's host (cmd/qoltanba, "native-host") relays the
// frames to the running agent over a socket only the same user can open
// (nmdoor*.go), in the same framing; the agent's door decodes them
// (ifc.go for IFCPlugin, gosplugin.go for the Gosplugin).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Frame limits.
const (
	// MaxNativeRequest bounds one frame from the browser (Chrome allows
	// 64 MiB). Signing pages send a challenge or a document of a few
	// megabytes; a larger frame is read past and refused.
	MaxNativeRequest = 16 << 20
	// MaxNativeAnswer is the browser's bound on one frame to it (1 MB).
	MaxNativeAnswer = 1 << 20
)

// Frame errors.
var (
	// ErrFrameTruncated: the stream ended inside a frame.
	ErrFrameTruncated = errors.New("native messaging: the stream ended inside a frame")
	// ErrAnswerTooLarge: an answer over MaxNativeAnswer (the browser would
	// drop the connection).
	ErrAnswerTooLarge = errors.New("native messaging: answer over 1 MB")
)

// FrameTooLargeError is a frame over the reader's limit; its body was read
// past (the stream is still in step) and not kept.
type FrameTooLargeError struct{ Size, Limit int64 }

func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("native messaging: a frame of %d bytes is over the limit of %d", e.Size, e.Limit)
}

// ReadFrame reads one frame of at most limit bytes. At a clean end of the
// stream (no byte of a next frame) it returns io.EOF. A frame over the
// limit is read past in small pieces and reported as *FrameTooLargeError;
// the next call reads the frame after it.
func ReadFrame(r io.Reader, limit int64) ([]byte, error) {
	return readFrameAdmit(r, limit, nil)
}

// errNoRoom is readFrameAdmit's answer when admit refused a frame's size
// (its body was read and dropped).
var errNoRoom = errors.New("native messaging: no room for this frame now")

// readFrameAdmit is ReadFrame that asks admit (when not nil) for the
// frame's size before reading its body: memory is reserved by what the
// header announces, not after the body is held. A refused frame's body is
// read and dropped (errNoRoom); the stream stays in step.
func readFrameAdmit(r io.Reader, limit int64, admit func(size int64) bool) ([]byte, error) {
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, ErrFrameTruncated
	}
	size := int64(binary.NativeEndian.Uint32(hdr[:]))
	if size > limit {
		if n, err := io.CopyN(io.Discard, r, size); err != nil || n != size {
			return nil, ErrFrameTruncated
		}
		return nil, &FrameTooLargeError{Size: size, Limit: limit}
	}
	if admit != nil && !admit(size) {
		if n, err := io.CopyN(io.Discard, r, size); err != nil || n != size {
			return nil, ErrFrameTruncated
		}
		return nil, errNoRoom
	}
	// Read in pieces: the memory grows with what arrives, not with what
	// the header claims.
	buf := make([]byte, 0, min(size, 64<<10))
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = append(buf, make([]byte, min(size-int64(len(buf)), int64(cap(buf))))...)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), size)])
		buf = buf[:len(buf)+n]
		if err != nil && int64(len(buf)) < size {
			return nil, ErrFrameTruncated
		}
	}
	return buf, nil
}

// WriteFrame writes msg as one frame; an answer over MaxNativeAnswer is
// refused (ErrAnswerTooLarge) and nothing is written.
func WriteFrame(w io.Writer, msg []byte) error {
	return writeFrameLimit(w, msg, MaxNativeAnswer)
}

func writeFrameLimit(w io.Writer, msg []byte, limit int) error {
	if len(msg) > limit {
		return ErrAnswerTooLarge
	}
	b := make([]byte, 4+len(msg))
	binary.NativeEndian.PutUint32(b, uint32(len(msg)))
	copy(b[4:], msg)
	_, err := w.Write(b)
	return err
}

// validJSONText: a frame the door decodes must be UTF-8 (the browser only
// sends what JSON.stringify made).
func validJSONText(b []byte) bool { return utf8.Valid(b) }

// WriteRequestFrame writes a request frame (host → agent) of at most
// MaxNativeRequest bytes.
func WriteRequestFrame(w io.Writer, msg []byte) error {
	return writeFrameLimit(w, msg, MaxNativeRequest)
}

// NativeTooLargeAnswer is the host's answer to a frame over
// MaxNativeRequest, in the protocol of host.
func NativeTooLargeAnswer(host string) []byte {
	if host == HostIFCPlugin {
		return (&ifcSession{}).refuse(nil, refuseTooLarge)
	}
	return (&gosSession{}).refuse(nil, refuseTooLarge)
}
