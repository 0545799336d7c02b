// Package publish writes the TUF repository that package update reads:
// root, targets, snapshot and timestamp metadata (consistent snapshots:
// N.root.json, N.targets.json, N.snapshot.json, timestamp.json) and the
// targets under targets/ by hash. It is the release side of updates (cmd/
// qoltanba-release, make release) and the tests' repository; the agent
// never imports it. Keys are given by the caller, from files handed in at
// release time: none is stored here.
package publish

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// Roles, in the order they are written.
var Roles = []string{metadata.ROOT, metadata.TARGETS, metadata.SNAPSHOT, metadata.TIMESTAMP}

// Repo is a repository being written in Dir.
type Repo struct {
	Dir       string
	Root      *metadata.Metadata[metadata.RootType]
	Targets   *metadata.Metadata[metadata.TargetsType]
	Snapshot  *metadata.Metadata[metadata.SnapshotType]
	Timestamp *metadata.Metadata[metadata.TimestampType]
}

// Signer loads a private key (Ed25519, or ECDSA P-256: the schemes TUF
// names ed25519 and ecdsa-sha2-nistp256) as a signer.
func Signer(key crypto.PrivateKey) (signature.Signer, error) {
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return signature.LoadSigner(k, crypto.Hash(0))
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, errors.New("publish: an ECDSA key must be on P-256")
		}
		return signature.LoadSigner(k, crypto.SHA256)
	}
	return nil, fmt.Errorf("publish: a %T key: want Ed25519 or ECDSA P-256", key)
}

// Init starts a repository: root version 1 naming the public keys of each
// role with its threshold, expiring at rootExpires. Nothing is written
// until SignRoot and Commit.
func Init(dir string, keys map[string][]crypto.PublicKey, thresholds map[string]int, rootExpires time.Time) (*Repo, error) {
	r := &Repo{Dir: dir, Root: metadata.Root(rootExpires.UTC()), Targets: metadata.Targets(), Snapshot: metadata.Snapshot(), Timestamp: metadata.Timestamp()}
	r.Targets.Signed.Version, r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = 0, 0, 0
	for _, role := range Roles {
		if len(keys[role]) == 0 {
			return nil, fmt.Errorf("publish: no key for the %s role", role)
		}
		for _, pub := range keys[role] {
			k, err := metadata.KeyFromPublicKey(pub)
			if err != nil {
				return nil, fmt.Errorf("publish: %s key: %w", role, err)
			}
			if err := r.Root.Signed.AddKey(k, role); err != nil {
				return nil, fmt.Errorf("publish: %s key: %w", role, err)
			}
		}
		if t := thresholds[role]; t > 0 {
			if t > len(keys[role]) {
				return nil, fmt.Errorf("publish: the %s role's threshold %d is more than its %d keys", role, t, len(keys[role]))
			}
			r.Root.Signed.Roles[role].Threshold = t
		}
	}
	return r, nil
}

// KeyID is the TUF key id of a public key.
func KeyID(pub crypto.PublicKey) (string, error) {
	k, err := metadata.KeyFromPublicKey(pub)
	if err != nil {
		return "", err
	}
	return k.ID()
}

// Open reads the newest metadata in dir.
func Open(dir string) (*Repo, error) {
	r := &Repo{Dir: dir}
	n, err := newestRoot(dir)
	if err != nil {
		return nil, err
	}
	if r.Root, err = metadata.Root().FromFile(filepath.Join(dir, fmt.Sprintf("%d.root.json", n))); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if r.Timestamp, err = metadata.Timestamp().FromFile(filepath.Join(dir, "timestamp.json")); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	sv := r.Timestamp.Signed.Meta["snapshot.json"].Version
	if r.Snapshot, err = metadata.Snapshot().FromFile(filepath.Join(dir, fmt.Sprintf("%d.snapshot.json", sv))); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	tv := r.Snapshot.Signed.Meta["targets.json"].Version
	if r.Targets, err = metadata.Targets().FromFile(filepath.Join(dir, fmt.Sprintf("%d.targets.json", tv))); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return r, nil
}

func newestRoot(dir string) (int64, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.root.json"))
	if err != nil {
		return 0, err
	}
	var n int64
	for _, p := range names {
		v, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(p), ".root.json"), 10, 64)
		if err == nil && v > n {
			n = v
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("publish: no N.root.json in %s", dir)
	}
	return n, nil
}

// AddTarget lists data under path (with custom metadata, may be nil) and
// writes it to targets/ under its hash.
func (r *Repo) AddTarget(path string, data []byte, custom any) error {
	tf, err := metadata.TargetFile().FromBytes(path, data, "sha256") // one hash: consistent snapshots name the file by the first one the client picks
	if err != nil {
		return fmt.Errorf("publish: %s: %w", path, err)
	}
	if custom != nil {
		b, err := json.Marshal(custom)
		if err != nil {
			return err
		}
		raw := json.RawMessage(b)
		tf.Custom = &raw
	}
	r.Targets.Signed.Targets[path] = tf
	dst := filepath.Join(r.Dir, "targets", filepath.FromSlash(TargetFile(path, tf.Hashes["sha256"])))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// TargetFile is where a target's bytes are kept under targets/
// (consistent snapshots: <dir>/<sha256>.<name>).
func TargetFile(path string, sha256 []byte) string {
	dir, name := "", path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		dir, name = path[:i+1], path[i+1:]
	}
	return dir + hex.EncodeToString(sha256) + "." + name
}

// RemoveTarget takes path out of the targets (its bytes stay for clients
// that have not refreshed yet).
func (r *Repo) RemoveTarget(path string) { delete(r.Targets.Signed.Targets, path) }

// SignRoot signs the current root with signers (the previous root's
// threshold and the new one's: a rotation needs both) and writes it as
// N.root.json.
func (r *Repo) SignRoot(signers ...signature.Signer) error {
	r.Root.ClearSignatures()
	for _, s := range signers {
		if _, err := r.Root.Sign(s); err != nil {
			return fmt.Errorf("publish: signing root: %w", err)
		}
	}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return err
	}
	return r.Root.ToFile(filepath.Join(r.Dir, fmt.Sprintf("%d.root.json", r.Root.Signed.Version)), true)
}

// RotateRoot makes root version N+1 with change applied to it (new keys,
// revoked keys, a new expiry); SignRoot must then sign it with the old
// root's keys and the new one's.
func (r *Repo) RotateRoot(change func(*metadata.RootType) error) error {
	r.Root.Signed.Version++
	return change(&r.Root.Signed)
}

// Expiry of the roles Commit signs.
type Expiry struct{ Targets, Snapshot, Timestamp time.Time }

// Commit writes new versions of targets, snapshot and timestamp, each
// signed by its signers.
func (r *Repo) Commit(exp Expiry, targets, snapshot, timestamp []signature.Signer) error {
	if len(targets) == 0 || len(snapshot) == 0 || len(timestamp) == 0 {
		return errors.New("publish: targets, snapshot and timestamp each need a key")
	}
	r.Targets.Signed.Version++
	r.Targets.Signed.Expires = exp.Targets.UTC()
	if err := sign(r.Targets, targets); err != nil {
		return err
	}
	if err := r.Targets.ToFile(filepath.Join(r.Dir, fmt.Sprintf("%d.targets.json", r.Targets.Signed.Version)), true); err != nil {
		return err
	}
	r.Snapshot.Signed.Version++
	r.Snapshot.Signed.Expires = exp.Snapshot.UTC()
	r.Snapshot.Signed.Meta["targets.json"] = metadata.MetaFile(r.Targets.Signed.Version)
	if err := sign(r.Snapshot, snapshot); err != nil {
		return err
	}
	if err := r.Snapshot.ToFile(filepath.Join(r.Dir, fmt.Sprintf("%d.snapshot.json", r.Snapshot.Signed.Version)), true); err != nil {
		return err
	}
	r.Timestamp.Signed.Version++
	r.Timestamp.Signed.Expires = exp.Timestamp.UTC()
	r.Timestamp.Signed.Meta["snapshot.json"] = metadata.MetaFile(r.Snapshot.Signed.Version)
	if err := sign(r.Timestamp, timestamp); err != nil {
		return err
	}
	return r.Timestamp.ToFile(filepath.Join(r.Dir, "timestamp.json"), true)
}

func sign[T metadata.Roles](m *metadata.Metadata[T], signers []signature.Signer) error {
	m.ClearSignatures()
	for _, s := range signers {
		if _, err := m.Sign(s); err != nil {
			return fmt.Errorf("publish: signing: %w", err)
		}
	}
	return nil
}

// RefreshTimestamp writes a new timestamp for the same snapshot: the
// timestamp expires soonest (days), so it is re-signed on a schedule with
// the online timestamp key alone.
func (r *Repo) RefreshTimestamp(expires time.Time, timestamp []signature.Signer) error {
	if len(timestamp) == 0 {
		return errors.New("publish: the timestamp needs a key")
	}
	r.Timestamp.Signed.Version++
	r.Timestamp.Signed.Expires = expires.UTC()
	if err := sign(r.Timestamp, timestamp); err != nil {
		return err
	}
	return r.Timestamp.ToFile(filepath.Join(r.Dir, "timestamp.json"), true)
}
