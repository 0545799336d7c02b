package agent

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/token"
)

// "My keys": the key files the user signed with or added once (`qoltanba
// keys --add FILE`), remembered as the file's path and its keys' public
// certificates, so that pages can list them before any password (the
// Russian IFCPlugin's get_list_certs, NCALayer's dialog pre-selecting the
// key used last). Nothing secret is kept: the password is asked when
// signing, as for any key file.
//
// The list is a text file in DataDir (keys.txt), read afresh by every
// call, so that `qoltanba keys --add/--forget` and the running agent see
// each other's changes; writes replace it atomically (0600).

// KnownKeysFile is the remembered list's file name in DataDir.
const KnownKeysFile = "keys.txt"

// Limits of the remembered list: the file is the user's, but anything
// that writes to their data directory could put a hostile one there.
const (
	MaxKnownKeysFileSize = 1 << 20 // bytes
	MaxKnownKeys         = 64      // remembered keys
	maxKnownCert         = 16 << 10
	maxKnownPath         = 4096
)

const knownKeysHeader = "qoltanba-keys 1"

// KnownKey is a key the agent can list before any password or PIN: a
// remembered key file's key, or a certificate on a token plugged in now.
type KnownKey struct {
	// Storage is StorePKCS12 for a key file, else the token's storage
	// name (NCALayer's: "AKKaztokenStore", "RutokenStore", ...).
	Storage string
	// Alias is the key's name in its store: the key file's alias, or the
	// token certificate's label (CKA_LABEL, hex CKA_ID without one).
	// Not inert: a door shows it through its own escaping.
	Alias string
	// Path is the key file (key files only).
	Path string
	// Token is the token that holds the key (tokens only); Open it with
	// the PIN through a Session.
	Token StoreInfo
	// ID is the token's CKA_ID of the key (tokens only).
	ID []byte
	// Certificate is the key's public certificate.
	Certificate *x509.Certificate
	// LastUsed is when the agent last signed with this key file (zero:
	// never, or a token).
	LastUsed time.Time
}

// KnownKeys is the remembered key files' list.
type KnownKeys struct {
	path string // "" keeps nothing (tests, a broken data directory)
	now  func() time.Time
	mu   sync.Mutex
}

// OpenKnownKeys returns the list kept in path (it need not exist yet).
func OpenKnownKeys(path string) *KnownKeys { return &KnownKeys{path: path, now: time.Now} }

// Path is the list's file.
func (kk *KnownKeys) Path() string { return kk.path }

// List returns the remembered keys, the one used last first, then by path
// and alias. A missing file is an empty list; a damaged one an error that
// names it.
func (kk *KnownKeys) List() ([]KnownKey, error) {
	if kk == nil || kk.path == "" {
		return nil, nil
	}
	kk.mu.Lock()
	defer kk.mu.Unlock()
	return kk.read()
}

func (kk *KnownKeys) read() ([]KnownKey, error) {
	f, err := os.Open(kk.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("my keys: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKnownKeysFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("my keys: %w", err)
	}
	keys, err := ParseKnownKeys(data)
	if err != nil {
		return nil, fmt.Errorf("my keys %s: %w (remove the file to start an empty list)", kk.path, err)
	}
	return keys, nil
}

// Add remembers a key file's keys (their certificates and aliases; the
// path made absolute), replacing what was remembered of that file. It
// returns how many keys it remembered.
func (kk *KnownKeys) Add(path string, keys []*token.Key) (int, error) {
	n := 0
	err := kk.edit(path, func(abs string, list []KnownKey) ([]KnownKey, error) {
		var used time.Time
		list = slices.DeleteFunc(list, func(k KnownKey) bool {
			if k.Path == abs && k.LastUsed.After(used) {
				used = k.LastUsed
			}
			return k.Path == abs
		})
		for _, k := range keys {
			if k == nil || k.Certificate == nil {
				continue
			}
			list = append(list, KnownKey{Storage: StorePKCS12, Alias: k.Alias, Path: abs, Certificate: k.Certificate, LastUsed: used})
			n++
		}
		if len(list) > MaxKnownKeys {
			n = 0
			return nil, fmt.Errorf("my keys: at most %d keys are remembered; forget some first (qoltanba keys --forget FILE)", MaxKnownKeys)
		}
		return list, nil
	})
	return n, err
}

// Forget removes a key file from the list; it reports how many keys went.
func (kk *KnownKeys) Forget(path string) (int, error) {
	n := 0
	err := kk.edit(path, func(abs string, list []KnownKey) ([]KnownKey, error) {
		before := len(list)
		list = slices.DeleteFunc(list, func(k KnownKey) bool { return k.Path == abs })
		if n = before - len(list); n == 0 {
			return nil, nil
		}
		return list, nil
	})
	return n, err
}

// Used remembers that the agent signed with the key file path's key cert
// (adding it when it is not in the list yet).
func (kk *KnownKeys) Used(path string, k *token.Key) error {
	if k == nil || k.Certificate == nil {
		return nil
	}
	return kk.edit(path, func(abs string, list []KnownKey) ([]KnownKey, error) {
		i := slices.IndexFunc(list, func(e KnownKey) bool { return e.Path == abs && e.Certificate.Equal(k.Certificate) })
		if i < 0 {
			if len(list) >= MaxKnownKeys {
				return nil, nil // full: the user curates it with --forget
			}
			list = append(list, KnownKey{Storage: StorePKCS12, Alias: k.Alias, Path: abs, Certificate: k.Certificate})
			i = len(list) - 1
		}
		list[i].LastUsed = kk.now().UTC().Truncate(time.Second)
		return list, nil
	})
}

// edit reads the list under the lock, lets change edit it for the key
// file path (made absolute) and writes what change returns; a nil list
// writes nothing. Nothing happens without a list file (kk nil or no path).
func (kk *KnownKeys) edit(path string, change func(abs string, list []KnownKey) ([]KnownKey, error)) error {
	if kk == nil || kk.path == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("my keys: %w", err)
	}
	kk.mu.Lock()
	defer kk.mu.Unlock()
	list, err := kk.read()
	if err != nil {
		return err
	}
	list, err = change(abs, list)
	if err != nil || list == nil {
		return err
	}
	return kk.write(list)
}

// write replaces the file atomically. Called with mu held.
func (kk *KnownKeys) write(list []KnownKey) error {
	data := FormatKnownKeys(list)
	if err := os.MkdirAll(filepath.Dir(kk.path), 0o700); err != nil {
		return fmt.Errorf("my keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(kk.path), ".keys-*.tmp")
	if err != nil {
		return fmt.Errorf("my keys: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone already after the rename
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), kk.path)
	}
	if err != nil {
		return fmt.Errorf("my keys: %w", err)
	}
	return nil
}

// FormatKnownKeys writes the list in the file's format: a header line,
// then one line a key: `key "PATH" "ALIAS" LASTUSED CERT`, with PATH and
// ALIAS Go-quoted, LASTUSED Unix seconds (0 = never) and CERT the DER
// certificate in base64.
func FormatKnownKeys(list []KnownKey) []byte {
	var b bytes.Buffer
	b.WriteString("# qoltanba: remembered key files (\"my keys\"): paths and public certificates only.\n")
	b.WriteString("# Written by the agent and `qoltanba keys --add/--forget`.\n")
	b.WriteString(knownKeysHeader + "\n")
	for _, k := range list {
		used := int64(0)
		if !k.LastUsed.IsZero() {
			used = k.LastUsed.Unix()
		}
		fmt.Fprintf(&b, "key %s %s %d %s\n", strconv.Quote(k.Path), strconv.Quote(k.Alias), used,
			base64.StdEncoding.EncodeToString(k.Certificate.Raw))
	}
	return b.Bytes()
}

// ParseKnownKeys reads the file's format (see FormatKnownKeys) strictly:
// the header first, comments and blank lines, then key lines; an unknown
// line, a relative or over-long path, a certificate that does not parse,
// a key given twice, more than MaxKnownKeys keys or more than
// MaxKnownKeysFileSize bytes is an error. The list comes back sorted: the
// key used last first, then by path and alias.
func ParseKnownKeys(data []byte) ([]KnownKey, error) {
	if len(data) > MaxKnownKeysFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxKnownKeysFileSize)
	}
	var out []KnownKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxKnownKeysFileSize)
	header := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			if line != knownKeysHeader {
				return nil, fmt.Errorf("line %d: want %q first", n, knownKeysHeader)
			}
			header = true
			continue
		}
		k, err := parseKnownKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if len(out) == MaxKnownKeys {
			return nil, fmt.Errorf("line %d: more than %d keys", n, MaxKnownKeys)
		}
		if slices.ContainsFunc(out, func(o KnownKey) bool { return o.Path == k.Path && o.Certificate.Equal(k.Certificate) }) {
			return nil, fmt.Errorf("line %d: the key is listed twice", n)
		}
		out = append(out, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !header && len(bytes.TrimSpace(data)) > 0 {
		return nil, fmt.Errorf("want %q first", knownKeysHeader)
	}
	slices.SortStableFunc(out, func(a, b KnownKey) int {
		if c := b.LastUsed.Compare(a.LastUsed); c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Alias, b.Alias)
	})
	return out, nil
}

func parseKnownKey(line string) (KnownKey, error) {
	rest, ok := strings.CutPrefix(line, "key ")
	if !ok {
		return KnownKey{}, errors.New(`want "key ..."`)
	}
	path, rest, err := quoted(rest)
	if err != nil {
		return KnownKey{}, fmt.Errorf("path: %w", err)
	}
	if !filepath.IsAbs(path) || len(path) > maxKnownPath || strings.ContainsRune(path, 0) {
		return KnownKey{}, errors.New("path: want an absolute file path")
	}
	alias, rest, err := quoted(rest)
	if err != nil {
		return KnownKey{}, fmt.Errorf("alias: %w", err)
	}
	if len(alias) > 1024 {
		return KnownKey{}, errors.New("alias: too long")
	}
	usedStr, certStr, ok := strings.Cut(rest, " ")
	if !ok {
		return KnownKey{}, errors.New("want a time and a certificate after the alias")
	}
	used, err := strconv.ParseInt(usedStr, 10, 64)
	if err != nil || used < 0 || used > 1<<40 || (used > 0 && usedStr[0] == '0') || (used == 0 && usedStr != "0") {
		return KnownKey{}, errors.New("last used: want Unix seconds")
	}
	if len(certStr) > base64.StdEncoding.EncodedLen(maxKnownCert) {
		return KnownKey{}, errors.New("certificate: too large")
	}
	der, err := base64.StdEncoding.Strict().DecodeString(certStr)
	if err != nil {
		return KnownKey{}, errors.New("certificate: not base64")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return KnownKey{}, fmt.Errorf("certificate: %w", err)
	}
	k := KnownKey{Storage: StorePKCS12, Alias: alias, Path: path, Certificate: cert}
	if used > 0 {
		k.LastUsed = time.Unix(used, 0).UTC()
	}
	return k, nil
}

// quoted reads a Go-quoted string and the space after it.
func quoted(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil || !strings.HasPrefix(q, `"`) {
		return "", "", errors.New(`want a "quoted" string`)
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", "", err
	}
	rest, ok := strings.CutPrefix(s[len(q):], " ")
	if !ok {
		return "", "", errors.New("want a space after the string")
	}
	return v, rest, nil
}

// TokenCertificates is what a KeyStores may also do: list a token's
// certificates without a PIN (they are public objects). The agent's
// KnownKeys uses it when the KeyStores has it.
type TokenCertificates interface {
	Certificates(ctx context.Context, s StoreInfo) ([]KnownKey, error)
}

// KnownKeys lists the keys the agent can name before any password or PIN:
// the remembered key files' keys (the one used last first; none when the
// machine's policy turned key files off) and the certificates of the
// tokens plugged in now. A store that cannot be read is logged and left
// out. It is what a door's "list certificates" answers from; signing with
// one of them still goes through a request, its dialog and the password
// or PIN typed there.
func (a *Agent) KnownKeys(ctx context.Context) []KnownKey {
	var out []KnownKey
	if !a.cfg.DisableKeyFiles {
		list, err := a.known.List()
		if err != nil {
			a.log.Warn("my keys unreadable", "err", err)
		}
		out = append(out, list...)
	}
	if tc, ok := a.keyStores.(TokenCertificates); ok {
		for _, st := range a.keyStores.Tokens(ctx) {
			certs, err := tc.Certificates(ctx, st)
			if err != nil {
				a.log.Warn("token certificates unreadable", "storage", st.Storage, "err", err)
				continue
			}
			for _, c := range certs {
				c.Storage, c.Token = st.Storage, st
				out = append(out, c)
			}
		}
	}
	return out
}

// KnownKeyFiles returns the remembered key files (the one used last first)
// for the dialog to offer and pre-select; none when key files are off.
func (s *Session) KnownKeyFiles() []KnownKey {
	if s.a.cfg.DisableKeyFiles {
		return nil
	}
	list, err := s.a.known.List()
	if err != nil {
		s.a.log.Warn("my keys unreadable", "err", err)
	}
	return list
}

// ErrKnownKeyGone means a remembered key is no longer in its store: the
// key file changed, or the token holds other keys now.
var ErrKnownKeyGone = errors.New("the remembered key is no longer in its key file or on its token")

// OpenKnown opens the store of a key listed by KnownKeys with the password
// or PIN the user typed into the dialog and returns that key's option
// (the store's other keys are offered too, as OpenKeyFile and OpenToken
// do). A token is matched by its storage and label among the session's
// stores.
func (s *Session) OpenKnown(ctx context.Context, k KnownKey, secret []byte) (KeyOption, error) {
	var opts []KeyOption
	var err error
	if k.Storage == StorePKCS12 {
		opts, err = s.OpenKeyFile(ctx, k.Path, secret)
	} else {
		i := slices.IndexFunc(s.Stores(ctx), func(st StoreInfo) bool { return st.Storage == k.Storage && st.Label == Inert(k.Token.Label) })
		if i < 0 {
			return KeyOption{}, ErrUnknownStore
		}
		opts, err = s.OpenToken(ctx, s.Stores(ctx)[i], secret)
	}
	if err != nil {
		return KeyOption{}, err
	}
	for _, o := range opts {
		if o.Key.Certificate.Equal(k.Certificate) {
			return o, nil
		}
	}
	return KeyOption{}, ErrKnownKeyGone
}
