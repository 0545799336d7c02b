package transport

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
)

func TestSiteOf(t *testing.T) {
	for origin, want := range map[string]string{
		"https://egov.kz":                 "egov.kz",
		"https://idp.egov.kz":             "egov.kz",
		"http://a.b.egov.kz:8443":         "egov.kz",
		"https://x1.evil.example":         "evil.example",
		"https://evil.co.uk":              "evil.co.uk",
		"https://a.evil.co.uk":            "evil.co.uk",
		"https://someone.github.io":       "someone.github.io", // a private suffix: each name its own owner
		"http://localhost:3000":           "localhost",
		"http://127.0.0.1:8080":           "127.0.0.1",
		"http://[::1]:8080":               "::1",
		"":                                "local program",
		"https://xn--80ak6aa92e.xn--p1ai": "xn--80ak6aa92e.xn--p1ai",
		// A trailing dot (browsers send it as the page's address has it)
		// does not make each subdomain a site of its own.
		"https://x1.evil.example.":    "evil.example",
		"http://x2.evil.example.:80":  "evil.example",
		"https://egov.kz.":            "egov.kz",
		"http://localhost.:3000":      "localhost",
		"http://203.0.113.7":          "203.0.113.0/24",
		"http://203.0.113.200:8080":   "203.0.113.0/24",
		"http://[2001:db8:1:2::7]":    "2001:db8:1::/48",
		"http://[2001:db8:1:ffff::1]": "2001:db8:1::/48",
	} {
		o, err := agent.ParseOrigin(origin)
		if err != nil {
			t.Fatal(err)
		}
		if got := siteOf(o); got != want {
			t.Errorf("siteOf(%q) = %q, want %q", origin, got, want)
		}
	}
}

// TestOneSiteCannotTakeAllConnections: a page that opens as many
// connections as it may from each of many subdomains of its own domain
// holds one site's share; egov.kz still connects. Sites that already have
// connections cannot take the last quarter of the places.
func TestOneSiteCannotTakeAllConnections(t *testing.T) {
	h := start(t, opts{maxConns: 4, maxTotalConns: 16})
	var held int
	// 8 subdomains x 4 connections would fill all 16; then the same
	// subdomains written with a trailing dot.
	for _, dot := range []string{"", "."} {
		for i := range 8 {
			for range 4 {
				ws, err := h.tryDial(fmt.Sprintf("https://x%d.evil.example%s", i, dot), "/", "")
				if err != nil {
					if !strings.Contains(err.Error(), "HTTP 503") {
						t.Fatal(err)
					}
					continue
				}
				t.Cleanup(func() { ws.Close() })
				held++
			}
		}
	}
	if held != 4 {
		t.Errorf("one site holds %d connections, want 4", held)
	}
	h.nca(t) // egov.kz
	// Two more sites fill what sites in use may take (4+1+4+3 = 12 of 16)...
	for site, n := range map[string]int{"https://a.example": 4, "https://b.example": 3} {
		for range n {
			h.dial(t, site, "/")
		}
	}
	if _, err := h.tryDial("https://egov.kz", "/", ""); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("a site in use took a reserved place: %v", err)
	}
	// ...and a site with none open still gets one.
	h.dial(t, "https://c.example", "/")
}

// sitePrompter holds the dialog of every site but egov.kz until release,
// and cancels egov.kz's at once.
type sitePrompter struct{ release chan struct{} }

func (p *sitePrompter) Consent(context.Context, agent.ConsentQuestion) (agent.Consent, error) {
	return agent.AllowOnce, nil
}
func (p *sitePrompter) Choose(ctx context.Context, s *agent.Session) error {
	if s.Request.Origin.Host != "egov.kz" {
		select {
		case <-p.release:
		case <-ctx.Done():
		}
	}
	return agent.ErrCanceled
}
func (p *sitePrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// TestOneSiteCannotTakeTheBudget: two subdomains of one domain, each with
// a request waiting for the user, hold at most half of the request
// budget; egov.kz's request of the same size is taken and handled, not
// answered BUSY.
func TestOneSiteCannotTakeTheBudget(t *testing.T) {
	p := &sitePrompter{release: make(chan struct{})}
	h := start(t, opts{prompter: p, requestMemory: 4 << 20})
	doc := strings.Repeat("a", 600<<10)
	req := `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"` + b64(doc) + `","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`
	busy := `{"code":"SIGNING_FAILURE","message":"` + agent.OutcomeBusy.Message() + `","status":false}`
	first := h.dial(t, "https://a.evil.example", "/")
	read(t, first)
	first.WriteMessage(websocket.TextMessage, []byte(req))
	waitHeld(t, h, "evil.example", 1<<20)
	second := h.dial(t, "https://b.evil.example", "/")
	read(t, second)
	// The second subdomain's request does not fit the site's half.
	if got := call(t, second, req); got != busy {
		t.Errorf("second subdomain: %.200s", got)
	}
	ws := h.nca(t)
	ws.WriteMessage(websocket.TextMessage, []byte(req))
	waitHeld(t, h, "egov.kz", 1<<20)
	close(p.release)
	if got := read(t, ws); got != `{"body":{},"status":true}` {
		t.Errorf("egov.kz: %.200s", got)
	}
	if got := read(t, first); got != `{"body":{},"status":true}` {
		t.Errorf("first subdomain: %.200s", got)
	}
	waitBudget(t, h, 0)
}

// waitHeld waits until site holds at least n bytes of the budget (its
// request was taken and waits for the user).
func waitHeld(t *testing.T, h *harness, site string, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b := h.srv.budget
		b.mu.Lock()
		held := b.bySite[site]
		b.mu.Unlock()
		if held >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d bytes", site, held)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
