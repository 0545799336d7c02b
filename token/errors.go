package token

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of opening a store that every layer needs to tell apart (the
// dialog words them, the transports map them to protocol codes). Package
// p11 returns them (wrapped in a *PINError with the token's PIN state).
var (
	// ErrWrongPassword means the password does not open the key file.
	ErrWrongPassword = errors.New("pkcs12: wrong password")
	// ErrWrongPIN means the token refused the PIN.
	ErrWrongPIN = errors.New("wrong PIN")
	// ErrPINLocked means the token's user PIN is blocked.
	ErrPINLocked = errors.New("PIN locked")
	// ErrTokenRemoved means the token went away (or was never there).
	ErrTokenRemoved = errors.New("token removed or not present")
)

// PINState is what a token says about its user PIN. PKCS#11 gives flags,
// not a count: "count low" (a wrong PIN since the last success) and
// "final try" (one more wrong PIN locks it).
type PINState struct {
	CountLow   bool
	FinalTry   bool
	Locked     bool
	MustChange bool
}

func (p PINState) String() string {
	var s []string
	if p.Locked {
		s = append(s, "locked")
	}
	if p.FinalTry {
		s = append(s, "final try")
	} else if p.CountLow {
		s = append(s, "count low")
	}
	if p.MustChange {
		s = append(s, "must change")
	}
	if len(s) == 0 {
		return "ok"
	}
	return strings.Join(s, ", ")
}

// PINError reports a failed login with the token's PIN state after it.
type PINError struct {
	Err   error // ErrWrongPIN or ErrPINLocked
	State PINState
}

func (e *PINError) Error() string { return fmt.Sprintf("%v (PIN state: %s)", e.Err, e.State) }
func (e *PINError) Unwrap() error { return e.Err }
