package ui

import (
	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// The catalog keys of the typed words the agent and the signer hand the
// dialogs, as explicit tables: no key is built by joining strings, so a
// test can list every key the code may ask for (vocabulary_test.go), and
// a value without words shows as itself rather than as a made-up key.

// reasonKeys word why a key cannot be chosen (the dated ones take their
// date: ReasonText).
var reasonKeys = map[agent.Reason]string{
	agent.ReasonExpired:        "reason-expired",
	agent.ReasonNotYetValid:    "reason-not-yet-valid",
	agent.ReasonNotAuth:        "reason-not-auth",
	agent.ReasonNotSign:        "reason-not-sign",
	agent.ReasonEKU:            "reason-eku",
	agent.ReasonIIN:            "reason-iin",
	agent.ReasonBIN:            "reason-bin",
	agent.ReasonSerial:         "reason-serial",
	agent.ReasonChain:          "reason-chain",
	agent.ReasonTestCert:       "reason-test-key",
	agent.ReasonLoginKeyDigest: "reason-login-key-digest",
}

// outcomeKeys word how a request ended (the tray's recent signatures).
var outcomeKeys = map[agent.Outcome]string{
	agent.OutcomeOK:             "outcome-ok",
	agent.OutcomeCanceled:       "outcome-canceled",
	agent.OutcomeDenied:         "outcome-denied",
	agent.OutcomeTimeout:        "outcome-timeout",
	agent.OutcomeBusy:           "outcome-busy",
	agent.OutcomeTooLarge:       "outcome-too-large",
	agent.OutcomeBadRequest:     "outcome-bad-request",
	agent.OutcomeNoMatchingKey:  "outcome-no-matching-key",
	agent.OutcomeUnknownStorage: "outcome-unknown-storage",
	agent.OutcomeWrongPIN:       "outcome-wrong-pin",
	agent.OutcomeTokenLocked:    "outcome-token-locked",
	agent.OutcomeTokenRemoved:   "outcome-token-removed",
	agent.OutcomeTimestamp:      "outcome-timestamp-failed",
	agent.OutcomeNoDialog:       "outcome-no-dialog",
	agent.OutcomeAuditFailed:    "outcome-audit-failed",
	agent.OutcomeFailed:         "outcome-failed",
	agent.OutcomeSuppressed:     "outcome-suppressed",
}

// whyKeys word why an address looks like a known site's (they take the
// known name and the address).
var whyKeys = map[agent.LookalikeWhy]string{
	agent.WhyNotHTTPS:    "why-not-https",
	agent.WhyContains:    "why-contains",
	agent.WhyPrefix:      "why-prefix",
	agent.WhyOneEdit:     "why-one-edit",
	agent.WhySwapped:     "why-swapped",
	agent.WhyConfusable:  "why-confusable",
	agent.WhyOtherScript: "why-other-script",
	agent.WhyOtherSuffix: "why-other-suffix",
}

// knownFaultKeys word why a knownOrigins entry is refused (they take the
// entry as written; the look-alike's also the site and how it imitates it).
var knownFaultKeys = map[agent.KnownFault]string{
	agent.KnownNoDomain:  "cli-known-no-domain",
	agent.KnownAddress:   "cli-known-address",
	agent.KnownNotDomain: "cli-known-not-domain",
	agent.KnownEnding:    "cli-known-ending",
	agent.KnownLookalike: "cli-known-lookalike",
}

// KnownOriginWords says in locale why a knownOrigins entry (of a policy,
// a config or the known-sites data file) is refused.
func KnownOriginWords(locale string, e *agent.KnownOriginError) string {
	switch e.Fault {
	case agent.KnownNoDomain:
		return word(knownFaultKeys, e.Fault, locale)
	case agent.KnownLookalike:
		return word(knownFaultKeys, e.Fault, locale, e.Entry, e.Like, word(whyKeys, e.Why, locale, e.Like, e.Entry))
	}
	return word(knownFaultKeys, e.Fault, locale, e.Entry)
}

// signKeys label the Sign button, signedKeys the status after it, per
// action.
var (
	signKeys = map[agent.Action]string{
		agent.ActionSign:     "sign-sign",
		agent.ActionSignHash: "sign-sign-hash",
		agent.ActionSignFile: "sign-sign-file",
		agent.ActionLogin:    "sign-login",
		agent.ActionKeyInfo:  "sign-key-info",
	}
	signedKeys = map[agent.Action]string{
		agent.ActionSign:     "signed-sign",
		agent.ActionSignHash: "signed-sign-hash",
		agent.ActionSignFile: "signed-sign-file",
		agent.ActionLogin:    "signed-login",
		agent.ActionKeyInfo:  "signed-key-info",
	}
)

// docKindKeys name a document's kind.
var docKindKeys = map[agent.DocKind]string{
	agent.DocXML:    "doc-kind-xml",
	agent.DocText:   "doc-kind-text",
	agent.DocBinary: "doc-kind-binary",
	agent.DocHash:   "doc-kind-hash",
}

// keyKindKeys say what a key is for.
var keyKindKeys = map[signer.KeyKind]string{
	signer.KindAuth: "kind-auth",
	signer.KindSign: "kind-sign",
	signer.KindBoth: "kind-both",
	signer.KindNone: "kind-none",
}

// word is the words of value v by table m in locale (with args); a value
// the table lacks is shown as itself.
func word[V ~string](m map[V]string, v V, locale string, args ...any) string {
	if key, ok := m[v]; ok {
		return T(locale, key, args...)
	}
	return string(v)
}
