package transport

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

func frame(b []byte) []byte {
	out := binary.NativeEndian.AppendUint32(nil, uint32(len(b)))
	return append(out, b...)
}

func TestReadFrame(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 200)
	stream := bytes.NewReader(slicesConcat(frame([]byte(`{"a":1}`)), frame(big), frame([]byte(`{}`)), frame(nil)))
	if b, err := ReadFrame(stream, 100); err != nil || string(b) != `{"a":1}` {
		t.Fatalf("first: %q %v", b, err)
	}
	// Over the limit: reported, read past, the stream stays in step.
	var tl *FrameTooLargeError
	if _, err := ReadFrame(stream, 100); !errors.As(err, &tl) || tl.Size != 200 || tl.Limit != 100 {
		t.Fatalf("large: %v", err)
	}
	if b, err := ReadFrame(stream, 100); err != nil || string(b) != `{}` {
		t.Fatalf("after the large one: %q %v", b, err)
	}
	if b, err := ReadFrame(stream, 100); err != nil || len(b) != 0 {
		t.Fatalf("empty frame: %q %v", b, err)
	}
	if _, err := ReadFrame(stream, 100); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	for _, cut := range [][]byte{{1, 0}, frame([]byte("abcdef"))[:7], frame(big)[:50]} {
		if _, err := ReadFrame(bytes.NewReader(cut), 1000); err != ErrFrameTruncated {
			t.Errorf("truncated %d bytes: %v", len(cut), err)
		}
	}
	// A header claiming 4 GiB costs nothing until bytes arrive.
	if _, err := ReadFrame(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 'x'}), 1<<40); err != ErrFrameTruncated {
		t.Errorf("huge header: %v", err)
	}
}

func TestWriteFrame(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, []byte(`{"error_code":0}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFrame(&buf, 100); err != nil || string(b) != `{"error_code":0}` {
		t.Fatalf("%q %v", b, err)
	}
	buf.Reset()
	if err := WriteFrame(&buf, []byte(strings.Repeat("x", MaxNativeAnswer+1))); err != ErrAnswerTooLarge || buf.Len() != 0 {
		t.Errorf("an answer over 1 MB: %v, %d bytes written", err, buf.Len())
	}
	if err := WriteFrame(&buf, []byte(strings.Repeat("x", MaxNativeAnswer))); err != nil {
		t.Errorf("an answer of exactly 1 MB: %v", err)
	}
}

func slicesConcat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

// FuzzReadFrame: any bytes give frames within the limit or an error, and
// never more bytes than the stream holds.
func FuzzReadFrame(f *testing.F) {
	f.Add(frame([]byte(`{"func_name":"version"}`)))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f})
	f.Add(append(frame(bytes.Repeat([]byte("a"), 300)), frame([]byte("{}"))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		total := 0
		for i := 0; i < 100; i++ {
			b, err := ReadFrame(r, 256)
			var tl *FrameTooLargeError
			if errors.As(err, &tl) {
				continue
			}
			if err != nil {
				return
			}
			if len(b) > 256 {
				t.Fatalf("a frame of %d bytes over the limit", len(b))
			}
			total += len(b) + 4
			if total > len(data) {
				t.Fatal("more bytes than the stream held")
			}
		}
	})
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func netListenUnix(path string) (net.Listener, error) { return net.Listen("unix", path) }
