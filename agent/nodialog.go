package agent

import (
	"context"
	"errors"
)

// ErrNoDialog means the agent runs but cannot show its dialog (no window
// can be created on this desktop); requests are refused with it rather
// than left waiting or signed.
var ErrNoDialog = errors.New("the signing dialog cannot be shown on this desktop")

// NoDialog is the Prompter of an agent whose desktop UI could not start:
// it refuses every request with ErrNoDialog (never Block: the sites stay
// as the user left them).
type NoDialog struct{}

// Consent refuses.
func (NoDialog) Consent(context.Context, ConsentQuestion) (Consent, error) { return Block, ErrNoDialog }

// Choose refuses.
func (NoDialog) Choose(context.Context, *Session) error { return ErrNoDialog }

// ChooseFile refuses.
func (NoDialog) ChooseFile(context.Context, Origin, string, string) (string, error) {
	return "", ErrNoDialog
}
