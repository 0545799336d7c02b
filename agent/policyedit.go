package agent

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PolicyValue turns one setting given as text (a command line, an MSI
// property) into its JSON value: booleans as 1/0/true/false/yes/no,
// promptTimeout as seconds or "2m", origin lists separated by spaces,
// commas or semicolons, knownOrigins and pkcs11Modules as JSON, the rest
// as strings. The result is checked as a policy of its own.
func PolicyValue(key, text string) (any, error) {
	var v any
	switch PolicyKey(key) {
	case PolicyOnlyAllowedOrigins, PolicyDisableKeyFiles, PolicyDisableUnattended:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "1", "true", "yes":
			v = true
		case "0", "false", "no":
			v = false
		default:
			return nil, fmt.Errorf("policy %s: %q is not 1 or 0", key, text)
		}
	case PolicyPromptTimeout:
		if n, err := strconv.Atoi(strings.TrimSpace(text)); err == nil {
			v = n
		} else if d, err := time.ParseDuration(strings.TrimSpace(text)); err == nil {
			v = d.String()
		} else {
			return nil, fmt.Errorf("policy %s: %q is neither seconds nor a duration like 2m", key, text)
		}
	case PolicyAllowedOrigins, PolicyDeniedOrigins:
		v = strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' })
	case PolicyKnownOrigins, PolicyPKCS11Modules:
		var raw json.RawMessage
		if err := json.Unmarshal([]byte(text), &raw); err != nil {
			return nil, fmt.Errorf("policy %s: want JSON: %w", key, err)
		}
		v = raw
	case PolicyTSAURL, PolicyLocale, PolicyAuditDir, PolicyUpdateURL, PolicyUpdateChecks:
		v = text
	default:
		return nil, fmt.Errorf("policy: unknown key %q (known: %s)", key, knownPolicyKeys())
	}
	b, _ := json.Marshal(map[string]any{key: v})
	if _, err := ParsePolicy(b, "(command line)"); err != nil {
		return nil, err
	}
	return v, nil
}
