package transport

import (
	"errors"
	"io"
	"runtime"
	"time"

	"github.com/gorilla/websocket"
)

// message is one text message read from a connection.
type message struct {
	// data is the whole message; nil when it was refused.
	data []byte
	// lease holds data's bytes (and later its decoded documents) in the
	// server's budget until the answer is written.
	lease *lease
	// fields has the wanted top-level fields of a refused message (its
	// uuid or id, its module), read as it streamed past.
	fields *fieldScanner
}

// refused reports whether the message was not kept (over the budget or
// over the connection's limit).
func (m *message) refused() bool { return m.data == nil }

// errInvalidUTF8 means a text message was not UTF-8; the connection is
// closed with 1007 (RFC 6455, invalid frame payload data).
var errInvalidUTF8 = errors.New("text message is not UTF-8")

// readMessage reads the next text message, extending the idle deadline.
// It keeps at most limit() bytes, reserved in the budget as they arrive;
// a message that passes the limit or finds no room is read to its end
// without being kept (only the fields named in keys are picked out of
// it) and comes back refused. Binary messages are skipped.
func (s *Server) readMessage(c *conn, idle time.Duration, site string, limit func() int64, keys ...string) (*message, error) {
	for {
		mt, r, err := c.ws.NextReader()
		if err != nil {
			return nil, err
		}
		c.ws.SetReadDeadline(time.Now().Add(idle))
		if mt != websocket.TextMessage {
			io.Copy(io.Discard, r)
			continue
		}
		// The limit is taken when the message begins: a request answered
		// while the reader waited no longer counts.
		return s.readText(&idleReader{r: r, ws: c.ws, idle: idle}, site, limit(), keys)
	}
}

// idleReader moves the read deadline on as a message arrives: a large
// message that takes long (a slow link, a busy machine) is not cut off,
// one that stops arriving is.
type idleReader struct {
	r    io.Reader
	ws   *websocket.Conn
	idle time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.ws.SetReadDeadline(time.Now().Add(r.idle))
	return r.r.Read(p)
}

// Reading sizes: the first 4 KiB of every message are not counted (every
// connection may hold that much, and the connection caps bound it), so a
// heartbeat or a small request is read even when the budget is spent;
// up to largeRead a message is read in growing chunks, each reserved as
// it is allocated; past it the message is one of the large ones, and the
// whole limit is reserved at once (waiting up to roomWait for others to
// give room back) and the rest is read into one buffer, never joined.
// Reserving a large message whole keeps concurrent large messages from
// each holding part of the budget and all being refused.
const (
	largeRead = 1 << 20
	roomWait  = 2 * time.Second
)

func (s *Server) readText(r io.Reader, site string, limit int64, keys []string) (*message, error) {
	l := s.budget.lease(site)
	var u utf8Stream
	var chunks [][]byte
	var total int64
	refuse := func(seen ...[]byte) (*message, error) {
		// Not kept: the rest streams through the scanner and is dropped.
		m := &message{fields: newFieldScanner(keys...)}
		for _, c := range chunks {
			m.fields.Write(c) // u has seen them already
		}
		for _, c := range seen {
			m.fields.Write(c)
		}
		chunks = nil
		l.release()
		if _, err := io.CopyBuffer(io.MultiWriter(m.fields, &u), r, make([]byte, 32<<10)); err != nil {
			return nil, err
		}
		if !u.valid() {
			return nil, errInvalidUTF8
		}
		return m, nil
	}
	fail := func(err error) (*message, error) {
		l.release()
		if err == nil && !u.valid() {
			err = errInvalidUTF8
		}
		return nil, err
	}
	// Small messages: chunks.
	size := int64(4 << 10)
	for total < min(limit, largeRead) {
		n := min(size, limit-total, largeRead-total)
		if total > 0 && !l.grow(n) {
			return refuse()
		}
		buf := make([]byte, n)
		k, err := io.ReadFull(r, buf)
		chunks = append(chunks, buf[:k])
		total += int64(k)
		u.Write(buf[:k])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if !u.valid() {
				return fail(nil)
			}
			return &message{data: join(chunks, total), lease: l}, nil
		}
		if err != nil {
			return fail(err)
		}
		size = min(max(size*2, 16<<10), 1<<20)
	}
	// One byte more says whether the message goes on.
	var one [1]byte
	k, err := io.ReadFull(r, one[:])
	if k == 0 {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if !u.valid() {
				return fail(nil)
			}
			return &message{data: join(chunks, total), lease: l}, nil
		}
		return fail(err)
	}
	u.Write(one[:])
	if total >= limit || !l.growWait(limit-l.n, roomWait) {
		return refuse(one[:])
	}
	// A large message: one buffer of the limit, already reserved whole.
	buf := make([]byte, limit)
	n := copy(buf, join(chunks, total))
	chunks = nil
	buf[n] = one[0]
	n++
	for {
		k, err := r.Read(buf[n:])
		u.Write(buf[n : n+k])
		n += k
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		if n == len(buf) {
			// Full: over the limit if anything follows.
			if k, _ := io.ReadFull(r, one[:]); k > 0 {
				u.Write(one[:k])
				return refuse(buf, one[:k])
			}
			break
		}
	}
	if !u.valid() {
		return fail(nil)
	}
	data := buf[:n]
	if int64(n) < limit/2 && l.grow(int64(n)) {
		// Mostly empty: keep a copy of the right size instead.
		data = append([]byte(nil), data...)
		l.shrink(limit)
	}
	if n >= largeMessage {
		// Reclaim what reading left behind before decoding allocates the
		// document (the collector's pace is set by the agent's small
		// everyday heap, not by this burst).
		runtime.GC()
	}
	return &message{data: data, lease: l}, nil
}

// join puts the chunks of a small message together.
func join(chunks [][]byte, total int64) []byte {
	if len(chunks) == 1 {
		return chunks[0]
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

// largeMessage is the size above which reading a message ends with a
// collection.
const largeMessage = 8 << 20

// closeInvalidUTF8 closes a connection that sent a text message that is not
// UTF-8, with the status RFC 6455 gives for it.
func closeInvalidUTF8(c *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseInvalidFramePayloadData, "text message is not UTF-8"), time.Now().Add(time.Second))
}
