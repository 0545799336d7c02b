package transport

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
)

// orderedLoop is the persistent connection of a door whose page sends
// requests on one socket and expects the answers in order (NCALayer,
// the VNPT-CA Plugin): one request is handled at a time and at most one
// small one waits behind it; anything more gets the door's busy answer in
// its turn. A is the door's answer (a frame streamed by writeAnswer, or a
// whole text).
type orderedLoop[A any] struct {
	// name is the door's name in the log ("ncalayer", "vnpt").
	name string
	// keys are the top-level fields a busy answer needs (the uuid and
	// module, the callback's name): picked out of a message that is not
	// kept, or kept alone when a queued message is refused.
	keys []string
	// greeting, when not empty, is sent as the connection opens
	// (NCALayer announces its version).
	greeting string
	// heartbeat, when not empty, is a message echoed at once, even while
	// a dialog is open (NCALayer's "--heartbeat--").
	heartbeat string
	// handle answers one kept message.
	handle func(ctx context.Context, m *message) A
	// busy answers a refused message from the fields picked out of it
	// (nil when none could be read).
	busy func(f *fieldScanner) A
	// write sends one answer.
	write func(c *conn, a A) error
}

// loopItem is one message waiting for its answer, in order.
type loopItem struct {
	msg *message
	// busy: the message was refused (no room in the budget, too large to
	// queue behind a request in progress, or a second one queued), and
	// gets the busy answer in its turn.
	busy bool
}

// serve reads the page's messages within the budget and answers them in
// order until the page goes, the idle time passes, or it sends more than
// maxUnanswered messages without waiting (then the socket is closed with
// "too many requests"). It upgrades the request (loopback, Host and
// origin were checked by the Server) and closes the socket on return; the
// connection's context is canceled first, which closes a queued or open
// prompt of this page, and every lease is given back.
func (l *orderedLoop[A]) serve(s *Server, w http.ResponseWriter, r *http.Request, origin agent.Origin) {
	c, ctx, cancel, err := s.upgrade(w, r)
	if err != nil {
		return
	}
	defer cancel()
	defer c.ws.Close()
	if l.greeting != "" {
		if err := c.writeText([]byte(l.greeting)); err != nil {
			return
		}
	}
	items := make(chan loopItem, maxUnanswered)
	// requests counts the requests taken and not yet answered: the one
	// being handled and at most one (small) queued behind it.
	var requests atomic.Int32
	done := make(chan struct{})
	go func() { // one request at a time, answers in order
		defer close(done)
		for it := range items {
			var ans A
			if it.busy {
				ans = l.busy(it.msg.fields)
			} else {
				ans = l.handle(ctx, it.msg)
			}
			// Done before the answer goes out: the page's next message
			// may follow it at once.
			if !it.busy {
				requests.Add(-1)
			}
			err := ctx.Err()
			if err == nil {
				err = l.write(c, ans)
			}
			// After the answer: when the budget empties, the garbage the
			// answer left is collected too.
			it.msg.lease.release()
			if err != nil {
				cancel()
				for it := range items { // give back what the rest holds
					it.msg.lease.release()
				}
				return
			}
		}
	}()
	idle := 3 * s.PingEvery
	for {
		limit := func() int64 {
			if requests.Load() > 0 {
				return smallMessage
			}
			return s.MaxMessage
		}
		m, err := s.readMessage(c, idle, siteOf(origin), limit, l.keys...)
		if err != nil {
			if errors.Is(err, errInvalidUTF8) {
				closeInvalidUTF8(c)
			}
			s.Log.Debug(l.name+" connection closed", "origin", origin.String(), "err", err)
			break
		}
		if l.heartbeat != "" && !m.refused() && string(m.data) == l.heartbeat {
			m.lease.release()
			if c.writeText([]byte(l.heartbeat)) != nil {
				break
			}
			continue
		}
		it := loopItem{msg: m, busy: m.refused() || requests.Load() >= 2}
		if !it.busy {
			requests.Add(1)
		} else if !m.refused() {
			// Kept but not queued: only the fields of its busy answer
			// are needed.
			m.fields = newFieldScanner(l.keys...)
			m.fields.Write(m.data)
			m.data = nil
			m.lease.release()
		}
		select {
		case items <- it:
			continue
		default:
		}
		// A page with this many unanswered messages is not a page.
		m.lease.release()
		c.mu.Lock()
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too many requests"), time.Now().Add(time.Second))
		c.mu.Unlock()
		break
	}
	cancel() // closes a queued or open prompt of this page
	close(items)
	<-done
}
