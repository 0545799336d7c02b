package update

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
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

// State is the small file status reads: the last check and its result.
type State struct {
	LastCheck time.Time `json:"lastCheck"`
	Result    Result    `json:"result"`
	// Version: the newer version found (available) or installed (updated).
	Version string `json:"version,omitempty"`
	// Error is the failure, in English (the log's words).
	Error string `json:"error,omitempty"`
	// Data are the data files written by the last check.
	Data []string `json:"data,omitempty"`
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
