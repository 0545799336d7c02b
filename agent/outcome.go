package agent

import (
	"context"
	"errors"
	"fmt"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// Outcome is how a request ended: the audit log records it, transports map
// it to their protocol's codes, and a page is told its fixed Message, never
// an error's own text (which may name the machine's resolver, Go types, or
// quote the document).
type Outcome string

// Outcomes.
const (
	OutcomeOK             Outcome = "ok"
	OutcomeCanceled       Outcome = "canceled"
	OutcomeDenied         Outcome = "denied"
	OutcomeTimeout        Outcome = "timeout"
	OutcomeBusy           Outcome = "busy"
	OutcomeTooLarge       Outcome = "too-large"
	OutcomeBadRequest     Outcome = "bad-request"
	OutcomeNoMatchingKey  Outcome = "no-matching-key"
	OutcomeUnknownStorage Outcome = "unknown-storage"
	OutcomeWrongPIN       Outcome = "wrong-pin"
	OutcomeTokenLocked    Outcome = "token-locked"
	OutcomeTokenRemoved   Outcome = "token-removed"
	OutcomeTimestamp      Outcome = "timestamp-failed"
	OutcomeNoDialog       Outcome = "no-dialog"
	OutcomeAuditFailed    Outcome = "audit-failed"
	OutcomeFailed         Outcome = "failed"
)

// outcomeMessages are the fixed sentences a page may see.
var outcomeMessages = map[Outcome]string{
	OutcomeOK:             "done",
	OutcomeCanceled:       "canceled by the user",
	OutcomeDenied:         "this site may not use the signing agent",
	OutcomeTimeout:        "the request waited too long for the user",
	OutcomeBusy:           "too many requests waiting; try again later",
	OutcomeTooLarge:       "request too large",
	OutcomeBadRequest:     "bad request",
	OutcomeNoMatchingKey:  "no key matches the request",
	OutcomeUnknownStorage: "unknown key store",
	OutcomeWrongPIN:       "wrong password or PIN",
	OutcomeTokenLocked:    "the token's PIN is locked",
	OutcomeTokenRemoved:   "the token was removed",
	OutcomeTimestamp:      "timestamp server unreachable or refused the request",
	OutcomeNoDialog:       "the signing dialog cannot be shown on this computer's desktop",
	OutcomeAuditFailed:    "the signing agent cannot write its audit log, so it does not sign; tell your administrator",
	OutcomeFailed:         "signing failed",
}

// Message is the outcome's fixed sentence (English; the dialog shows its
// own translation of the outcome).
func (o Outcome) Message() string {
	if m, ok := outcomeMessages[o]; ok {
		return m
	}
	return outcomeMessages[OutcomeFailed]
}

// OutcomeOf classifies an error.
func OutcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrCanceled), errors.Is(err, context.Canceled):
		return OutcomeCanceled
	case errors.Is(err, ErrOriginDenied):
		return OutcomeDenied
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimeout
	case errors.Is(err, ErrBusy):
		return OutcomeBusy
	case errors.Is(err, ErrTooLarge), errors.Is(err, token.ErrTooLarge), errors.Is(err, signer.ErrXMLTooLarge):
		return OutcomeTooLarge
	case errors.Is(err, ErrBadRequest), errors.Is(err, signer.ErrXML):
		return OutcomeBadRequest
	case errors.Is(err, ErrNoMatchingKey):
		return OutcomeNoMatchingKey
	case errors.Is(err, ErrUnknownStore):
		return OutcomeUnknownStorage
	case errors.Is(err, token.ErrPINLocked):
		return OutcomeTokenLocked
	case errors.Is(err, token.ErrWrongPIN), errors.Is(err, token.ErrWrongPassword):
		return OutcomeWrongPIN
	case errors.Is(err, token.ErrTokenRemoved):
		return OutcomeTokenRemoved
	case errors.Is(err, signer.ErrTimestamp):
		return OutcomeTimestamp
	case errors.Is(err, ErrNoDialog):
		return OutcomeNoDialog
	case errors.Is(err, ErrAuditFailed):
		return OutcomeAuditFailed
	}
	return OutcomeFailed
}

// PublicMessage is what a page may be told about err: for a request the
// agent or a transport refused, the refusal's own fixed wording ("bad
// request: format must be cms, xml or raw"); for anything else the
// outcome's Message. The full error goes to the local log only.
func PublicMessage(err error) string {
	var pe *publicError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	if errors.Is(err, signer.ErrXML) {
		return "the XML document is not well-formed, or the XPath matches nothing"
	}
	return OutcomeOf(err).Message()
}

// publicError is a refusal whose text is written by us, from constants and
// numbers, so it may be shown to the page that caused it.
type publicError struct {
	kind error // ErrBadRequest, ErrTooLarge
	msg  string
}

func (e *publicError) Error() string { return e.kind.Error() + ": " + e.msg }
func (e *publicError) Unwrap() error { return e.kind }

// BadRequest makes an ErrBadRequest whose text a page may see: format and
// args must be the caller's own words and numbers, never the page's input
// or a parser's message.
func BadRequest(format string, a ...any) error {
	return &publicError{ErrBadRequest, fmt.Sprintf(format, a...)}
}

// TooLarge makes an ErrTooLarge whose text a page may see (see BadRequest).
func TooLarge(format string, a ...any) error {
	return &publicError{ErrTooLarge, fmt.Sprintf(format, a...)}
}
