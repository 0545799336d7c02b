package agent

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// PolicyValue turns one setting given as text (a command line, an MSI
// property) into its JSON value: booleans as 1/0/true/false/yes/no,
// promptTimeout as seconds or "2m", origin and protocol lists separated by spaces,
// commas or semicolons, knownOrigins and pkcs11Modules as JSON, the rest
// as strings. The result is checked as a policy of its own. Errors are
// PolicyErrors from the source "(command line)", without a line.
func PolicyValue(key, text string) (any, error) {
	const source = "(command line)"
	var v any
	switch PolicyKey(key) {
	case PolicyOnlyAllowedOrigins, PolicyDisableKeyFiles, PolicyDisableUnattended:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "1", "true", "yes":
			v = true
		case "0", "false", "no":
			v = false
		default:
			return nil, policyErr(PolicyError{Source: source, Key: key, Kind: PolicyWrongType, Value: text, Type: TypeBool},
				"policy %s: %q is not 1 or 0", key, text)
		}
	case PolicyPromptTimeout:
		if n, err := strconv.Atoi(strings.TrimSpace(text)); err == nil {
			v = n
		} else if d, err := time.ParseDuration(strings.TrimSpace(text)); err == nil {
			v = d.String()
		} else {
			return nil, policyErr(PolicyError{Source: source, Key: key, Kind: PolicyBadDuration, Value: text},
				"policy %s: %q is neither seconds nor a duration like 2m", key, text)
		}
	case PolicyAllowedOrigins, PolicyDeniedOrigins, PolicyProtocols:
		v = strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' })
	case PolicyKnownOrigins, PolicyPKCS11Modules:
		var raw json.RawMessage
		if err := json.Unmarshal([]byte(text), &raw); err != nil {
			return nil, policyErr(PolicyError{Source: source, Key: key, Kind: PolicySyntax, Value: text, Err: err},
				"policy %s: want JSON: %v", key, err)
		}
		v = raw
	case PolicyTSAURL, PolicyLocale, PolicyAuditDir, PolicyUpdateURL, PolicyUpdateChecks:
		v = text
	default:
		return nil, policyErr(PolicyError{Source: source, Key: key, Kind: PolicyUnknownKey},
			"policy: unknown key %q (known: %s)", key, knownPolicyKeys())
	}
	b, _ := json.Marshal(map[string]any{key: v})
	if _, err := ParsePolicy(b, source); err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			pe.Line = 0 // of the JSON made here, not of anything the admin wrote
		}
		return nil, err
	}
	return v, nil
}
