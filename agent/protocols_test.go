package agent

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestProtocols: config.json turns the Vietnamese doors on; the machine
// policy's list is exactly the doors served; unknown names are refused
// by both.
func TestProtocols(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	os.WriteFile(path, []byte(`{"protocols":["ncalayer","vnpt","vgca"]}`), 0o600)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Serves(ProtocolVNPT) || !cfg.Serves(ProtocolVGCA) || !cfg.Serves(ProtocolNCALayer) {
		t.Errorf("config %v", cfg.Protocols)
	}
	if DefaultConfig().Serves(ProtocolVNPT) || DefaultConfig().Serves(ProtocolVGCA) || !DefaultConfig().Serves(ProtocolNCALayer) {
		t.Error("the Vietnamese doors must be off by default")
	}
	os.WriteFile(path, []byte(`{"protocols":["vnpt","cryptopro"]}`), 0o600)
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "cryptopro") {
		t.Errorf("unknown protocol in config: %v", err)
	}
	for _, tc := range []struct {
		policy string
		want   []string
	}{
		{`{"protocols":[]}`, []string{}},
		{`{"protocols":["vgca"]}`, []string{"vgca"}},
		{`{}`, []string{"ncalayer", "vnpt", "vgca"}},
	} {
		p, err := ParsePolicy([]byte(tc.policy), "test")
		if err != nil {
			t.Fatal(err)
		}
		got := p.Apply(cfg).Protocols
		if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: %v, want %v", tc.policy, got, tc.want)
		}
	}
	if _, err := ParsePolicy([]byte(`{"protocols":["vnpt","x"]}`), "test"); err == nil {
		t.Error("unknown protocol in a policy accepted")
	}
}
