package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Policy is an organisation's managed settings for the machine: read from
// /etc/qoltanba/policy.json (Linux), /Library/Application Support/qoltanba/
// policy.json (macOS) or HKLM\Software\Policies\qoltanba (Windows), and
// winning over the user's config.json. A field left out is not managed.
// Keys are exact-case: a key this version does not know, one written in
// another case (DisableUnattended), a key given twice or a file that is
// not an object (null) is an error naming the file, line and key; a
// policy that cannot be read stops the agent (fail closed) rather than let
// it run unmanaged or with a setting silently dropped.
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
	Protocols          []string       `json:"protocols"`    // exactly the doors served beside NCALayer's
	UpdateURL          *string        `json:"updateURL"`    // the update repository (a mirror)
	UpdateChecks       *string        `json:"updateChecks"` // "on" or "off"
}

// MaxPolicySize bounds a policy file.
const MaxPolicySize = 1 << 20

// The range a policy's promptTimeout must lie in: a dialog that closes
// before anyone can read it, or one left open for hours, is a mistake.
const (
	MinPolicyPromptTimeout = 10 * time.Second
	MaxPolicyPromptTimeout = time.Hour
)

// maxPolicyDepth bounds the nesting of a policy's JSON (it has two levels).
const maxPolicyDepth = 16

// ParsePolicy reads a policy (JSON). A type error, a value out of range,
// or a key that is unknown, in the wrong case or repeated is an error.
func ParsePolicy(b []byte, source string) (*Policy, error) {
	if len(b) > MaxPolicySize {
		return nil, policyErr(PolicyError{Source: source, Kind: PolicyTooLarge, Value: strconv.Itoa(len(b)), Want: strconv.Itoa(MaxPolicySize)},
			"policy %s: %d bytes, more than %d", source, len(b), MaxPolicySize)
	}
	if err := checkPolicyKeys(b, source); err != nil {
		return nil, err
	}
	p := &Policy{Source: source}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(p); err != nil {
		return nil, decodeError(b, source, err)
	}
	p.Source = source
	// Origins are compared as the browser's handshake gives them: written
	// "https://EGOV.kz:443/" by an admin, they must still match.
	for _, list := range []*[]string{&p.AllowedOrigins, &p.DeniedOrigins} {
		for i, o := range *list {
			parsed, err := ParseOrigin(strings.TrimSuffix(strings.TrimSpace(o), "/"))
			if err == nil && parsed.Scheme != "https" && parsed.Scheme != "http" && !parsed.IsExtension() {
				err = errors.New("want https://host[:port] or chrome-extension://<id>")
			}
			if err != nil {
				key := PolicyAllowedOrigins
				if list == &p.DeniedOrigins {
					key = PolicyDeniedOrigins
				}
				return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, strconv.Quote(o)), Key: string(key), Kind: PolicyBadOrigin, Value: o, Err: err},
					"policy %s: origin %q: %v", source, o, err)
			}
			(*list)[i] = parsed.String()
		}
	}
	if t := p.PromptTimeout; t != nil && (time.Duration(*t) < MinPolicyPromptTimeout || time.Duration(*t) > MaxPolicyPromptTimeout) {
		return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"promptTimeout"`), Key: string(PolicyPromptTimeout), Kind: PolicyTimeoutRange,
			Value: time.Duration(*t).String(), Min: MinPolicyPromptTimeout.String(), Max: MaxPolicyPromptTimeout.String()},
			"policy %s: promptTimeout %v is out of range: give a value from %v to %v, like \"2m\"",
			source, time.Duration(*t), MinPolicyPromptTimeout, MaxPolicyPromptTimeout.String())
	}
	if p.Locale != nil && *p.Locale != "" && !slices.Contains(Locales, Locale(*p.Locale)) {
		return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"locale"`), Key: string(PolicyLocale), Kind: PolicyBadLocale, Value: *p.Locale},
			"policy %s: locale %q: want kk, ru, en or vi", source, *p.Locale)
	}
	if p.KnownOrigins != nil {
		known, err := CheckKnownOrigins(p.KnownOrigins)
		if err != nil {
			return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"knownOrigins"`), Key: string(PolicyKnownOrigins), Kind: PolicyBadKnown, Err: err},
				"policy %s: %v", source, err)
		}
		p.KnownOrigins = known
	}
	if err := CheckProtocols(p.Protocols); err != nil {
		return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"protocols"`), Key: string(PolicyProtocols), Kind: PolicyBadValue, Value: strings.Join(p.Protocols, ", "), Want: "ncalayer, vnpt, vgca", Err: err},
			"policy %s: %v", source, err)
	}
	if p.UpdateChecks != nil && *p.UpdateChecks != "on" && *p.UpdateChecks != "off" {
		return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"updateChecks"`), Key: string(PolicyUpdateChecks), Kind: PolicyBadValue, Value: *p.UpdateChecks, Want: "on, off"},
			"policy %s: updateChecks %q: want on or off", source, *p.UpdateChecks)
	}
	if u := p.UpdateURL; u != nil && !strings.HasPrefix(*u, "https://") && !strings.HasPrefix(*u, "http://") {
		return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"updateURL"`), Key: string(PolicyUpdateURL), Kind: PolicyBadValue, Value: *u, Want: "https://…"},
			"policy %s: updateURL %q: want an https:// (or http://) URL", source, *u)
	}
	for _, m := range p.PKCS11Modules {
		if m.Name == "" || m.Path == "" {
			return nil, policyErr(PolicyError{Source: source, Line: lineOf(b, `"pkcs11Modules"`), Key: string(PolicyPKCS11Modules), Kind: PolicyModuleFields},
				"policy %s: a pkcs11Modules entry needs a name and a path", source)
		}
	}
	return p, nil
}

// checkPolicyKeys walks the policy's JSON before it is decoded, because
// encoding/json matches keys case-insensitively and lets the last of two
// equal keys win: {"disableUnattended":true,"DisableUnattended":false}
// would turn unattended mode back on. The top level must be an object of
// known keys in their exact case; no object, at any depth, may name a key
// twice (compared without case, so that a nested field is not set twice
// either). Errors name the file, the line and the key.
func checkPolicyKeys(b []byte, source string) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	line := func() int { return 1 + bytes.Count(b[:dec.InputOffset()], []byte("\n")) }
	tok, err := dec.Token()
	if err != nil {
		return decodeError(b, source, err)
	}
	switch tok {
	case json.Delim('{'):
	case nil:
		return policyErr(PolicyError{Source: source, Kind: PolicyNull},
			"policy %s: the file says null, not a set of settings: write {} for a policy that sets nothing, or remove the file", source)
	default:
		return policyErr(PolicyError{Source: source, Line: line(), Kind: PolicyNotObject, Value: jsonKind(tok)},
			"policy %s: want a JSON object of settings ({\"key\": value, ...}), not %s", source, jsonKind(tok))
	}
	known := map[string]string{}
	for _, k := range policyKeys {
		known[strings.ToLower(string(k))] = string(k)
	}
	var walk func(tok json.Token, depth int, top bool) error
	walk = func(tok json.Token, depth int, top bool) error {
		if depth > maxPolicyDepth {
			return policyErr(PolicyError{Source: source, Line: line(), Kind: PolicyTooDeep, Want: strconv.Itoa(maxPolicyDepth)},
				"policy %s, line %d: nested more than %d levels deep", source, line(), maxPolicyDepth)
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]string{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return syntaxError(b, source, line(), err)
				}
				k, _ := kt.(string)
				if prev, dup := seen[strings.ToLower(k)]; dup {
					if prev == k {
						return policyErr(PolicyError{Source: source, Line: line(), Key: k, Kind: PolicyKeyTwice},
							"policy %s, line %d: key %q is given twice: keep one", source, line(), k)
					}
					return policyErr(PolicyError{Source: source, Line: line(), Key: k, Kind: PolicyKeyRepeats, Want: prev},
						"policy %s, line %d: key %q repeats %q in another case: keep one", source, line(), k, prev)
				}
				seen[strings.ToLower(k)] = k
				if top {
					switch want, ok := known[strings.ToLower(k)]; {
					case !ok:
						return policyErr(PolicyError{Source: source, Line: line(), Key: k, Kind: PolicyUnknownKey},
							"policy %s, line %d: key %q is not a setting this version knows (known: %s)", source, line(), k, knownPolicyKeys())
					case want != k:
						return policyErr(PolicyError{Source: source, Line: line(), Key: k, Kind: PolicyKeyCase, Want: want},
							"policy %s, line %d: key %q must be written %q (keys are case-sensitive)", source, line(), k, want)
					}
				}
				vt, err := dec.Token()
				if err != nil {
					return syntaxError(b, source, line(), err)
				}
				if err := walk(vt, depth+1, false); err != nil {
					return err
				}
			}
		case json.Delim('['):
			for dec.More() {
				vt, err := dec.Token()
				if err != nil {
					return syntaxError(b, source, line(), err)
				}
				if err := walk(vt, depth+1, false); err != nil {
					return err
				}
			}
		default:
			return nil // a scalar
		}
		if _, err := dec.Token(); err != nil { // the closing } or ]
			return syntaxError(b, source, line(), err)
		}
		return nil
	}
	if err := walk(tok, 0, true); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return policyErr(PolicyError{Source: source, Line: line(), Kind: PolicyTrailing},
			"policy %s, line %d: something follows the settings object", source, line())
	}
	return nil
}

// jsonKind names a JSON value for a person.
func jsonKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "true or false"
	}
	return "a number"
}

// knownPolicyKeys lists the keys for a message: "allowedOrigins, ...".
func knownPolicyKeys() string {
	s := make([]string, len(policyKeys))
	for i, k := range policyKeys {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// lineOf is the line where b first says needle (a key, a quoted value), or
// 0 when it does not.
func lineOf(b []byte, needle string) int {
	i := bytes.Index(b, []byte(needle))
	if i < 0 {
		return 0
	}
	return 1 + bytes.Count(b[:i], []byte("\n"))
}

// lineAt is the line of byte offset off of b.
func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return 1 + bytes.Count(b[:off], []byte("\n"))
}

// syntaxError is a JSON error met while walking the keys, at line.
func syntaxError(b []byte, source string, line int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line = lineAt(b, se.Offset)
	}
	return policyErr(PolicyError{Source: source, Line: line, Kind: PolicySyntax, Err: err}, "policy %s, line %d: %v", source, line, err)
}

// decodeError is encoding/json's error about a policy said as a
// PolicyError: not JSON, a value of the wrong kind (the key and what it
// must be), or a promptTimeout that is no duration.
func decodeError(b []byte, source string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var de *durationError
	switch {
	case errors.As(err, &te) && te.Field != "":
		key, _, _ := strings.Cut(te.Field, ".")
		want := TypeValue
		switch te.Type.Kind() {
		case reflect.String:
			want = TypeText
		case reflect.Bool:
			want = TypeBool
		case reflect.Slice:
			want = TypeList
		case reflect.Int, reflect.Int64, reflect.Float64:
			want = TypeNumber
		}
		return policyErr(PolicyError{Source: source, Line: lineAt(b, te.Offset), Key: key, Kind: PolicyWrongType, Type: want, Err: err},
			"policy %s: %v", source, err)
	case errors.As(err, &se):
		return policyErr(PolicyError{Source: source, Line: lineAt(b, se.Offset), Kind: PolicySyntax, Err: err}, "policy %s: %v", source, err)
	case errors.As(err, &de):
		return policyErr(PolicyError{Source: source, Line: lineOf(b, `"promptTimeout"`), Key: string(PolicyPromptTimeout), Kind: PolicyBadDuration, Err: err},
			"policy %s: %v", source, err)
	}
	// io.ErrUnexpectedEOF and the like: the JSON ends too soon.
	return policyErr(PolicyError{Source: source, Line: lineAt(b, int64(len(b))), Kind: PolicySyntax, Err: err}, "policy %s: %v", source, err)
}

// LoadPolicyFile reads a policy file; a missing file is no policy (nil).
// A symbolic link whose target is missing — the file's or a directory's on
// its way (/etc/qoltanba linked to a share that is not mounted) — is an
// error, not "no policy": the organisation meant the machine to be managed.
func LoadPolicyFile(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		for p := filepath.Clean(path); ; p = filepath.Dir(p) {
			if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
				if _, serr := os.Stat(p); serr != nil {
					target, _ := os.Readlink(p)
					return nil, policyErr(PolicyError{Source: path, Kind: PolicyDangling, Value: p, Want: target},
						"policy %s: %s links to %s, which does not exist: restore the policy, or remove the link", path, p, target)
				}
			}
			if d := filepath.Dir(p); d == p {
				break
			}
		}
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
	cfg.Managed = map[PolicyKey]bool{}
	set := func(key PolicyKey) { cfg.Managed[key] = true }
	fix(cfg.Managed, PolicyOnlyAllowedOrigins, &cfg.OnlyAllowedOrigins, p.OnlyAllowedOrigins)
	if cfg.OnlyAllowedOrigins {
		cfg.AllowedOrigins = slices.Clone(p.AllowedOrigins)
	} else {
		cfg.AllowedOrigins = slices.Concat(p.AllowedOrigins, cfg.AllowedOrigins)
	}
	if p.AllowedOrigins != nil {
		set(PolicyAllowedOrigins)
	}
	if p.DeniedOrigins != nil {
		cfg.DeniedOrigins = slices.Concat(p.DeniedOrigins, cfg.DeniedOrigins)
		cfg.AllowedOrigins = slices.DeleteFunc(cfg.AllowedOrigins, func(o string) bool { return slices.Contains(p.DeniedOrigins, o) })
		set(PolicyDeniedOrigins)
	}
	if p.KnownOrigins != nil {
		// The organisation decides which sites its users see as known: a
		// user's own list could make a look-alike of a site only the
		// organisation knows "known", so it is not used beside the policy's.
		cfg.KnownOrigins = slices.Clone(p.KnownOrigins)
		set(PolicyKnownOrigins)
	}
	fix(cfg.Managed, PolicyTSAURL, &cfg.TSAURL, p.TSAURL)
	if p.PKCS11Modules != nil {
		cfg.PKCS11Modules, cfg.PKCS11Only = slices.Clone(p.PKCS11Modules), true
		set(PolicyPKCS11Modules)
	}
	fix(cfg.Managed, PolicyDisableKeyFiles, &cfg.DisableKeyFiles, p.DisableKeyFiles)
	fix(cfg.Managed, PolicyDisableUnattended, &cfg.DisableUnattended, p.DisableUnattended)
	fix(cfg.Managed, PolicyLocale, &cfg.Locale, p.Locale)
	fix(cfg.Managed, PolicyPromptTimeout, &cfg.PromptTimeout, p.PromptTimeout)
	fix(cfg.Managed, PolicyAuditDir, &cfg.AuditDir, p.AuditDir)
	if p.Protocols != nil {
		// The organisation decides which doors are open: those it names,
		// whatever the user's config says.
		cfg.Protocols = slices.Clone(p.Protocols)
		set(PolicyProtocols)
	}
	fix(cfg.Managed, PolicyUpdateURL, &cfg.UpdateURL, p.UpdateURL)
	fix(cfg.Managed, PolicyUpdateChecks, &cfg.UpdateChecks, p.UpdateChecks)
	return cfg
}

// fix puts a value the policy sets (non-nil) into the config and marks the
// key managed.
func fix[T any](managed map[PolicyKey]bool, key PolicyKey, dst, policy *T) {
	if policy != nil {
		*dst = *policy
		managed[key] = true
	}
}

// LoadMachinePolicy reads the machine's policy (the file or registry of
// this platform: machinePolicy); with path set, that file instead (tests,
// --policy), if only an administrator could have written it
// (readAdminFile): a user's own file is refused.
func LoadMachinePolicy(path string) (*Policy, error) {
	if path != "" {
		b, err := readAdminFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if _, lerr := LoadPolicyFile(path); lerr != nil {
				return nil, lerr // a dangling link on the way, named
			}
			return nil, policyErr(PolicyError{Source: path, Kind: PolicyMissing}, "policy: %s does not exist", path)
		case err != nil:
			return nil, err
		case len(b) > maxPolicySize:
			return nil, policyErr(PolicyError{Source: path, Kind: PolicyTooLarge, Value: strconv.Itoa(len(b)), Want: strconv.Itoa(maxPolicySize)},
				"policy %s: larger than %d bytes", path, maxPolicySize)
		}
		return ParsePolicy(b, path)
	}
	return machinePolicy()
}

// maxPolicySize bounds a policy file: a few kilobytes in practice.
const maxPolicySize = 1 << 20
