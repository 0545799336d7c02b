// Command qoltanba-release writes qoltanba's signed update repository (The
// Update Framework, package update/publish) with keys read from files
// given at release time — never kept in the source repository:
//
//	qoltanba-release init        --repo DIR --root-key F... --targets-key F --snapshot-key F --timestamp-key F
//	qoltanba-release publish     --repo DIR --targets-key F --snapshot-key F --timestamp-key F --version vX.Y.Z
//	                             --program GOOS-GOARCH=FILE... [--companion GOOS-GOARCH=FILE...] [--data data/NAME=FILE...]
//	qoltanba-release timestamp   --repo DIR --timestamp-key F
//	qoltanba-release rotate-root --repo DIR --old-root-key F... --root-key F... [--role-key ROLE=F...]
//	qoltanba-release root        --repo DIR     (prints the newest root, base64, for the binary)
//
// Keys are PEM PKCS#8 private keys (Ed25519 or ECDSA P-256), as
// `openssl genpkey -algorithm ed25519` writes them. The root keys sign only
// init and rotate-root, on an offline machine; publish needs the online
// targets, snapshot and timestamp keys. docs/updates.md says how the keys
// are kept and rotated; make release calls publish.
package main

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"golang.org/x/mod/semver"

	"github.com/qoltanba/qoltanba/update"
	"github.com/qoltanba/qoltanba/update/publish"
)

// How long each role's metadata stays valid: the root for a year (it is
// re-signed offline), targets and snapshot for three months (each
// release), the timestamp for a week (re-signed at least daily by
// qoltanba-release timestamp): a mirror that freezes the repository is
// refused within a week.
const (
	rootLife      = 365 * 24 * time.Hour
	targetsLife   = 90 * 24 * time.Hour
	snapshotLife  = 90 * 24 * time.Hour
	timestampLife = 7 * 24 * time.Hour
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "qoltanba-release:", err)
		os.Exit(1)
	}
}

// list is a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("a command is needed: init, publish, timestamp, rotate-root or root")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	repoDir := fs.String("repo", "", "the repository `directory` (metadata; targets/ beside it)")
	var rootKeys, oldRootKeys, programs, companions, data, roleKeys list
	fs.Var(&rootKeys, "root-key", "a root key `file` (repeat for several; the threshold is --root-threshold)")
	fs.Var(&oldRootKeys, "old-root-key", "rotate-root: a key `file` of the root being replaced")
	fs.Var(&roleKeys, "role-key", "rotate-root: ROLE=FILE, a new key for targets, snapshot or timestamp (the old one is revoked)")
	rootThreshold := fs.Int("root-threshold", 1, "how many root keys must sign a root")
	targetsKey := fs.String("targets-key", "", "the targets key `file`")
	snapshotKey := fs.String("snapshot-key", "", "the snapshot key `file`")
	timestampKey := fs.String("timestamp-key", "", "the timestamp key `file`")
	version := fs.String("version", "", "publish: the release's version (vX.Y.Z)")
	fs.Var(&programs, "program", "publish: GOOS-GOARCH=FILE, a program build")
	fs.Var(&companions, "companion", "publish: GOOS-GOARCH=FILE, a program swapped together with that platform's --program, under FILE's name (windows-amd64=dist/qoltanba-cli.exe)")
	fs.Var(&data, "data", "publish: data/NAME=FILE, a data file (token-modules.json, known-sites.json, nca-ca-certs.pem)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *repoDir == "" {
		return errors.New("--repo DIR is needed")
	}
	now := time.Now()
	expiry := publish.Expiry{Targets: now.Add(targetsLife), Snapshot: now.Add(snapshotLife), Timestamp: now.Add(timestampLife)}
	switch args[0] {
	case "init":
		roots, err := loadKeys(rootKeys)
		if err != nil {
			return err
		}
		t, s, ts, err := loadRoleKeys(*targetsKey, *snapshotKey, *timestampKey)
		if err != nil {
			return err
		}
		pubs := map[string][]crypto.PublicKey{metadata.ROOT: publicKeys(roots),
			metadata.TARGETS: publicKeys(t), metadata.SNAPSHOT: publicKeys(s), metadata.TIMESTAMP: publicKeys(ts)}
		repo, err := publish.Init(*repoDir, pubs, map[string]int{metadata.ROOT: *rootThreshold}, now.Add(rootLife))
		if err != nil {
			return err
		}
		if err := repo.SignRoot(roots...); err != nil {
			return err
		}
		return repo.Commit(expiry, t, s, ts)
	case "publish":
		v := *version
		if !semver.IsValid(v) || semver.Canonical(v) != v || semver.Prerelease(v) != "" {
			return fmt.Errorf("--version %q: want a release version vX.Y.Z", v)
		}
		if len(programs) == 0 {
			return errors.New("--program GOOS-GOARCH=FILE is needed")
		}
		repo, err := publish.Open(*repoDir)
		if err != nil {
			return err
		}
		t, s, ts, err := loadRoleKeys(*targetsKey, *snapshotKey, *timestampKey)
		if err != nil {
			return err
		}
		for _, p := range programs {
			platform, file, ok := strings.Cut(p, "=")
			goos, goarch, ok2 := strings.Cut(platform, "-")
			if !ok || !ok2 {
				return fmt.Errorf("--program %q: want GOOS-GOARCH=FILE", p)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			if err := repo.AddTarget(update.ProgramPath(v, goos, goarch), b, map[string]string{"version": v}); err != nil {
				return err
			}
		}
		for _, c := range companions {
			platform, file, ok := strings.Cut(c, "=")
			goos, goarch, ok2 := strings.Cut(platform, "-")
			if !ok || !ok2 || !slices.ContainsFunc(programs, func(p string) bool { return strings.HasPrefix(p, platform+"=") }) {
				return fmt.Errorf("--companion %q: want GOOS-GOARCH=FILE for a platform --program names", c)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			if err := repo.AddTarget(update.CompanionPath(v, goos, goarch, filepath.Base(file)), b, map[string]string{"version": v}); err != nil {
				return err
			}
		}
		for _, d := range data {
			path, file, ok := strings.Cut(d, "=")
			if _, known := update.DataFiles[path]; !ok || !known {
				return fmt.Errorf("--data %q: want data/NAME=FILE with a name the agent takes (update.DataFiles)", d)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			if err := repo.AddTarget(path, b, nil); err != nil {
				return err
			}
		}
		return repo.Commit(expiry, t, s, ts)
	case "timestamp":
		repo, err := publish.Open(*repoDir)
		if err != nil {
			return err
		}
		ts, err := loadKeys(list{*timestampKey})
		if err != nil {
			return err
		}
		return repo.RefreshTimestamp(expiry.Timestamp, ts)
	case "rotate-root":
		repo, err := publish.Open(*repoDir)
		if err != nil {
			return err
		}
		olds, err := loadKeys(oldRootKeys)
		if err != nil {
			return err
		}
		news, err := loadKeys(rootKeys)
		if err != nil {
			return err
		}
		roles := map[string]crypto.PublicKey{}
		for _, rk := range roleKeys {
			role, file, ok := strings.Cut(rk, "=")
			if !ok || (role != metadata.TARGETS && role != metadata.SNAPSHOT && role != metadata.TIMESTAMP) {
				return fmt.Errorf("--role-key %q: want targets=FILE, snapshot=FILE or timestamp=FILE", rk)
			}
			k, err := loadKeys(list{file})
			if err != nil {
				return err
			}
			pub, _ := k[0].PublicKey()
			roles[role] = pub
		}
		err = repo.RotateRoot(func(root *metadata.RootType) error {
			root.Expires = now.Add(rootLife).UTC()
			replace := map[string][]crypto.PublicKey{metadata.ROOT: publicKeys(news)}
			for role, pub := range roles {
				replace[role] = []crypto.PublicKey{pub}
			}
			for role, pubs := range replace {
				for _, id := range slices.Clone(root.Roles[role].KeyIDs) {
					if err := root.RevokeKey(id, role); err != nil && !errors.Is(err, &metadata.ErrValue{}) {
						return err
					}
				}
				for _, pub := range pubs {
					k, err := metadata.KeyFromPublicKey(pub)
					if err != nil {
						return err
					}
					if err := root.AddKey(k, role); err != nil {
						return err
					}
				}
			}
			root.Roles[metadata.ROOT].Threshold = *rootThreshold
			return nil
		})
		if err != nil {
			return err
		}
		// Signed by the old root's keys (the clients trust them) and the
		// new one's (it must meet its own threshold).
		return repo.SignRoot(append(olds, news...)...)
	case "root":
		repo, err := publish.Open(*repoDir)
		if err != nil {
			return err
		}
		b, err := repo.Root.ToBytes(false)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(b))
		return err
	}
	return fmt.Errorf("unknown command %q: init, publish, timestamp, rotate-root or root", args[0])
}

func loadRoleKeys(targets, snapshot, timestamp string) (t, s, ts []signature.Signer, err error) {
	if t, err = loadKeys(list{targets}); err != nil {
		return
	}
	if s, err = loadKeys(list{snapshot}); err != nil {
		return
	}
	ts, err = loadKeys(list{timestamp})
	return
}

// loadKeys reads PEM PKCS#8 private keys.
func loadKeys(files list) ([]signature.Signer, error) {
	if len(files) == 0 {
		return nil, errors.New("a key file is needed")
	}
	var out []signature.Signer
	for _, f := range files {
		if f == "" {
			return nil, errors.New("a key file is needed (--targets-key, --snapshot-key, --timestamp-key, --root-key)")
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("%s: want a PEM PKCS#8 private key (openssl genpkey -algorithm ed25519)", filepath.Base(f))
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		s, err := publish.Signer(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		out = append(out, s)
	}
	return out, nil
}

func publicKeys(signers []signature.Signer) []crypto.PublicKey {
	out := make([]crypto.PublicKey, 0, len(signers))
	for _, s := range signers {
		pub, err := s.PublicKey()
		if err == nil {
			out = append(out, pub)
		}
	}
	return out
}
