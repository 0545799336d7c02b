package ui

import (
	"errors"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

// The one place a key store's or a request's error becomes words: the
// dialog (Dialog.Load, the failure after Sign), the terminal prompter
// (which draws the dialog) and the command line (cmd/qoltanba) all ask
// here, so a wrong PIN reads the same everywhere.

// StoreErrorKey is the catalog key for an error of opening a key store: a
// key file's wrong password or a file that is not one, a token's wrong PIN
// (as its PIN state says: few tries left, the last try), its locked PIN,
// or its removal. ok is false for any other error.
func StoreErrorKey(err error) (key string, ok bool) {
	var pe *token.PINError
	errors.As(err, &pe)
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, token.ErrWrongPassword):
		return "wrong-password", true
	case errors.Is(err, token.ErrNotPKCS12):
		return "not-key-file", true // the parser's words stay in the log
	case errors.Is(err, token.ErrTooLarge):
		return "key-file-too-large", true
	case errors.Is(err, token.ErrNoKey):
		return "key-file-no-key", true
	case errors.Is(err, token.ErrPINLocked), pe != nil && pe.State.Locked:
		return "pin-locked", true
	case pe != nil && pe.State.FinalTry:
		return "wrong-pin-final", true
	case pe != nil && pe.State.CountLow:
		return "wrong-pin-low", true
	case errors.Is(err, token.ErrWrongPIN):
		return "wrong-pin", true
	case errors.Is(err, token.ErrTokenRemoved):
		return "fail-token-removed", true
	}
	return "", false
}

// failureKeys word the outcomes of a signing that failed after Sign and
// say what to do; any other outcome is "fail-other" with the error.
var failureKeys = map[agent.Outcome]string{
	agent.OutcomeTimestamp:    "fail-timestamp",
	agent.OutcomeTokenRemoved: "fail-token-removed",
	agent.OutcomeTokenLocked:  "pin-locked",
	agent.OutcomeBadRequest:   "fail-bad-request",
	agent.OutcomeTooLarge:     "fail-bad-request",
}

// FailureKey is the catalog key for why signing failed: a store's error
// as StoreErrorKey says it, else the outcome's words; ok is false when
// there are none ("fail-other" with the inert error then).
func FailureKey(err error) (key string, ok bool) {
	if k, ok := StoreErrorKey(err); ok {
		return k, true
	}
	k, ok := failureKeys[agent.OutcomeOf(err)]
	return k, ok
}
