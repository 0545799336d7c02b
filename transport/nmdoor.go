package transport

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// The native messaging door: the agent's end of the hosts browsers start
// for the official IFCPlugin and Gosplugin extensions. The host
// (`qoltanba native-host`, which is also what the manifests' path runs)
// signs nothing: it connects to the running agent over a channel only the
// same user can open (a Unix socket in the user's runtime directory, its
// peer's uid checked; a named pipe with an owner-only DACL on Windows;
// nmsock_*.go, nmpeer_*.go), sends a hello naming the extension
// the browser started it for, and relays frames both ways. The door turns
// each function into agent calls with that extension as the caller, so
// consent, the one-dialog queue, the policy, unattended mode and the audit
// log apply as for a page's WebSocket.

// Native messaging host names (the manifests' "name").
const (
	HostIFCPlugin        = "ru.rtlabs.ifcplugin"
	HostGosplugin        = "chrome.gosuslugi.plugin"
	HostGospluginFirefox = "gosuslugi.plugin"
)

// NativeHello is the host's first frame on the agent's socket: which host
// name the browser started and for which extension (the origin the
// browser passed as the host's argument, never a message field).
type NativeHello struct {
	Qoltanba string `json:"qoltanba"` // "native-host"
	Version  int    `json:"v"`        // 1
	Host     string `json:"host"`
	Origin   string `json:"origin"`
}

// NativeHelloVersion is the relay protocol's version.
const NativeHelloVersion = 1

// ListedKey is a key a page may see before any PIN: its certificate, and
// where it is (the dialog asks the password or PIN only when signing).
type ListedKey struct {
	Certificate *x509.Certificate
	Storage     string // "PKCS12" or a token storage name
	Label       string // the key file's or token's name
}

// KeyLister lists the keys a native messaging page may see before any PIN:
// the key files the user keeps in "my keys" and the certificates tokens
// show without login (another part of the agent provides it).
type KeyLister interface {
	ListedKeys(ctx context.Context) []ListedKey
}

// KeyList is a fixed KeyLister (unattended mode: its one key).
type KeyList []ListedKey

// ListedKeys returns the list.
func (l KeyList) ListedKeys(context.Context) []ListedKey { return l }

// NativeDoor serves the hosts' connections.
type NativeDoor struct {
	Agent   *agent.Agent
	Version string
	Log     *slog.Logger
	// Keys lists the certificates pages may see before any PIN (nil:
	// none, the page lists an empty store).
	Keys KeyLister
	// AskForKeys: when Keys lists none, a page's certificate list asks
	// the user to choose a key in the dialog (a key-info request: the
	// key file's password or the token's PIN opens it, nothing is
	// signed); the chosen certificate is listed for the rest of the
	// connection and the dialog asks again when it signs.
	AskForKeys bool
	// RequestMemory bounds the request bytes held at once over all
	// connections (0: DefaultRequestMemory).
	RequestMemory int64

	once   sync.Once
	budget *budget
	connMu sync.Mutex
	conns  map[string]int // open connections per extension
}

// MaxNativeConnsPerCaller bounds one extension's open host connections: a
// page has one port at a time; each connection may hold a request.
const MaxNativeConnsPerCaller = 8

func (d *NativeDoor) init() {
	d.once.Do(func() {
		d.budget = newBudget(d.RequestMemory)
		if d.Log == nil {
			d.Log = slog.Default()
		}
	})
}

// nmProtocol is one host protocol's decoder (IFCPlugin, Gosplugin).
type nmProtocol interface {
	// handle answers one request frame: one frame, or several for a
	// chunked answer (written together, nothing between them).
	handle(ctx context.Context, msg []byte) [][]byte
	// refuse is the answer to a frame that is refused before it is
	// decoded: over the limit, not JSON, or sent while another request
	// is pending (busy).
	refuse(msg []byte, why nmRefusal) []byte
}

// nmRefusal is why a frame was not handled.
type nmRefusal int

const (
	refuseTooLarge nmRefusal = iota + 1
	refuseBusy
	refuseNoMemory
	refuseDenied // the policy or the user blocked the extension
)

// deniedProtocol answers every request of a denied extension with its
// protocol's refusal, before anything is decoded or listed.
type deniedProtocol struct{ nmProtocol }

func (p deniedProtocol) handle(_ context.Context, msg []byte) [][]byte {
	return [][]byte{p.refuse(msg, refuseDenied)}
}

// helloTimeout bounds the wait for a host's hello.
const helloTimeout = 10 * time.Second

// Serve accepts hosts' connections on l until ctx ends. Each connection
// must pass accept (the peer's credentials) before anything is read.
func (d *NativeDoor) Serve(ctx context.Context, l net.Listener) error {
	d.init()
	go func() { <-ctx.Done(); l.Close() }()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		go d.serveConn(ctx, c)
	}
}

// ServeConn serves one host connection whose peer was already checked
// (tests, and the platform listeners).
func (d *NativeDoor) serveConn(ctx context.Context, c net.Conn) {
	defer c.Close()
	if err := peerIsUs(c); err != nil {
		d.Log.Warn("native messaging: a connection from another user refused", "err", err)
		return
	}
	d.ServeConn(ctx, c)
}

// ServeConn serves one host connection (its peer checked by the caller).
func (d *NativeDoor) ServeConn(ctx context.Context, c io.ReadWriteCloser) {
	d.init()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if dl, ok := c.(interface{ SetReadDeadline(time.Time) error }); ok {
		dl.SetReadDeadline(time.Now().Add(helloTimeout))
	}
	raw, err := ReadFrame(c, 4<<10)
	if err != nil {
		d.Log.Info("native messaging: no hello from the host", "err", err)
		return
	}
	if dl, ok := c.(interface{ SetReadDeadline(time.Time) error }); ok {
		dl.SetReadDeadline(time.Time{})
	}
	var h NativeHello
	if err := json.Unmarshal(raw, &h); err != nil || h.Qoltanba != "native-host" || h.Version != NativeHelloVersion {
		d.Log.Info("native messaging: a bad hello", "err", err)
		return
	}
	origin, err := agent.ParseOrigin(h.Origin)
	if err != nil || !origin.IsExtension() {
		d.Log.Warn("native messaging: the browser named no extension", "origin", h.Origin)
		return
	}
	var p nmProtocol
	switch h.Host {
	case HostIFCPlugin:
		p = &ifcSession{d: d, origin: origin}
	case HostGosplugin, HostGospluginFirefox:
		p = &gosSession{d: d, origin: origin}
	default:
		d.Log.Warn("native messaging: unknown host name", "host", h.Host)
		return
	}
	if d.Agent.OriginRefused(origin) {
		// Every request gets the protocol's refusal, certificate lists
		// included (they name the user); the log says why.
		d.Log.Info("native messaging: the extension is denied", "origin", origin.String())
		p = deniedProtocol{p}
	}
	d.connMu.Lock()
	if d.conns == nil {
		d.conns = map[string]int{}
	}
	open := d.conns[origin.String()]
	if open < MaxNativeConnsPerCaller {
		d.conns[origin.String()]++
	}
	d.connMu.Unlock()
	if open >= MaxNativeConnsPerCaller {
		d.Log.Warn("native messaging: too many connections from one extension", "origin", origin.String(), "open", open)
		return
	}
	defer func() {
		d.connMu.Lock()
		d.conns[origin.String()]--
		d.connMu.Unlock()
	}()
	d.Log.Info("native messaging: host connected", "host", h.Host, "origin", origin.String())
	d.relay(ctx, c, p, origin)
}

// relay reads the host's frames: one request at a time is handled; a
// frame that arrives while one is pending is answered busy at once.
func (d *NativeDoor) relay(ctx context.Context, c io.ReadWriteCloser, p nmProtocol, origin agent.Origin) {
	var wmu sync.Mutex
	send := func(frames ...[]byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		for _, b := range frames {
			if err := WriteFrame(c, b); err != nil {
				return err
			}
		}
		return nil
	}
	site := "native:" + origin.String()
	ctx, cancel := context.WithCancel(ctx)
	var pending sync.WaitGroup
	busy := make(chan struct{}, 1)
	// When the host goes (the browser closed the port: the page went
	// away), the pending request's dialog is canceled, then waited for.
	defer pending.Wait()
	defer cancel()
	defer context.AfterFunc(ctx, func() { c.Close() })()
	for {
		// The frame and what is decoded from it (the document, at most as
		// large) are held until the answer: reserved by the size the
		// frame's header announces, before its body is read.
		var n int64
		msg, err := readFrameAdmit(c, MaxNativeRequest, func(size int64) bool {
			if d.budget.take(site, 2*size) {
				n = 2 * size
				return true
			}
			return false
		})
		var tl *FrameTooLargeError
		switch {
		case errors.As(err, &tl):
			send(p.refuse(nil, refuseTooLarge))
			continue
		case errors.Is(err, errNoRoom):
			send(p.refuse(nil, refuseNoMemory))
			continue
		case err != nil:
			d.budget.give(site, n)
			return
		}
		select {
		case busy <- struct{}{}:
		default:
			d.budget.give(site, n)
			send(p.refuse(msg, refuseBusy))
			continue
		}
		pending.Add(1)
		go func() {
			defer pending.Done()
			answer := p.handle(ctx, msg)
			d.budget.give(site, n)
			// Free before the answer: the page's next request may follow
			// it at once.
			<-busy
			if err := send(answer...); err != nil {
				d.Log.Info("native messaging: answer not sent", "err", err)
			}
		}()
	}
}

// mustJSONAnswer encodes an answer (a map or struct of the protocol).
func mustJSONAnswer(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("transport: answer: %v", err))
	}
	return b
}
