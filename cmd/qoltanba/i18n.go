package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
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
}

func (m *msg) Error() string { return m.in("en") }

// Is makes a usage msg an errUsage.
func (m *msg) Is(target error) bool { return m.usage && target == errUsage }

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

// loadPolicy is agent.LoadMachinePolicy with the errors that encoding/json
// and time write in their own words ("json: cannot unmarshal number into
// Go struct field Policy.locale of type string", "invalid character '}'
// after array element") said with the file, the line and the key, and
// what the value must be. The strict parser's own errors already name
// them.
func loadPolicy(path string) (*agent.Policy, error) {
	pol, err := agent.LoadMachinePolicy(path)
	if err == nil {
		return pol, nil
	}
	file := path
	if file == "" {
		file = agent.PolicyPath
	}
	b, _ := os.ReadFile(file) // nothing on Windows, whose policy is in the registry
	line := func(off int64) int {
		off = min(max(off, 0), int64(len(b)))
		return 1 + strings.Count(string(b[:off]), "\n")
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "":
		key, _, _ := strings.Cut(te.Field, ".")
		want := "cli-kind-value"
		switch te.Type.Kind() {
		case reflect.String:
			want = "cli-kind-text"
		case reflect.Bool:
			want = "cli-kind-bool"
		case reflect.Slice:
			want = "cli-kind-list"
		case reflect.Int, reflect.Int64, reflect.Float64:
			want = "cli-kind-number"
		}
		return nil, failMsg("cli-policy-type", file, line(te.Offset), key, failMsg(want))
	case errors.As(err, &se):
		return nil, failMsg("cli-policy-syntax", file, line(se.Offset))
	case strings.Contains(err.Error(), "time: invalid duration"), strings.Contains(err.Error(), "duration: want"):
		l := 0
		if i := strings.Index(string(b), `"promptTimeout"`); i >= 0 {
			l = line(int64(i))
		}
		return nil, failMsg("cli-policy-duration", file, l)
	}
	// A value the policy checks after decoding: its key's line is where
	// the file names it.
	lineOf := func(needle string) int {
		if i := strings.Index(string(b), needle); i >= 0 {
			return line(int64(i))
		}
		return 0
	}
	if m := policyLocaleRe.FindStringSubmatch(err.Error()); m != nil {
		return nil, failMsg("cli-policy-locale", file, lineOf(`"locale"`), m[1])
	}
	if m := policyTimeoutRe.FindStringSubmatch(err.Error()); m != nil {
		return nil, failMsg("cli-policy-timeout-range", file, lineOf(`"promptTimeout"`), m[1], m[2], m[3])
	}
	if m := policyOriginRe.FindStringSubmatch(err.Error()); m != nil {
		return nil, failMsg("cli-policy-origin", file, lineOf(strconv.Quote(m[1])), m[1])
	}
	// The strict parser's own errors (agent.checkPolicyKeys) name the file,
	// line and key in English; in another language they are said from the
	// catalog. A wording this does not know stays as the parser wrote it.
	for _, p := range policyErrorPatterns {
		if m := p.re.FindStringSubmatch(err.Error()); m != nil {
			args := make([]any, len(m)-1)
			for i, a := range m[1:] {
				args[i] = a
			}
			return nil, &msg{key: p.key, args: args, en: err}
		}
	}
	return nil, err
}

// agent.ParsePolicy's errors about a value (they name no line).
var (
	policyLocaleRe  = regexp.MustCompile(`^policy .+: locale "(.*)": want kk, ru, en or vi$`)
	policyTimeoutRe = regexp.MustCompile(`^policy .+: promptTimeout (.+) is out of range: give a value from (.+) to (.+), like "2m"$`)
	policyOriginRe  = regexp.MustCompile(`^policy .+: origin "(.*)": `)
)

// policyErrorPatterns are agent.checkPolicyKeys' errors and their
// catalog keys; each submatch is an argument, in order.
var policyErrorPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^policy (.+), line (\d+): key "(.*)" is not a setting this version knows \(known: (.*)\)$`), "cli-policy-unknown-key"},
	{regexp.MustCompile(`^policy (.+), line (\d+): key "(.*)" must be written "(.*)" \(keys are case-sensitive\)$`), "cli-policy-key-case"},
	{regexp.MustCompile(`^policy (.+), line (\d+): key "(.*)" is given twice: keep one$`), "cli-policy-key-twice"},
	{regexp.MustCompile(`^policy (.+), line (\d+): key "(.*)" repeats "(.*)" in another case: keep one$`), "cli-policy-key-repeats"},
	{regexp.MustCompile(`^policy (.+): the file says null, not a set of settings`), "cli-policy-null"},
}
