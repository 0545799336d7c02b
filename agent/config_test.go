package agent

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestConfigRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qoltanba", "config.json")
	c, err := LoadConfig(path) // missing: defaults
	if err != nil || c.Port != DefaultPort || time.Duration(c.PromptTimeout) != DefaultPromptTimeout || c.TSAURL == "" {
		t.Fatalf("defaults %+v %v", c, err)
	}
	c.TSAURL = "http://test.pki.gov.kz/tsp/"
	c.PromptTimeout = Duration(90 * time.Second)
	c.PKCS11Modules = []ModuleConfig{{Name: "x", Storage: "AKKaztokenStore", Path: "/opt/x.so"}}
	if err := SaveConfig(path, c); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	back, err := LoadConfig(path)
	if err != nil || back.TSAURL != c.TSAURL || back.PromptTimeout != c.PromptTimeout || len(back.PKCS11Modules) != 1 {
		t.Fatalf("round trip %+v %v", back, err)
	}
	os.WriteFile(path, []byte(`{"port": 70000}`), 0o600)
	if _, err := LoadConfig(path); err == nil {
		t.Error("port 70000 accepted")
	}
	os.WriteFile(path, []byte(`{"promptTimeout": 30}`), 0o600)
	if c, err := LoadConfig(path); err != nil || time.Duration(c.PromptTimeout) != 30*time.Second {
		t.Errorf("seconds: %v %v", c.PromptTimeout, err)
	}
}
