package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/transport"
)

// countryProtocols are the doors `install --country` turns on.
var countryProtocols = map[string][]string{
	"kz": nil, // NCALayer's door is always on
	"vn": {agent.ProtocolVNPT, agent.ProtocolVGCA},
}

// checkCountry refuses a country we have no doors for, and --all-users
// with one: the user's config.json turns doors on; for every user the
// machine policy's "protocols" key does (docs/admin.md).
func checkCountry(country string, allUsers bool) error {
	if country == "" {
		return nil
	}
	if _, ok := countryProtocols[country]; !ok {
		return usageMsg("cli-install-country-unknown", country)
	}
	if allUsers && len(countryProtocols[country]) > 0 {
		return usageMsg("cli-install-country-all-users")
	}
	return nil
}

// installCountry turns a country's doors on in the user's config.json
// (only its "protocols" key is written; the rest stays as it was) and
// says which ports they use.
func installCountry(e *env, country string) error {
	want := countryProtocols[country]
	if len(want) == 0 {
		return nil
	}
	path := filepath.Join(agent.ConfigDir(), "config.json")
	if err := addProtocols(path, want); err != nil {
		return err
	}
	for _, p := range want {
		ports := []int{transport.VGCAPort}
		if p == agent.ProtocolVNPT {
			ports = transport.VNPTPorts
		}
		for _, port := range ports {
			if h := portHolder(port); h != "" {
				fmt.Fprintln(e.stderr, e.T("cli-install-port-held", port, h))
			}
		}
	}
	fmt.Fprintln(e.stdout, e.T("cli-install-country-on", path))
	return nil
}

// addProtocols adds names to the "protocols" list of a config file,
// keeping every other key as written (a missing file is created).
func addProtocols(path string, names []string) error {
	raw := map[string]json.RawMessage{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("config: %w", err)
	default:
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
	}
	var list []string
	if p, ok := raw["protocols"]; ok {
		if err := json.Unmarshal(p, &list); err != nil {
			return fmt.Errorf("config %s: protocols: %w", path, err)
		}
	}
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	raw["protocols"], _ = json.Marshal(list)
	out, err := json.MarshalIndent(raw, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(out, '\n'), 0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return os.Rename(tmp, path)
}

// doorStatus is what status found on a vendor door's ports.
type doorStatus int

const (
	doorNone  doorStatus = iota // nothing listens
	doorOurs                    // qoltanba answers
	doorOther                   // another program holds the port
)

// probeDoor asks port what it is: a call only qoltanba answers with its
// name (an unknown VNPT function, VGCA's GetVersion). A handshake refused
// with 403 is ours too (an unattended agent admits its sites only).
func probeDoor(door transport.Door, port int) doorStatus {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return doorNone
	}
	c.Close()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, HandshakeTimeout: 2 * time.Second} // a probe of our own port: no secret goes over it
	path, msg := "/GetVersion", []byte("{}")
	if door == transport.DoorVNPT {
		path, msg = "/plugin", []byte(`{"functionID":9999,"funcCallback":"status","args":[]}`)
	}
	ws, resp, err := d.Dial("wss://"+addr+path, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusForbidden {
			return doorOurs
		}
		return doorOther
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	if ws.WriteMessage(websocket.TextMessage, msg) != nil {
		return doorOther
	}
	_, ans, err := ws.ReadMessage()
	if err == nil && strings.Contains(string(ans), "qoltanba") {
		return doorOurs
	}
	return doorOther
}

// printDoors adds the vendor doors the configuration turns on to status.
func printDoors(e *env, cfg agent.Config) {
	for _, d := range []struct {
		proto, name, path string
		door              transport.Door
		ports             []int
	}{
		{agent.ProtocolVNPT, "VNPT-CA Plugin", "/plugin", transport.DoorVNPT, transport.VNPTPorts},
		{agent.ProtocolVGCA, "VGCA SignService", "/", transport.DoorVGCA, []int{transport.VGCAPort}},
	} {
		if !cfg.Serves(d.proto) {
			continue
		}
		found := false
		var names, others []string
		for _, p := range d.ports {
			names = append(names, strconv.Itoa(p))
			switch probeDoor(d.door, p) {
			case doorOurs:
				fmt.Fprintf(e.stdout, "ok   %s\n", e.T("cli-status-door", d.name, p, d.path))
				found = true
			case doorOther:
				others = append(others, e.T("cli-status-door-other", d.name, p))
			}
			if found {
				break
			}
		}
		// A port another program holds is a note when a later one is
		// ours (pages try them in order), a failure when none is.
		mark := "     "
		if !found {
			mark = "FAIL"
		}
		for _, o := range others {
			fmt.Fprintf(e.stdout, "%s %s\n", mark, o)
		}
		if !found {
			fmt.Fprintf(e.stdout, "FAIL %s\n", e.T("cli-status-door-down", d.name, strings.Join(names, ", ")))
		}
	}
}
