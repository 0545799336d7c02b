package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// Result is how the last check ended.
type Result string

// The results a check records.
const (
	ResultUpToDate  Result = "up-to-date" // the running version is the newest
	ResultAvailable Result = "available"  // a newer version exists, not installed (--check, or a package's install)
	ResultUpdated   Result = "updated"    // the program was replaced by Version
	ResultFailed    Result = "failed"     // Error says why; the running version is kept
	ResultOff       Result = "off"        // the machine policy turned checks off
)

// Reason is the kind of a failed check, for what a person reads.
type Reason string

// The reasons Classify gives.
const (
	ReasonUnreachable Reason = "unreachable" // no connection, or an HTTP error
	ReasonRefused     Reason = "refused"     // metadata or a target failed TUF's checks (expired, unsigned, rolled back, hash)
	ReasonOlder       Reason = "older"       // only an older version is offered
	ReasonSlow        Reason = "slow"        // the server was slower than the timeouts
	ReasonTooLarge    Reason = "too-large"   // more bytes than signed or allowed
	ReasonNoRoot      Reason = "no-root"     // a development build
	ReasonWrite       Reason = "write"       // the new program or a data file could not be written
	ReasonUnsafe      Reason = "unsafe"      // a folder or file of the update is not this user's own (ErrUnsafePath)
	ReasonOther       Reason = "other"
)

// Classify says what kind of failure err is.
func Classify(err error) Reason {
	var (
		httpErr *metadata.ErrDownloadHTTP
		urlErr  *url.Error
		opErr   *net.OpError
		pathErr *fs.PathError
		linkErr *os.LinkError
	)
	switch {
	case errors.Is(err, ErrNoRoot):
		return ReasonNoRoot
	case errors.Is(err, ErrUnsafePath):
		return ReasonUnsafe
	case errors.Is(err, ErrOlder):
		return ReasonOlder
	case errors.Is(err, &metadata.ErrDownloadLengthMismatch{}), errors.Is(err, errTooLarge):
		return ReasonTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ReasonSlow
	case errors.As(err, &urlErr) && urlErr.Timeout(), errors.As(err, &opErr) && opErr.Timeout():
		return ReasonSlow
	case errors.As(err, &httpErr), errors.As(err, &urlErr), errors.As(err, &opErr):
		return ReasonUnreachable
	case errors.Is(err, &metadata.ErrRepository{}), errors.Is(err, &metadata.ErrLengthOrHashMismatch{}):
		return ReasonRefused
	case errors.As(err, &pathErr), errors.As(err, &linkErr):
		return ReasonWrite
	}
	return ReasonOther
}

// State is the small file status reads: the last check and its result.
type State struct {
	LastCheck time.Time `json:"lastCheck"`
	Result    Result    `json:"result"`
	// Version: the newer version found (available) or installed (updated).
	Version string `json:"version,omitempty"`
	// Reason is the kind of failure (what a person is told); Error is
	// the failure in English (the log's words).
	Reason Reason `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
	// CompanionError: the program was updated (or is the newest) but a
	// program swapped with it (Windows: qoltanba-cli.exe) was not, and
	// why; the next check tries it again.
	CompanionError string `json:"companionError,omitempty"`
	// Data are the data files written by the last check.
	Data []string `json:"data,omitempty"`
	// FailingSince is the first of the checks that have failed since the
	// last one that did not (zero when the last check did not fail): a
	// frozen or unreachable mirror shows as days of failures.
	FailingSince time.Time `json:"failingSince,omitzero"`
}

// StateFile is the state file in the state directory.
func StateFile(stateDir string) string { return filepath.Join(stateDir, "update-state.json") }

// LoadState reads the state (nil, nil before the first check).
func LoadState(stateDir string) (*State, error) {
	b, err := os.ReadFile(StateFile(stateDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) > 64<<10 {
		return nil, fmt.Errorf("update: %s is too large", StateFile(stateDir))
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("update: %s: %w", StateFile(stateDir), err)
	}
	return &s, nil
}

// SaveState writes the state.
func SaveState(stateDir string, s State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(StateFile(stateDir), append(b, '\n'), 0o600)
}
