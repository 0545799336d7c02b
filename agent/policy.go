package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// Policy is an organisation's managed settings for the machine: read from
// /etc/qoltanba/policy.json (Linux), /Library/Application Support/qoltanba/
// policy.json (macOS) or HKLM\Software\Policies\qoltanba (Windows), and
// winning over the user's config.json. A field left out is not managed.
// Keys it does not know are reported (Unknown), not ignored silently; a
// policy that cannot be read stops the agent (fail closed) rather than let
// it run unmanaged.
type Policy struct {
	// Source says where the policy was read.
	Source string `json:"-"`

	AllowedOrigins     []string       `json:"allowedOrigins"`     // pre-consented sites
	DeniedOrigins      []string       `json:"deniedOrigins"`      // refused at the handshake
	OnlyAllowedOrigins *bool          `json:"onlyAllowedOrigins"` // every other site refused at the handshake
	KnownOrigins       []KnownService `json:"knownOrigins"`       // more known services for the dialog
	TSAURL             *string        `json:"tsaURL"`
	PKCS11Modules      []ModuleConfig `json:"pkcs11Modules"` // the only token modules loaded
	DisableKeyFiles    *bool          `json:"disableKeyFiles"`
	DisableUnattended  *bool          `json:"disableUnattended"`
	Locale             *string        `json:"locale"`
	PromptTimeout      *Duration      `json:"promptTimeout"`
	AuditDir           *string        `json:"auditDir"`

	// Unknown are the keys of the policy this version does not know.
	Unknown []string `json:"-"`
}

// MaxPolicySize bounds a policy file.
const MaxPolicySize = 1 << 20

// ParsePolicy reads a policy (JSON). A type error or a value out of range
// is an error; an unknown key is listed in Unknown.
func ParsePolicy(b []byte, source string) (*Policy, error) {
	if len(b) > MaxPolicySize {
		return nil, fmt.Errorf("policy %s: %d bytes, more than %d", source, len(b), MaxPolicySize)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("policy %s: %w", source, err)
	}
	p := &Policy{Source: source}
	known := map[string]bool{}
	for _, k := range policyKeys() {
		known[k] = true
	}
	for k := range raw {
		if !known[k] {
			p.Unknown = append(p.Unknown, k)
		}
	}
	sort.Strings(p.Unknown)
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("policy %s: %w", source, err)
	}
	p.Source = source
	// Origins are compared as the browser's handshake gives them: written
	// "https://EGOV.kz:443/" by an admin, they must still match.
	for _, list := range []*[]string{&p.AllowedOrigins, &p.DeniedOrigins} {
		for i, o := range *list {
			parsed, err := ParseOrigin(strings.TrimSuffix(strings.TrimSpace(o), "/"))
			if err == nil && parsed.Scheme != "https" && parsed.Scheme != "http" {
				err = errors.New("want https://host[:port]")
			}
			if err != nil {
				return nil, fmt.Errorf("policy %s: origin %q: %w", source, o, err)
			}
			(*list)[i] = parsed.String()
		}
	}
	if p.PromptTimeout != nil && *p.PromptTimeout <= 0 {
		return nil, fmt.Errorf("policy %s: promptTimeout must be positive", source)
	}
	if p.Locale != nil && *p.Locale != "" && *p.Locale != "kk" && *p.Locale != "ru" && *p.Locale != "en" {
		return nil, fmt.Errorf("policy %s: locale %q: want kk, ru or en", source, *p.Locale)
	}
	if p.KnownOrigins != nil {
		known, err := CheckKnownOrigins(p.KnownOrigins)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", source, err)
		}
		p.KnownOrigins = known
	}
	for _, m := range p.PKCS11Modules {
		if m.Name == "" || m.Path == "" {
			return nil, fmt.Errorf("policy %s: a pkcs11Modules entry needs a name and a path", source)
		}
	}
	return p, nil
}

// policyKeys are the JSON names of Policy's fields.
func policyKeys() []string {
	return []string{"allowedOrigins", "deniedOrigins", "onlyAllowedOrigins", "knownOrigins", "tsaURL", "pkcs11Modules",
		"disableKeyFiles", "disableUnattended", "locale", "promptTimeout", "auditDir"}
}

// LoadPolicyFile reads a policy file; a missing file is no policy (nil).
func LoadPolicyFile(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return ParsePolicy(b, path)
}

// Apply returns cfg with the policy's values in force. Allowed sites are
// the policy's and the user's (only the policy's with OnlyAllowedOrigins);
// a site the policy denies is denied whatever the user allowed; known
// sites are only the policy's when it sets knownOrigins. Managed records
// which settings the policy fixed.
func (p *Policy) Apply(cfg Config) Config {
	if p == nil {
		return cfg
	}
	cfg.PolicySource = p.Source
	cfg.Managed = map[string]bool{}
	set := func(key string) { cfg.Managed[key] = true }
	fix(cfg.Managed, "onlyAllowedOrigins", &cfg.OnlyAllowedOrigins, p.OnlyAllowedOrigins)
	if cfg.OnlyAllowedOrigins {
		cfg.AllowedOrigins = slices.Clone(p.AllowedOrigins)
	} else {
		cfg.AllowedOrigins = slices.Concat(p.AllowedOrigins, cfg.AllowedOrigins)
	}
	if p.AllowedOrigins != nil {
		set("allowedOrigins")
	}
	if p.DeniedOrigins != nil {
		cfg.DeniedOrigins = slices.Concat(p.DeniedOrigins, cfg.DeniedOrigins)
		cfg.AllowedOrigins = slices.DeleteFunc(cfg.AllowedOrigins, func(o string) bool { return slices.Contains(p.DeniedOrigins, o) })
		set("deniedOrigins")
	}
	if p.KnownOrigins != nil {
		// The organisation decides which sites its users see as known: a
		// user's own list could make a look-alike of a site only the
		// organisation knows "known", so it is not used beside the policy's.
		cfg.KnownOrigins = slices.Clone(p.KnownOrigins)
		set("knownOrigins")
	}
	fix(cfg.Managed, "tsaURL", &cfg.TSAURL, p.TSAURL)
	if p.PKCS11Modules != nil {
		cfg.PKCS11Modules, cfg.PKCS11Only = slices.Clone(p.PKCS11Modules), true
		set("pkcs11Modules")
	}
	fix(cfg.Managed, "disableKeyFiles", &cfg.DisableKeyFiles, p.DisableKeyFiles)
	fix(cfg.Managed, "disableUnattended", &cfg.DisableUnattended, p.DisableUnattended)
	fix(cfg.Managed, "locale", &cfg.Locale, p.Locale)
	fix(cfg.Managed, "promptTimeout", &cfg.PromptTimeout, p.PromptTimeout)
	fix(cfg.Managed, "auditDir", &cfg.AuditDir, p.AuditDir)
	return cfg
}

// fix puts a value the policy sets (non-nil) into the config and marks the
// key managed.
func fix[T any](managed map[string]bool, key string, dst, policy *T) {
	if policy != nil {
		*dst = *policy
		managed[key] = true
	}
}

// LoadMachinePolicy reads the machine's policy (the file or registry of
// this platform: machinePolicy); with path set, that file instead (tests,
// --policy).
func LoadMachinePolicy(path string) (*Policy, error) {
	if path != "" {
		p, err := LoadPolicyFile(path)
		if err == nil && p == nil {
			return nil, fmt.Errorf("policy: %s does not exist", path)
		}
		return p, err
	}
	return machinePolicy()
}
