package update

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// SwapRecord is a swap in progress, written in the state directory before
// the program is swapped and removed once the new one was checked (or
// the old one is back): Repair puts exe.old back only when this record
// says exe.old is the program that was there (a new program an
// antivirus deleted later, with no record, is not silently replaced by an
// older one).
type SwapRecord struct {
	Program   string    `json:"program"`
	OldSHA256 string    `json:"oldSHA256"`
	NewSHA256 string    `json:"newSHA256"`
	Version   string    `json:"version,omitempty"`
	Started   time.Time `json:"started"`
}

// swapFile is the record of the program exe's swap: one per program
// (Windows swaps qoltanba.exe and qoltanba-cli.exe one after the other).
func swapFile(stateDir, exe string) string {
	return filepath.Join(stateDir, "swap-"+filepath.Base(exe)+".json")
}

func saveSwap(stateDir string, r SwapRecord) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(swapFile(stateDir, r.Program), append(b, '\n'), 0o600)
}

func loadSwap(stateDir, exe string) (*SwapRecord, error) {
	f, err := os.OpenFile(swapFile(stateDir, exe), os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, err
	}
	var r SwapRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", swapFile(stateDir, exe), err)
	}
	return &r, nil
}

func clearSwap(stateDir, exe string) {
	if stateDir != "" {
		_ = os.Remove(swapFile(stateDir, exe))
	}
}

// fileSHA256 is the hex SHA-256 of the file at name, not following a link.
func fileSHA256(name string) (string, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := SHA256Of(f)
	return hex.EncodeToString(sum), err
}

// SHA256Of returns the SHA-256 of everything r reads (a program, a data
// file).
func SHA256Of(r io.Reader) ([]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

var errNoSwapRecord = errors.New("no record of a swap in progress")
