package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestOriginIsConfiguration: the site's origin is its configuration, not
// the request's Host header (issue 21: a login signed for
// http://phish.example, posted with Host: phish.example, logged in).
func TestOriginIsConfiguration(t *testing.T) {
	_, srv, c := newSite(t, false)
	k := gostKey(t)
	do := func(path, host string, body []byte) (int, []byte) {
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if host != "" {
			req.Host = host // the whole session is the attacker's, under their name
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		out, _ := io.ReadAll(r.Body)
		return r.StatusCode, out
	}
	post := func(signedFor, host string) (int, string) {
		_, b := do("/challenge", host, nil)
		var j struct{ Challenge []byte }
		if err := json.Unmarshal(b, &j); err != nil || len(j.Challenge) != 32 {
			t.Fatalf("challenge %s", b)
		}
		b, _ = json.Marshal(boundLogin(t, k, signedFor, j.Challenge))
		code, out := do("/login", host, b)
		return code, string(out)
	}
	if code, body := post("http://phish.example", "phish.example"); code != 403 || !strings.Contains(body, "another site") {
		t.Errorf("login for phish.example with Host: phish.example: %d %s", code, body)
	}
	if code, body := post(srv.URL, ""); code != 200 {
		t.Errorf("login for the configured origin: %d %s", code, body)
	}
	if code, body := post(srv.URL, "phish.example"); code != 200 {
		t.Errorf("login for the configured origin, whatever the Host: %d %s", code, body)
	}
}

func TestParseOrigins(t *testing.T) {
	got, err := parseOrigins([]string{"https://Login.Example.kz:443/, http://127.0.0.1:8080", "https://login.example.kz"})
	if want := []string{"https://login.example.kz", "http://127.0.0.1:8080"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q %v, want %q", got, err, want)
	}
	for _, bad := range []string{"login.example.kz", "https://login.example.kz/path", "ftp://x", "https://", "https://a:99999"} {
		if _, err := parseOrigins([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for addr, want := range map[string][]string{
		"127.0.0.1:8080":  {"http://127.0.0.1:8080", "http://localhost:8080"},
		"[::]:8081":       {"http://127.0.0.1:8081", "http://localhost:8081"},
		"192.0.2.10:8082": {"http://192.0.2.10:8082"},
	} {
		a, _ := net.ResolveTCPAddr("tcp", addr)
		if got := defaultOrigins(a); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
}
