package agent

import (
	"fmt"
	"slices"
)

// PolicyKey is a setting of the machine policy, named as the policy file
// (and the registry, and the MSI) writes it. Config.Managed says which of
// them the policy in force fixes.
type PolicyKey string

// The policy's keys: the JSON names of Policy's fields.
const (
	PolicyAllowedOrigins     PolicyKey = "allowedOrigins"
	PolicyDeniedOrigins      PolicyKey = "deniedOrigins"
	PolicyOnlyAllowedOrigins PolicyKey = "onlyAllowedOrigins"
	PolicyKnownOrigins       PolicyKey = "knownOrigins"
	PolicyTSAURL             PolicyKey = "tsaURL"
	PolicyPKCS11Modules      PolicyKey = "pkcs11Modules"
	PolicyDisableKeyFiles    PolicyKey = "disableKeyFiles"
	PolicyDisableUnattended  PolicyKey = "disableUnattended"
	PolicyLocale             PolicyKey = "locale"
	PolicyPromptTimeout      PolicyKey = "promptTimeout"
	PolicyAuditDir           PolicyKey = "auditDir"
	PolicyProtocols          PolicyKey = "protocols"
	PolicyUpdateURL          PolicyKey = "updateURL"
	PolicyUpdateChecks       PolicyKey = "updateChecks"
)

// policyKeys are every key, in the order the docs list them.
var policyKeys = []PolicyKey{PolicyAllowedOrigins, PolicyDeniedOrigins, PolicyOnlyAllowedOrigins, PolicyKnownOrigins,
	PolicyTSAURL, PolicyPKCS11Modules, PolicyDisableKeyFiles, PolicyDisableUnattended, PolicyLocale, PolicyPromptTimeout, PolicyAuditDir, PolicyProtocols,
	PolicyUpdateURL, PolicyUpdateChecks}

// PolicyKeys returns every key a policy may set.
func PolicyKeys() []PolicyKey { return slices.Clone(policyKeys) }

// PolicyErrorKind is what is wrong with a policy.
type PolicyErrorKind string

// Kinds of policy errors. Each says which of PolicyError's fields it fills.
const (
	PolicyTooLarge     PolicyErrorKind = "too-large"     // Value: its size, Want: the limit
	PolicySyntax       PolicyErrorKind = "syntax"        // not JSON; Line
	PolicyNull         PolicyErrorKind = "null"          // the file says null
	PolicyNotObject    PolicyErrorKind = "not-object"    // Value: what it is instead (a list, ...)
	PolicyTooDeep      PolicyErrorKind = "too-deep"      // Line, Want: the depth allowed
	PolicyTrailing     PolicyErrorKind = "trailing"      // something follows the object; Line
	PolicyUnknownKey   PolicyErrorKind = "unknown-key"   // Line, Key
	PolicyKeyCase      PolicyErrorKind = "key-case"      // Line, Key, Want: how to write it
	PolicyKeyTwice     PolicyErrorKind = "key-twice"     // Line, Key
	PolicyKeyRepeats   PolicyErrorKind = "key-repeats"   // Line, Key, Want: the key it repeats
	PolicyWrongType    PolicyErrorKind = "wrong-type"    // Line, Key, Type: what the value must be
	PolicyBadDuration  PolicyErrorKind = "bad-duration"  // promptTimeout is no duration; Line, Key
	PolicyTimeoutRange PolicyErrorKind = "timeout-range" // Line, Key, Value, Min, Max
	PolicyBadLocale    PolicyErrorKind = "bad-locale"    // Line, Key, Value
	PolicyBadOrigin    PolicyErrorKind = "bad-origin"    // Line, Key, Value
	PolicyBadValue     PolicyErrorKind = "bad-value"     // Line, Key, Value, Want: the values accepted
	PolicyBadKnown     PolicyErrorKind = "bad-known"     // knownOrigins refused; Key, Err says why
	PolicyModuleFields PolicyErrorKind = "module-fields" // a pkcs11Modules entry lacks name or path; Key
	PolicyMissing      PolicyErrorKind = "missing"       // --policy names no file
	PolicyDangling     PolicyErrorKind = "dangling-link" // Value: the link, Want: its missing target
)

// ValueType is what a policy's value must be.
type ValueType string

// Value types.
const (
	TypeText   ValueType = "text"   // a string
	TypeBool   ValueType = "bool"   // true or false
	TypeList   ValueType = "list"   // a JSON list
	TypeNumber ValueType = "number" // a number
	TypeValue  ValueType = "value"  // a value as docs/admin.md describes
)

// PolicyError is why a policy cannot be used: where (the file, the line
// when known, the key), what kind of fault, and the facts a message needs,
// so that a person is told in their language without anyone parsing this
// English. Error is the English for logs.
type PolicyError struct {
	Source string
	Line   int // 0: not known (a registry, a value given on a command line)
	Key    string
	Kind   PolicyErrorKind
	Value  string    // the value at fault, as written
	Want   string    // per Kind: the right spelling, the key repeated, a limit
	Type   ValueType // PolicyWrongType: what the value must be
	Min    string    // PolicyTimeoutRange
	Max    string
	Err    error // the underlying error, if any
	text   string
}

func (e *PolicyError) Error() string { return e.text }
func (e *PolicyError) Unwrap() error { return e.Err }

// policyErr makes a PolicyError whose English is format and args.
func policyErr(e PolicyError, format string, args ...any) *PolicyError {
	e.text = fmt.Sprintf(format, args...)
	return &e
}
