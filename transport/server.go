package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/net/publicsuffix"

	"github.com/qoltanba/qoltanba/agent"
)

// Server is the agent's WebSocket/HTTPS front.
type Server struct {
	Agent   *agent.Agent
	Version string
	Port    int
	TLS     *tls.Config
	Log     *slog.Logger
	// MaxMessage bounds one WebSocket message (default from the config).
	MaxMessage int64
	// Unattended, when set, limits handshakes to these origins.
	Unattended []agent.Origin
	// PingEvery is the WebSocket ping interval for idle connections.
	PingEvery time.Duration
	// RequestMemory bounds the request bytes held at once (see budget);
	// 0 means DefaultRequestMemory.
	RequestMemory int64
	// Door is the protocol family this server speaks on its port:
	// NCALayer and the native protocol (the zero value), or one of the
	// Vietnamese vendors' (see Sibling).
	Door Door
	// MaxConns and MaxConnsPerSite bound open WebSocket connections, in
	// all and per site (registrable domain: see siteOf) (0:
	// DefaultMaxConns, DefaultMaxConnsPerSite). The last quarter of
	// MaxConns is kept for sites that have no connection open.
	MaxConns, MaxConnsPerSite int

	upgrader websocket.Upgrader
	listener []net.Listener
	budget   *budget

	connMu sync.Mutex
	conns  int
	bySite map[string]int
}

// Connection caps: a page has no reason to open more than a few.
const (
	DefaultMaxConns        = 512
	DefaultMaxConnsPerSite = 32
)

// smallMessage bounds a message that arrives while an earlier request of
// the same connection is still being handled: nothing large is queued
// behind a request that waits for the user.
const smallMessage = 64 << 10

// ErrPortTaken is returned when another program (a real NCALayer, a second
// copy) already listens on the port.
var ErrPortTaken = errors.New("port already in use")

// Listen binds the loopback addresses (127.0.0.1 always, ::1 when the
// system has it). Nothing listens on other interfaces.
func (s *Server) Listen() error {
	s.init()
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)))
	if err != nil {
		if errors.Is(err, syscallEADDRINUSE()) {
			return fmt.Errorf("%w: 127.0.0.1:%d (%v)", ErrPortTaken, s.Port, err)
		}
		return err
	}
	if s.Port == 0 {
		s.Port = l.Addr().(*net.TCPAddr).Port
	}
	s.listener = []net.Listener{l}
	if l6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(s.Port))); err == nil {
		s.listener = append(s.listener, l6)
	}
	return nil
}

// Serve answers on the listeners until ctx ends.
func (s *Server) Serve(ctx context.Context) error {
	srv := &http.Server{Handler: s, TLSConfig: s.TLS, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelDebug)}
	errc := make(chan error, len(s.listener))
	for _, l := range s.listener {
		go func(l net.Listener) { errc <- srv.Serve(tls.NewListener(l, s.TLS)) }(l)
	}
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return nil
	case err := <-errc:
		return err
	}
}

// allowedHost: the Host header must name the loopback with our port
// (DNS-rebinding defence, the Transmission fix).
func (s *Server) allowedHost(h string) bool {
	host, port, err := net.SplitHostPort(h)
	if err != nil || port != strconv.Itoa(s.Port) {
		return false
	}
	return host == "127.0.0.1" || host == "localhost" || host == "::1"
}

// ServeHTTP applies the policy, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.allowedHost(r.Host) {
		http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
		return
	}
	origin, err := agent.ParseOrigin(r.Header.Get("Origin"))
	if err != nil {
		http.Error(w, "origin refused", http.StatusForbidden)
		return
	}
	if s.Agent.OriginRefused(origin) || (s.Unattended != nil && !containsOrigin(s.Unattended, origin)) {
		http.Error(w, "origin refused", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodOptions {
		s.preflight(w, r, origin)
		return
	}
	upgrade := websocket.IsWebSocketUpgrade(r)
	if upgrade {
		leave, ok := s.enter(siteOf(origin))
		if !ok {
			http.Error(w, "too many connections", http.StatusServiceUnavailable)
			return
		}
		defer leave()
	}
	switch {
	case s.Door == DoorVNPT || s.Door == DoorVGCA:
		s.serveVendor(w, r, origin, upgrade)
	case upgrade && (r.URL.Path == "/" || r.URL.Path == ""):
		s.serveNCALayer(w, r, origin)
	case upgrade && r.URL.Path == "/qoltanba/v1":
		s.serveNative(w, r, origin)
	case !upgrade && r.URL.Path == "/" && r.Method == http.MethodGet:
		s.statusPage(w, r)
	default:
		http.NotFound(w, r)
	}
}

// init sets the defaults and the parts Serve needs (Listen calls it; tests
// of handlers call it directly).
func (s *Server) init() {
	if s.budget == nil {
		s.budget = newBudget(s.RequestMemory)
	}
	if s.MaxConns <= 0 {
		s.MaxConns = DefaultMaxConns
	}
	if s.MaxConnsPerSite <= 0 {
		s.MaxConnsPerSite = DefaultMaxConnsPerSite
	}
	if s.MaxMessage <= 0 {
		s.MaxMessage = agent.DefaultMaxMessage
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.PingEvery <= 0 {
		s.PingEvery = 30 * time.Second
	}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize: 16 << 10, WriteBufferSize: 16 << 10,
		EnableCompression: false,
		// The origin policy runs in ServeHTTP before the upgrade.
		CheckOrigin: func(*http.Request) bool { return true },
	}
}

// enter counts a WebSocket connection of site against the caps; leave
// uncounts it. A site that already has connections open may not take the
// last quarter of MaxConns: those places are kept for sites that have
// none, so pages of a few sites cannot lock every other site out.
func (s *Server) enter(site string) (leave func(), ok bool) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.bySite == nil {
		s.bySite = map[string]int{}
	}
	limit := s.MaxConns
	if s.bySite[site] > 0 {
		limit -= s.MaxConns / 4
	}
	if s.conns >= limit || s.bySite[site] >= s.MaxConnsPerSite {
		return nil, false
	}
	s.conns++
	s.bySite[site]++
	return func() {
		s.connMu.Lock()
		defer s.connMu.Unlock()
		s.conns--
		if s.bySite[site]--; s.bySite[site] == 0 {
			delete(s.bySite, site)
		}
	}, true
}

// siteOf is what the connection caps and the request budget count a page
// by: the registrable domain of its origin's host (a page's subdomains,
// whatever their scheme or port, are one site: egov.kz for
// idp.egov.kz), or the host itself for localhost or a bare public suffix;
// local programs are one site. A trailing dot is dropped first: browsers
// send x1.evil.example. as written, DNS serves it as x1.evil.example, and
// without the dot the public-suffix lookup fails, which made every such
// subdomain a site of its own. IP addresses count by the network one
// holder gets (IPv4 /24, IPv6 /48), not one by one: an IPv6 holder has
// addresses beyond counting.
func siteOf(o agent.Origin) string {
	if o.IsLocal() {
		return o.String()
	}
	host := strings.TrimRight(o.Host, ".")
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return ip.String()
		}
		if v4 := ip.To4(); v4 != nil {
			return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
		}
		return ip.Mask(net.CIDRMask(48, 128)).String() + "/48"
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return reg
}

func containsOrigin(list []agent.Origin, o agent.Origin) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

// preflight answers Chrome's Private/Local Network Access preflight for
// pages allowed to talk to the agent.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request, o agent.Origin) {
	if o.IsLocal() {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", o.String())
	h.Set("Access-Control-Allow-Methods", "GET")
	h.Set("Vary", "Origin")
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" || r.Header.Get("Access-Control-Request-Local-Network") == "true" {
		h.Set("Access-Control-Allow-Private-Network", "true")
		h.Set("Access-Control-Allow-Local-Network", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}

var statusTmpl = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>qoltanba</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;line-height:1.5}.ok{color:#0a7d2c}</style></head>
<body><h1>qoltanba {{.Version}}</h1>
<p class="ok">✔ Агент жұмыс істеп тұр. Агент работает. The signing agent is running.</p>
<p>Бұл бет ескертусіз ашылса, браузер агенттің сертификатына сенеді. Если эта страница открылась без предупреждения, браузер доверяет сертификату агента. If this page opened without a certificate warning, your browser trusts the agent.</p>
<p>wss://127.0.0.1:{{.Port}}/ (NCALayer) · wss://127.0.0.1:{{.Port}}/qoltanba/v1</p>
</body></html>
`))

func (s *Server) statusPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	statusTmpl.Execute(w, struct {
		Version string
		Port    int
	}{s.Version, s.Port})
}

// conn wraps a WebSocket with a write lock (answers, heartbeat echoes and
// pings come from different goroutines).
type conn struct {
	ws *websocket.Conn
	mu sync.Mutex
}

func (c *conn) writeText(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// writeAnswer streams one text frame.
func (c *conn) writeAnswer(a func(io.Writer) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(60 * time.Second))
	w, err := c.ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	if err := a(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

func (c *conn) ping() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second))
}

// upgrade performs the handshake and starts the idle pinger; the returned
// context ends when the connection does.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request) (*conn, context.Context, context.CancelFunc, error) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	ws.SetReadLimit(s.MaxMessage)
	c := &conn{ws: ws}
	ctx, cancel := context.WithCancel(context.Background())
	idle := 3 * s.PingEvery
	ws.SetReadDeadline(time.Now().Add(idle))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(idle)) })
	go func() {
		t := time.NewTicker(s.PingEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if c.ping() != nil {
					return
				}
			}
		}
	}()
	return c, ctx, cancel, nil
}

// Door is a protocol family a Server speaks on its port.
type Door string

// Doors. The Vietnamese vendors' doors are off unless the configuration
// turns them on (docs/vietnam.md).
const (
	DoorNCALayer Door = ""     // "/" NCALayer, "/qoltanba/v1" native, the status page
	DoorVNPT     Door = "vnpt" // "/plugin": the VNPT-CA Plugin (vnpt.go)
	DoorVGCA     Door = "vgca" // "/<Endpoint>": VGCA SignService (vgca.go)
)

// Sibling is a server for another door on another port, with this one's
// agent, TLS, limits and unattended origins, sharing its request budget
// (the connection caps count per door).
func (s *Server) Sibling(d Door, port int) *Server {
	if s.budget == nil { // not listening yet (Listen sets the defaults)
		s.init()
	}
	return &Server{Agent: s.Agent, Version: s.Version, Port: port, TLS: s.TLS, Log: s.Log, MaxMessage: s.MaxMessage,
		Unattended: s.Unattended, PingEvery: s.PingEvery, RequestMemory: s.RequestMemory,
		MaxConns: s.MaxConns, MaxConnsPerSite: s.MaxConnsPerSite, Door: d, budget: s.budget}
}

// serveVendor routes a vendor door's request (the loopback, origin and
// connection checks have passed).
func (s *Server) serveVendor(w http.ResponseWriter, r *http.Request, origin agent.Origin, upgrade bool) {
	switch {
	case upgrade && s.Door == DoorVNPT && r.URL.Path == vnptPath:
		s.serveVNPT(w, r, origin)
	case upgrade && s.Door == DoorVGCA && vgcaEndpointOf(r.URL.Path) != "":
		s.serveVGCA(w, r, origin, vgcaEndpointOf(r.URL.Path))
	default:
		http.NotFound(w, r)
	}
}
