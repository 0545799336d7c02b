package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/ui"
)

// The CLI speaks the dialogs' catalog (ui.T, keys cli-*): a command builds
// its errors as msg values (a key and its arguments) without knowing the
// language, and run prints them in the user's (cliLocale). Error() is the
// English text, for logs and for errors.Is/As chains.

// msg is a message of the catalog; usage marks a usage error (exit 2).
type msg struct {
	key   string
	args  []any
	usage bool
	// en, when set, is what English readers get instead: a lower
	// package's own English message, more precise than the catalog's.
	en error
	// cause is the lower package's error the message says (errors.As
	// finds it through the msg).
	cause error
}

func (m *msg) Error() string { return m.in("en") }

// Is makes a usage msg an errUsage.
func (m *msg) Is(target error) bool { return m.usage && target == errUsage }

// Unwrap is the error the message says, if any.
func (m *msg) Unwrap() error { return m.cause }

// in renders the message in locale; arguments that are errors are
// rendered in it too.
func (m *msg) in(locale string) string {
	if locale == "en" && m.en != nil {
		return m.en.Error()
	}
	args := make([]any, len(m.args))
	for i, a := range m.args {
		if err, ok := a.(error); ok {
			a = errText(locale, err)
		}
		args[i] = a
	}
	return ui.T(locale, m.key, args...)
}

// failMsg is an error in the user's language.
func failMsg(key string, args ...any) error { return &msg{key: key, args: args} }

// usageMsg is a usage error in the user's language (exit 2).
func usageMsg(key string, args ...any) error { return &msg{key: key, args: args, usage: true} }

// errText is what a person reads for err in locale: a catalog message
// as it is; a file that is missing or may not be read in plain words
// (not Go's "open x: no such file or directory"); anything else as its
// package wrote it.
func errText(locale string, err error) string {
	var m *msg
	if errors.As(err, &m) {
		// A catalog message inside an English wrapping (a field's name:
		// "productionCAFiles: ..."): the message in locale, in its place.
		return strings.Replace(err.Error(), m.Error(), m.in(locale), 1)
	}
	var ke *agent.KnownOriginError
	if errors.As(err, &ke) {
		return ui.KnownOriginWords(locale, ke)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return ui.T(locale, "cli-file-missing", pe.Path)
		case errors.Is(err, fs.ErrPermission):
			return ui.T(locale, "cli-file-denied", pe.Path)
		case strings.Contains(pe.Err.Error(), "is a directory"):
			return ui.T(locale, "cli-file-is-dir", pe.Path)
		}
	}
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "usage: "), "usage")
}

// T is a catalog message in the user's language.
func (e *env) T(key string, args ...any) string { return ui.T(e.locale, key, args...) }

// cliLocale is the language of the CLI: the environment's (LC_ALL,
// LC_MESSAGES, LANG) when it is kk, ru, en or vi (C/POSIX is en), else the
// locale in config.json, else Windows' display language, else English — a
// server's or a CI's shell without a language reads English (ui.CLILocale).
func cliLocale() string {
	cfg, _ := agent.LoadConfig(filepath.Join(agent.ConfigDir(), "config.json"))
	return ui.CLILocale(cfg.Locale)
}

// invalidReason is why a signature is not valid, in the user's language
// where the reason is one a person can act on, else as the verifier said.
func invalidReason(locale string, err error) string {
	for _, r := range []struct {
		err error
		key string
	}{
		{signer.ErrMessageDigest, "cli-invalid-digest"},
		{signer.ErrBadSignature, "cli-invalid-signature"},
		{signer.ErrRevoked, "cli-invalid-revoked"},
		{signer.ErrExpired, "cli-invalid-expired"},
		{signer.ErrUntrusted, "cli-invalid-untrusted"},
		{signer.ErrSignerNotFound, "cli-invalid-no-signer"},
		{signer.ErrSigningCertificate, "cli-invalid-signing-cert"},
		{signer.ErrStaleRevocation, "cli-invalid-stale-crl"},
		{signer.ErrTimestamp, "cli-invalid-timestamp"},
		{signer.ErrUnsupportedKey, "cli-invalid-unsupported"},
		{signer.ErrMalformed, "cli-invalid-malformed"},
		{signer.ErrXML, "cli-invalid-malformed"},
	} {
		if errors.Is(err, r.err) {
			if locale == "en" {
				return ui.T(locale, r.key) + " (" + err.Error() + ")"
			}
			if m := signerPrefix.FindStringSubmatch(err.Error()); m != nil {
				return ui.T(locale, "cli-invalid-signer", m[1], m[2]) + ": " + ui.T(locale, r.key)
			}
			return ui.T(locale, r.key)
		}
	}
	return errText(locale, err)
}

// signerPrefix is how the verifier names the signer a reason is about.
var signerPrefix = regexp.MustCompile(`^signer (\d+) \((.*?)\): `)

// loadConfig is agent.LoadConfig with an error a person can act on: a
// config.json that is not JSON, or has a value of the wrong kind, is named
// with its line and what to do (not Go's "invalid character '}' looking
// for beginning of object key string").
func loadConfig(path string) (agent.Config, error) {
	cfg, err := agent.LoadConfig(path)
	if err == nil {
		return cfg, nil
	}
	line := func(off int64) int {
		b, _ := os.ReadFile(path)
		off = min(max(off, 0), int64(len(b)))
		return 1 + strings.Count(string(b[:off]), "\n")
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return cfg, failMsg("cli-config-syntax", path, line(se.Offset))
	case errors.As(err, &te):
		return cfg, failMsg("cli-config-type", path, line(te.Offset), te.Field)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return cfg, err
	}
	var ke *agent.KnownOriginError
	if errors.As(err, &ke) {
		return cfg, failMsg("cli-config-other", path, ke)
	}
	return cfg, failMsg("cli-config-other", path, strings.TrimPrefix(err.Error(), "config "+path+": "))
}

// flagError turns the flag package's English parse errors into the
// catalog's.
func flagError(name string, err error) error {
	s := err.Error()
	switch {
	case strings.HasPrefix(s, "flag provided but not defined: "):
		return usageMsg("cli-flag-unknown", strings.TrimPrefix(s, "flag provided but not defined: "), name)
	case strings.HasPrefix(s, "flag needs an argument: "):
		return usageMsg("cli-flag-needs-value", strings.TrimPrefix(s, "flag needs an argument: "))
	}
	var bad string
	if _, err := fmt.Sscanf(s, "invalid value %q for flag", &bad); err == nil {
		f := s[strings.Index(s, "for flag ")+len("for flag "):]
		if i := strings.Index(f, ":"); i >= 0 {
			f = f[:i]
		}
		return usageMsg("cli-flag-bad-value", strings.TrimPrefix(f, "-"), bad)
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}

// loadPolicy is agent.LoadMachinePolicy with its errors (agent.PolicyError:
// the file, the line, the key and what is wrong) said in the user's
// language, with what the value must be — not encoding/json's words
// ("json: cannot unmarshal number into Go struct field Policy.locale of
// type string"). Another error stays as its package wrote it.
func loadPolicy(path string) (*agent.Policy, error) {
	pol, err := agent.LoadMachinePolicy(path)
	if err != nil {
		return nil, policyWords(err)
	}
	return pol, nil
}

// policyWords is err in the user's language when it is an
// agent.PolicyError; another error stays as its package wrote it.
func policyWords(err error) error {
	var pe *agent.PolicyError
	if !errors.As(err, &pe) {
		return err
	}
	return policyMsg(pe)
}

// policyMsgs are the catalog's words for each kind of policy error, and
// the arguments each takes after the place (the file, with its line when
// line is set and the line is known).
var policyMsgs = map[agent.PolicyErrorKind]struct {
	key  string
	line bool
	args func(*agent.PolicyError) []any
}{
	agent.PolicySyntax:       {"cli-policy-syntax", true, nil},
	agent.PolicyWrongType:    {"cli-policy-type", true, func(e *agent.PolicyError) []any { return []any{e.Key, failMsg(valueTypeKeys[e.Type])} }},
	agent.PolicyBadDuration:  {"cli-policy-duration", true, nil},
	agent.PolicyBadLocale:    {"cli-policy-locale", true, func(e *agent.PolicyError) []any { return []any{e.Value} }},
	agent.PolicyTimeoutRange: {"cli-policy-timeout-range", true, func(e *agent.PolicyError) []any { return []any{e.Value, e.Min, e.Max} }},
	agent.PolicyBadOrigin:    {"cli-policy-origin", true, func(e *agent.PolicyError) []any { return []any{e.Value} }},
	agent.PolicyBadValue:     {"cli-policy-bad-value", true, func(e *agent.PolicyError) []any { return []any{e.Key, e.Value, e.Want} }},
	agent.PolicyUnknownKey: {"cli-policy-unknown-key", true, func(e *agent.PolicyError) []any {
		known := make([]string, 0, len(agent.PolicyKeys()))
		for _, k := range agent.PolicyKeys() {
			known = append(known, string(k))
		}
		return []any{e.Key, strings.Join(known, ", ")}
	}},
	agent.PolicyKeyCase:      {"cli-policy-key-case", true, func(e *agent.PolicyError) []any { return []any{e.Key, e.Want} }},
	agent.PolicyKeyTwice:     {"cli-policy-key-twice", true, func(e *agent.PolicyError) []any { return []any{e.Key} }},
	agent.PolicyKeyRepeats:   {"cli-policy-key-repeats", true, func(e *agent.PolicyError) []any { return []any{e.Key, e.Want} }},
	agent.PolicyNull:         {"cli-policy-null", false, nil},
	agent.PolicyNotObject:    {"cli-policy-not-object", false, nil},
	agent.PolicyTooDeep:      {"cli-policy-too-deep", true, func(e *agent.PolicyError) []any { return []any{e.Want} }},
	agent.PolicyTrailing:     {"cli-policy-trailing", true, nil},
	agent.PolicyTooLarge:     {"cli-policy-too-large", false, func(e *agent.PolicyError) []any { return []any{e.Want} }},
	agent.PolicyModuleFields: {"cli-policy-module-fields", true, nil},
	agent.PolicyBadKnown:     {"cli-policy-known", true, func(e *agent.PolicyError) []any { return []any{e.Err} }},
	agent.PolicyMissing:      {"cli-policy-missing", false, nil},
	agent.PolicyDangling:     {"cli-policy-dangling", false, func(e *agent.PolicyError) []any { return []any{e.Value, e.Want} }},
}

// valueTypeKeys word what a policy's value must be.
var valueTypeKeys = map[agent.ValueType]string{
	agent.TypeText:   "cli-kind-text",
	agent.TypeBool:   "cli-kind-bool",
	agent.TypeList:   "cli-kind-list",
	agent.TypeNumber: "cli-kind-number",
	agent.TypeValue:  "cli-kind-value",
}

// policyMsg is a policy error in the user's language; a kind the catalog
// has no words for (from a newer agent) stays in the agent's words.
func policyMsg(e *agent.PolicyError) error {
	m, ok := policyMsgs[e.Kind]
	if !ok {
		return e
	}
	// Where: the file and its line when the fault has one (a registry
	// value or a command line has none).
	args := []any{e.Source}
	if m.line && e.Line > 0 {
		args[0] = failMsg("cli-policy-at-line", e.Source, e.Line)
	}
	if m.args != nil {
		args = append(args, m.args(e)...)
	}
	return &msg{key: m.key, args: args, cause: e}
}
