package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// Config is the agent's configuration file (docs/config.md). Every field
// has a default; a missing file means all defaults.
type Config struct {
	// Port of wss://127.0.0.1:<port> (NCALayer's is 13579).
	Port int `json:"port"`
	// AllowedOrigins are pre-approved by the admin (no consent question);
	// DeniedOrigins are refused at the handshake.
	AllowedOrigins []string `json:"allowedOrigins"`
	DeniedOrigins  []string `json:"deniedOrigins"`
	// TSAURL is the only timestamp authority ever contacted.
	TSAURL string `json:"tsaURL"`
	// PKCS11Modules adds token libraries to the built-in catalog.
	PKCS11Modules []ModuleConfig `json:"pkcs11Modules"`
	// Locale of the dialogs: kk, ru, en or vi ("" = the system's).
	Locale string `json:"locale"`
	// PromptTimeout cancels a dialog left open this long.
	PromptTimeout Duration `json:"promptTimeout"`
	// MaxQueuedPerOrigin bounds the requests one site can have waiting.
	MaxQueuedPerOrigin int `json:"maxQueuedPerOrigin"`
	// MaxMessageBytes bounds one WebSocket message (documents are base64).
	MaxMessageBytes int64 `json:"maxMessageBytes"`
	// MaxRequestMemoryBytes bounds the request bytes held in memory at
	// once, all pages together (three quarters of it for one site).
	MaxRequestMemoryBytes int64 `json:"maxRequestMemoryBytes"`
	// KnownOrigins add sites to the built-in list of known services the
	// dialog names (and checks look-alikes against); checked and
	// normalised by CheckKnownOrigins. A machine policy that sets
	// knownOrigins replaces this list.
	KnownOrigins []KnownService `json:"knownOrigins"`
	// ProductionCAFiles are NCA's production CA certificates; when given,
	// "production NCA" keys are recognised by chain instead of by name.
	ProductionCAFiles []string `json:"productionCAFiles"`
	// Protocols turns on doors beside NCALayer's and the native
	// protocol's (always on): "vnpt" (the VNPT-CA Plugin) and "vgca"
	// (VGCA SignService); "ncalayer" may be named too. docs/vietnam.md.
	Protocols []string `json:"protocols,omitempty"`
	// UpdateURL is the signed update repository (package update; ""
	// = the release's own, docs/updates.md); UpdateChecks "off" stops
	// every check. A machine policy may set both (an internal mirror).
	UpdateURL    string `json:"updateURL,omitempty"`
	UpdateChecks string `json:"updateChecks,omitempty"`

	// Set only by a machine policy (Policy.Apply), never by config.json:
	// OnlyAllowedOrigins refuses every site not in AllowedOrigins;
	// PKCS11Only loads PKCS11Modules and no built-in module;
	// DisableKeyFiles offers tokens only; DisableUnattended refuses serve
	// --unattended; AuditDir moves the audit log.
	OnlyAllowedOrigins bool               `json:"-"`
	PKCS11Only         bool               `json:"-"`
	DisableKeyFiles    bool               `json:"-"`
	DisableUnattended  bool               `json:"-"`
	AuditDir           string             `json:"-"`
	PolicySource       string             `json:"-"` // where the policy was read, "" without one
	Managed            map[PolicyKey]bool `json:"-"` // the policy keys in force
}

// ModuleConfig is an admin-added PKCS#11 module.
type ModuleConfig struct {
	Name    string `json:"name"`
	Storage string `json:"storage"`
	Path    string `json:"path"`
}

// Duration is a time.Duration written as "5m".
type Duration time.Duration

// MarshalJSON writes "5m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "5m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return &durationError{err}
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return &durationError{errors.New("duration: want \"5m\" or seconds")}
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// durationError is a Duration that is neither "5m" nor seconds.
type durationError struct{ err error }

func (e *durationError) Error() string { return e.err.Error() }
func (e *durationError) Unwrap() error { return e.err }

// Defaults.
const (
	DefaultPort          = 13579
	DefaultPromptTimeout = 5 * time.Minute
	// DefaultMaxMessage fits a 50 MB document in base64 with room.
	DefaultMaxMessage = 72 << 20
	// DefaultMaxRequestMemory holds one such document with room.
	DefaultMaxRequestMemory = 256 << 20
)

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Port: DefaultPort, TSAURL: signer.NCAProductionTSA, PromptTimeout: Duration(DefaultPromptTimeout),
		MaxQueuedPerOrigin: 3, MaxMessageBytes: DefaultMaxMessage, MaxRequestMemoryBytes: DefaultMaxRequestMemory,
	}
}

// LoadConfig reads a config file over the defaults; a missing file is fine.
func LoadConfig(path string) (Config, error) {
	c := DefaultConfig()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if c.KnownOrigins, err = CheckKnownOrigins(c.KnownOrigins); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := CheckProtocols(c.Protocols); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Port <= 0 || c.Port > 65535 {
		return c, fmt.Errorf("config %s: port %d out of range", path, c.Port)
	}
	if c.PromptTimeout <= 0 {
		c.PromptTimeout = Duration(DefaultPromptTimeout)
	}
	if c.MaxMessageBytes < 1<<20 {
		c.MaxMessageBytes = DefaultMaxMessage
	}
	if c.MaxRequestMemoryBytes < 2*c.MaxMessageBytes {
		// A message is held twice while it is joined: less than that
		// would refuse every message of the largest size.
		c.MaxRequestMemoryBytes = max(DefaultMaxRequestMemory, 2*c.MaxMessageBytes)
	}
	return c, nil
}

// Protocols a configuration can name.
const (
	ProtocolNCALayer = "ncalayer"
	ProtocolVNPT     = "vnpt"
	ProtocolVGCA     = "vgca"
)

// CheckProtocols refuses a protocol name that is not one of ours.
func CheckProtocols(list []string) error {
	for _, p := range list {
		if p != ProtocolNCALayer && p != ProtocolVNPT && p != ProtocolVGCA {
			return fmt.Errorf("protocols: %q is not one of ncalayer, vnpt, vgca", p)
		}
	}
	return nil
}

// Serves reports whether the configuration turns protocol p on.
func (c Config) Serves(p string) bool {
	return p == ProtocolNCALayer || slices.Contains(c.Protocols, p)
}

// ConfigDir is the user's configuration directory for qoltanba.
func ConfigDir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "qoltanba")
}

// String shows the duration as "5m0s".
func (d Duration) String() string { return time.Duration(d).String() }

// SaveConfig writes cfg to path (0600), creating the directory. Changes
// take effect when the agent starts again.
func SaveConfig(path string, cfg Config) error {
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return os.Rename(tmp, path)
}
