package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
	"golang.org/x/mod/semver"
)

// shippedRoot is the repository's first root, carried in the binary. The
// file in the source tree is a placeholder: make release replaces it by
// linking the release repository's newest root in (linkedRoot), so that
// the tree is never changed by a release (docs/updates.md). A build with
// the placeholder cannot update.
//
//go:embed root.json
var shippedRoot []byte

// ErrNoRoot: this build carries no repository root (a development build).
var ErrNoRoot = errors.New("update: this build carries no update repository root (a development build): updates come with release builds")

// linkedRoot, set by the linker (-X github.com/qoltanba/qoltanba/update.linkedRoot=BASE64),
// is carried instead of root.json: the tests build qoltanba with their own
// repository's root this way.
var linkedRoot string

// DefaultURL is the release repository's URL, set by the linker (make
// release: -X github.com/qoltanba/qoltanba/update.DefaultURL=URL); config
// or policy updateURL replaces it. "" in a development build.
var DefaultURL string

// ShippedRoot is the root carried in the binary, or ErrNoRoot.
func ShippedRoot() ([]byte, error) {
	root := shippedRoot
	if linkedRoot != "" {
		b, err := base64.StdEncoding.DecodeString(linkedRoot)
		if err != nil {
			return nil, ErrNoRoot
		}
		root = b
	}
	if _, err := rootVersion(root); err != nil {
		return nil, ErrNoRoot
	}
	return root, nil
}

// Limits. Metadata is capped by go-tuf's config (RootMaxLength and the
// others, tightened here); a target by its signed length and, for the
// program, by MaxProgramBytes even when the metadata says more.
const (
	DefaultMaxProgram  = 256 << 20
	MaxDataFile        = 8 << 20
	DefaultTimeout     = 10 * time.Minute // one download, start to end
	DefaultIdleTimeout = 30 * time.Second // no byte for this long ends a download
)

// DataFiles are the data targets the agent takes, by their path in the
// repository: their names in the data directory are fixed here, so a
// repository cannot write elsewhere or name an executable.
var DataFiles = map[string]string{
	"data/token-modules.json": "token-modules.json", // the PKCS#11 module catalog
	"data/known-sites.json":   "known-sites.json",   // known services and their origins
	"data/nca-ca-certs.pem":   "nca-ca-certs.pem",   // NCA's CA certificates
}

// Options are what Check needs.
type Options struct {
	// URL of the repository: metadata at URL/, targets at URL/targets/.
	URL string
	// Root is the trusted first root (ShippedRoot; a test's own).
	Root []byte
	// StateDir keeps the trusted metadata between runs (rollback and
	// freeze protection across runs) and the update state file.
	StateDir string
	// Version is the running program's (a semantic version, v1.2.3).
	Version string
	// GOOS and GOARCH choose the program target ("" = this one's).
	GOOS, GOARCH string
	// MaxProgramBytes caps the program's download (0: DefaultMaxProgram).
	MaxProgramBytes int64
	// Timeout bounds one download; IdleTimeout ends one that stalls.
	// 0: the defaults.
	Timeout, IdleTimeout time.Duration
	// Transport replaces the HTTP transport (tests); nil: one with
	// dial, TLS and header timeouts and the environment's proxy.
	Transport http.RoundTripper
}

// Release is a program target newer than the running version.
type Release struct {
	Version string
	Path    string // in the repository
	Length  int64
	SHA256  []byte
	target  *metadata.TargetFiles
}

// Checker holds a refreshed, verified view of the repository.
type Checker struct {
	opts Options
	up   *updater.Updater
	dir  string // metadata cache
}

// Check refreshes the repository's metadata (root rotations, timestamp,
// snapshot, targets), verifying each step against what is trusted.
func Check(ctx context.Context, o Options) (*Checker, error) {
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.GOARCH == "" {
		o.GOARCH = runtime.GOARCH
	}
	if o.MaxProgramBytes <= 0 {
		o.MaxProgramBytes = DefaultMaxProgram
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("update: the update URL %q is not an http(s) URL", o.URL)
	}
	if _, err := rootVersion(o.Root); err != nil {
		return nil, ErrNoRoot
	}
	if err := PrepareStateDir(o.StateDir); err != nil {
		return nil, err
	}
	dir := filepath.Join(o.StateDir, "tuf")
	metaDir := filepath.Join(dir, "metadata")
	root, err := trustedRoot(o.Root, metaDir)
	if err != nil {
		return nil, err
	}
	cfg, err := config.New(o.URL, root)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	// Metadata of this repository is small: caps far below go-tuf's
	// defaults cut an endless stream early.
	cfg.RootMaxLength, cfg.TimestampMaxLength = 256<<10, 16<<10
	cfg.SnapshotMaxLength, cfg.TargetsMaxLength = 1<<20, 4<<20
	cfg.MaxRootRotations = 64
	cfg.LocalMetadataDir = metaDir
	cfg.LocalTargetsDir = filepath.Join(dir, "download")
	f := newFetcher(ctx, o)
	cfg.Fetcher = f
	up, err := updater.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	rerr := up.Refresh()
	// The roots go-tuf took (each verified by the one before) are kept
	// by version, even when a later step failed: the next check walks
	// them again from the carried root, and a mirror that then hides them
	// cannot bring back keys they revoked.
	trusted := up.GetTrustedMetadataSet().Root.Signed.Version
	for v, b := range f.roots {
		if v <= trusted {
			if err := writeFile(filepath.Join(metaDir, rootFile(v)), b, 0o600); err != nil && rerr == nil {
				rerr = err
			}
		}
	}
	if rerr != nil {
		return nil, fmt.Errorf("update: %s: %w", o.URL, rerr)
	}
	return &Checker{opts: o, up: up, dir: dir}, nil
}

// trustedRoot is the newest root that chains from the carried one: the
// versioned roots kept by earlier checks (N.root.json in dir, after
// rotations) are walked from the carried root, each taken only when the
// one before and itself sign it with their thresholds and it is the next
// version. Starting over from an old carried root would trust keys a
// rotation revoked (a mirror that hides the newer roots); a root planted
// in the folder that does not chain is not taken (go-tuf's own root.json
// there is never read).
func trustedRoot(carried []byte, dir string) ([]byte, error) {
	cur, err := (&metadata.Metadata[metadata.RootType]{}).FromBytes(carried)
	if err != nil {
		return nil, ErrNoRoot
	}
	out := carried
	for v := cur.Signed.Version + 1; ; v++ {
		b, err := os.ReadFile(filepath.Join(dir, rootFile(v)))
		if err != nil || len(b) > 256<<10 {
			return out, nil
		}
		next, err := (&metadata.Metadata[metadata.RootType]{}).FromBytes(b)
		if err != nil || next.Signed.Version != v ||
			cur.VerifyDelegate(metadata.ROOT, next) != nil || next.VerifyDelegate(metadata.ROOT, next) != nil {
			return out, nil // not the next root: the check fetches it again
		}
		cur, out = next, b
	}
}

func rootFile(v int64) string { return fmt.Sprintf("%d.root.json", v) }

func rootVersion(b []byte) (int64, error) {
	var r struct {
		Signed struct {
			Type    string `json:"_type"`
			Version int64  `json:"version"`
		} `json:"signed"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Signed.Type != metadata.ROOT || r.Signed.Version < 1 {
		return 0, errors.New("not a TUF root")
	}
	return r.Signed.Version, nil
}

var errTooLarge = errors.New("too large")

// ErrOlder: the repository's newest program is older than the running
// one: a rollback (or a mirror left behind); nothing is installed.
var ErrOlder = errors.New("update: the repository offers only an older version: refused, never a downgrade")

// ProgramPath is the repository path of a program build.
func ProgramPath(version, goos, goarch string) string {
	name := "qoltanba"
	if goos == "windows" {
		name += ".exe"
	}
	return CompanionPath(version, goos, goarch, name)
}

// CompanionPath is the repository path of a program that comes with the
// program build of version, goos and goarch and is swapped together with
// it: on Windows the console qoltanba-cli.exe beside the GUI qoltanba.exe.
func CompanionPath(version, goos, goarch, name string) string {
	return path.Join("qoltanba", version, goos+"-"+goarch, name)
}

// Companion is the build named name that comes with r (CompanionPath), nil
// when the repository has none. Its signed custom metadata must name r's
// version: a companion is never mixed from another release.
func (c *Checker) Companion(r *Release, name string) (*Release, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == ".." {
		return nil, fmt.Errorf("update: %q is not a program name", name)
	}
	p := CompanionPath(r.Version, c.opts.GOOS, c.opts.GOARCH, name)
	tf := c.up.GetTopLevelTargets()[p]
	if tf == nil {
		return nil, nil
	}
	var custom struct {
		Version string `json:"version"`
	}
	if tf.Custom == nil || json.Unmarshal(*tf.Custom, &custom) != nil || canonical(custom.Version) != r.Version {
		return nil, fmt.Errorf("update: %s does not name version %s in its signed metadata", p, r.Version)
	}
	return &Release{Version: r.Version, Path: p, Length: tf.Length, SHA256: tf.Hashes["sha256"], target: tf}, nil
}

// Release is the program build of version v for this OS and architecture
// in the signed targets, nil when there is none.
func (c *Checker) Release(v string) *Release {
	v = canonical(v)
	if v == "" {
		return nil
	}
	p := ProgramPath(v, c.opts.GOOS, c.opts.GOARCH)
	tf := c.up.GetTopLevelTargets()[p]
	if tf == nil {
		return nil
	}
	if got, ok := programVersion(p, tf, c.opts.GOOS, c.opts.GOARCH); !ok || got != v {
		return nil
	}
	return &Release{Version: v, Path: p, Length: tf.Length, SHA256: tf.Hashes["sha256"], target: tf}
}

// Newest returns the newest program for this OS and architecture when it
// is newer than the running version; nil when the running one is the
// newest; ErrOlder when the repository's newest is older.
func (c *Checker) Newest() (*Release, error) {
	cur := canonical(c.opts.Version)
	if cur == "" {
		return nil, fmt.Errorf("update: the running version %q is not a release version (v1.2.3): a development build does not update itself", c.opts.Version)
	}
	var best *Release
	for p, tf := range c.up.GetTopLevelTargets() {
		v, ok := programVersion(p, tf, c.opts.GOOS, c.opts.GOARCH)
		if !ok || (best != nil && semver.Compare(v, best.Version) <= 0) {
			continue
		}
		best = &Release{Version: v, Path: p, Length: tf.Length, SHA256: tf.Hashes["sha256"], target: tf}
	}
	switch {
	case best == nil:
		return nil, fmt.Errorf("update: the repository has no build for %s-%s", c.opts.GOOS, c.opts.GOARCH)
	case semver.Compare(best.Version, cur) < 0:
		return nil, fmt.Errorf("%w (%s, running %s)", ErrOlder, best.Version, cur)
	case semver.Compare(best.Version, cur) == 0:
		return nil, nil
	}
	return best, nil
}

// programVersion: p is a program build for goos/goarch whose custom
// metadata names the version its path does.
func programVersion(p string, tf *metadata.TargetFiles, goos, goarch string) (string, bool) {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || ProgramPath(parts[1], goos, goarch) != p || tf.Custom == nil {
		return "", false
	}
	var custom struct {
		Version string `json:"version"`
	}
	// The path names the version exactly as vX.Y.Z[-pre] (as publish
	// writes it), and the signed custom metadata names the same.
	if json.Unmarshal(*tf.Custom, &custom) != nil || canonical(parts[1]) != parts[1] || canonical(custom.Version) != parts[1] {
		return "", false
	}
	return parts[1], true
}

// canonical is v as a semantic version with its "v", "" when it is none.
func canonical(v string) string {
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return ""
	}
	return semver.Canonical(v)
}

// Download fetches the release and returns its bytes once TUF verified
// their length and hashes against the signed targets.
func (c *Checker) Download(r *Release) ([]byte, error) {
	if r.Length > c.opts.MaxProgramBytes {
		return nil, fmt.Errorf("update: %s is %d bytes, more than the %d this agent takes: %w", r.Path, r.Length, c.opts.MaxProgramBytes, errTooLarge)
	}
	if len(r.SHA256) != sha256.Size {
		return nil, fmt.Errorf("update: %s has no SHA-256 in the signed targets", r.Path)
	}
	return c.download(r.target)
}

func (c *Checker) download(tf *metadata.TargetFiles) ([]byte, error) {
	if err := os.MkdirAll(filepath.Join(c.dir, "download"), 0o700); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	// The folder is this user's own (PrepareStateDir); a name left there
	// (a crash) is removed, not followed, before go-tuf writes it.
	tmp := filepath.Join(c.dir, "download", hex.EncodeToString(tf.Hashes["sha256"])+".part")
	_ = os.Remove(tmp)
	defer os.Remove(tmp)
	_, data, err := c.up.DownloadTarget(tf, tmp, "")
	if err != nil {
		return nil, fmt.Errorf("update: %s: %w", tf.Path, err)
	}
	return data, nil
}

// DataFile is a verified data file written to the data directory.
type DataFile struct {
	Name    string // in the data directory
	Changed bool   // false: the file there was already this one
}

// UpdateData writes the repository's data files (DataFiles) that differ
// from the ones in dir, each only after TUF verified it. A file the
// repository does not list is left as it is.
func (c *Checker) UpdateData(dir string) ([]DataFile, error) {
	targets := c.up.GetTopLevelTargets()
	paths := make([]string, 0, len(DataFiles))
	for p := range DataFiles {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var out []DataFile
	for _, p := range paths {
		tf := targets[p]
		if tf == nil {
			continue
		}
		name := DataFiles[p]
		if err := mkOwnDir(dir); err != nil {
			return out, err
		}
		if tf.Length > MaxDataFile {
			return out, fmt.Errorf("update: %s is %d bytes, more than %d: %w", p, tf.Length, MaxDataFile, errTooLarge)
		}
		dst := filepath.Join(dir, name)
		if cur, err := os.ReadFile(dst); err == nil && tf.VerifyLengthHashes(cur) == nil {
			out = append(out, DataFile{Name: name})
			continue
		}
		data, err := c.download(tf)
		if err != nil {
			return out, err
		}
		if err := writeFile(dst, data, 0o644); err != nil {
			return out, fmt.Errorf("update: %w", err)
		}
		out = append(out, DataFile{Name: name, Changed: true})
	}
	return out, nil
}

// writeFile writes atomically: a file of its own beside dst (never one
// another writer shares), synced, then renamed over dst: a reader sees the
// old file or the new one, never a torn one, and a full disk or a crash
// leaves the old file (and at worst a .NAME.*.tmp that Repair removes).
func writeFile(dst string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// fetcher is go-tuf's Fetcher with a context, a deadline per download,
// an idle timeout and the size cap enforced while reading.
type fetcher struct {
	ctx     context.Context
	client  *http.Client
	timeout time.Duration
	idle    time.Duration
	// roots are the versioned roots fetched (N.root.json), by version.
	roots map[int64][]byte
}

func newFetcher(ctx context.Context, o Options) *fetcher {
	tr := o.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
			TLSHandshakeTimeout:   15 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConns:          2,
			IdleConnTimeout:       30 * time.Second,
		}
	}
	return &fetcher{ctx: ctx, client: &http.Client{Transport: tr, Timeout: o.Timeout}, timeout: o.Timeout, idle: o.IdleTimeout, roots: map[int64][]byte{}}
}

// DownloadFile implements fetcher.Fetcher.
func (f *fetcher) DownloadFile(u string, maxLength int64, _ time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(f.ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "qoltanba-update")
	idle := time.AfterFunc(f.idle, cancel)
	defer idle.Stop()
	res, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, &metadata.ErrDownloadHTTP{StatusCode: res.StatusCode, URL: u}
	}
	if res.ContentLength > maxLength {
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s: %d bytes announced, at most %d expected", u, res.ContentLength, maxLength)}
	}
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		idle.Reset(f.idle)
		n, err := res.Body.Read(chunk)
		buf.Write(chunk[:n])
		if int64(buf.Len()) > maxLength {
			return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s: more than the %d bytes expected", u, maxLength)}
		}
		if errors.Is(err, io.EOF) {
			if !strings.HasSuffix(u, ".root.json") {
				return buf.Bytes(), nil
			}
			if v, err := rootVersion(buf.Bytes()); err == nil && strings.HasSuffix(u, "/"+rootFile(v)) {
				f.roots[v] = bytes.Clone(buf.Bytes())
			}
			return buf.Bytes(), nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: too slow (no data for %v, or more than %v in all): %w", u, f.idle, f.timeout, context.DeadlineExceeded)
			}
			return nil, err
		}
	}
}
