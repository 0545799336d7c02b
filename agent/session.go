package agent

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// StorePKCS12 is the key-file storage (token.StoragePKCS12).
const StorePKCS12 = token.StoragePKCS12

// StoreInfo is a key store the dialog can offer.
type StoreInfo struct {
	Storage string // a token.Storages id: StorePKCS12, or a token's ("AKKaztokenStore", ...)
	Label   string // token label, made inert
	PIN     token.PINState
	Ref     any // the KeyStores' own handle, opaque to the UI
}

// KeyStores is the agent's access to tokens (package p11 through an
// adapter in cmd, or a fake in tests).
type KeyStores interface {
	// Tokens lists the tokens present now.
	Tokens(ctx context.Context) []StoreInfo
	// ActiveStorages are the storage ids of the tokens plugged in now.
	ActiveStorages(ctx context.Context) []string
	// Open logs in to a token and returns its keys and a closer that logs
	// out and wipes the PIN.
	Open(ctx context.Context, s StoreInfo, pin []byte) ([]*token.Key, func(), error)
}

// KeyOption is a key offered in the dialog.
type KeyOption struct {
	Key        *token.Key
	Identity   signer.Identity // names made inert
	Selectable bool
	Reason     Reason // why not, when not selectable
}

// DocKind is what a document looks like to the dialog.
type DocKind string

// Document kinds.
const (
	DocXML    DocKind = "xml"
	DocText   DocKind = "text"
	DocBinary DocKind = "binary"
	DocHash   DocKind = "hash" // a digest the page made (sign-hash)
)

// DocView is what the dialog shows of one document.
type DocView struct {
	Kind    DocKind
	Size    int
	SHA256  string // hex
	Preview string // XML/text, possibly cut, made inert (InertText)
}

// Action is what a request asks of the user, in the dialog's words.
type Action string

// Actions.
const (
	ActionSign     Action = "sign"      // sign data (NCALayer pages, native sign)
	ActionLogin    Action = "login"     // the native, origin-bound login
	ActionSignHash Action = "sign-hash" // sign a digest the page made
	ActionKeyInfo  Action = "key-info"  // choose a key, nothing signed
	ActionSignFile Action = "sign-file" // sign a file the page names
)

// Session is one request as the Prompter sees it: what is asked, the
// stores, and a way to open one. Methods are safe for the Prompter's
// goroutine.
type Session struct {
	Request *Request
	Action  Action
	Docs    []DocView
	// File is the page-named file of a "sign-file" request, made inert
	// for display (Request.FilePath is the path as the page sent it).
	File string
	// Waiting is the number of other requests queued behind this one.
	Waiting func() int

	a      *Agent
	mu     sync.Mutex
	keys   []KeyOption
	closer func()
	stores []StoreInfo // listed on first use: token scans cost time
	// keyFile is the key file the offered keys came from ("" for a
	// token): a signature with one of them puts it first in "my keys".
	keyFile string
	listed  bool
	// result is what Approve signed; signed is closed when it is set.
	result  *Result
	signed  chan struct{}
	closed  bool
	signing sync.WaitGroup // Approves under way (close waits for them)
}

// Stores lists the key file store and the tokens present that the request
// allows (scanned once per session, on first use; Rescan looks again).
func (s *Session) Stores(ctx context.Context) []StoreInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.listed {
		s.stores, s.listed = s.a.stores(ctx, s.Request), true
	}
	return slices.Clone(s.stores)
}

// Site is what the agent knows of the requesting site: known, unknown, or
// a look-alike of a known one.
func (s *Session) Site() OriginInfo { return s.a.Classify(s.Request.Origin) }

// Rescan looks for tokens again (one was plugged in or pulled out) and
// returns the stores now present.
func (s *Session) Rescan(ctx context.Context) []StoreInfo {
	st := s.a.stores(ctx, s.Request)
	s.mu.Lock()
	s.stores, s.listed = st, true
	s.mu.Unlock()
	return slices.Clone(st)
}

// KeyFilesDisabled reports whether the machine's policy turned key files
// off (the dialog says so instead of offering them).
func (s *Session) KeyFilesDisabled() bool { return s.a.cfg.DisableKeyFiles }

// TokensAllowed reports whether the request lets tokens be used at all
// (so the dialog can say "plug in your token" when none is there).
func (s *Session) TokensAllowed() bool {
	if s.a.keyStores == nil {
		return false
	}
	f := s.Request.Filter.Storages
	return len(f) == 0 || slices.ContainsFunc(f, func(st string) bool { return st != StorePKCS12 })
}

// Approve signs the request with k: it is what the dialog's Sign does.
// Its result is the request's: Handle answers the page with it as soon as
// Approve returns nil, while the prompter may still show "Signed ✓".
// progress (may be nil) hears done/total documents as they are signed. On
// an error (a timestamp server that does not answer, a token pulled out)
// nothing is answered yet: the dialog shows why and may call Approve again
// or give up (Choose returns). A key-info request signs nothing.
func (s *Session) Approve(ctx context.Context, k *KeyOption, progress func(done, total int)) error {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return ErrCanceled
	case s.result != nil:
		s.mu.Unlock()
		return errSigned
	}
	s.signing.Add(1)
	s.mu.Unlock()
	defer s.signing.Done()
	if !s.owns(k) {
		return errNotOffered
	}
	var res *Result
	if s.Request.KeyOnly {
		kk := *k
		res = &Result{Certificate: k.Key.Certificate, Key: &kk}
	} else {
		var err error
		if res, err = s.a.sign(ctx, s.Request, k.Key, progress); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ErrCanceled // canceled while signing: the user said no in time
	}
	s.mu.Lock()
	if s.result != nil {
		s.mu.Unlock()
		return errSigned
	}
	s.result = res
	close(s.signed)
	keyFile := s.keyFile
	s.mu.Unlock()
	if keyFile != "" {
		if err := s.a.known.Used(keyFile, k.Key); err != nil {
			s.a.log.Warn("my keys not updated", "err", err) // the signature stands
		}
	}
	return nil
}

// signedResult is what Approve signed, or nil.
func (s *Session) signedResult() *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.result
}

const maxPreview = 64 << 10

func (a *Agent) newSession(req *Request, waiting func() int) *Session {
	s := &Session{Request: req, a: a, Waiting: waiting, File: Inert(req.FilePath), signed: make(chan struct{})}
	switch {
	case req.Action != "":
		s.Action = req.Action
	case req.KeyOnly:
		s.Action = ActionKeyInfo
	case req.FilePath != "":
		s.Action = ActionSignFile
	case req.Digested:
		s.Action = ActionSignHash
	default:
		s.Action = ActionSign
	}
	for _, d := range req.Documents {
		sum := sha256.Sum256(d)
		v := DocView{Size: len(d), SHA256: fmt.Sprintf("%x", sum)}
		switch {
		case req.Digested:
			v.Kind = DocHash
			v.Preview = fmt.Sprintf("%x", d)
		case req.Format == FormatXML || looksXML(d):
			v.Kind = DocXML
			v.Preview = InertText(preview(d))
		case utf8.Valid(d) && !strings.ContainsRune(string(d[:min(len(d), 4096)]), 0):
			v.Kind = DocText
			v.Preview = InertText(preview(d))
		default:
			v.Kind = DocBinary
		}
		s.Docs = append(s.Docs, v)
	}
	return s
}

func looksXML(d []byte) bool {
	t := strings.TrimSpace(string(d[:min(len(d), 256)]))
	return strings.HasPrefix(t, "<")
}

func preview(d []byte) string {
	if len(d) > maxPreview {
		d = d[:maxPreview]
		for !utf8.Valid(d) && len(d) > 0 {
			d = d[:len(d)-1]
		}
	}
	return string(d)
}

// stores lists the key file store and the tokens present, as allowed.
func (a *Agent) stores(ctx context.Context, req *Request) []StoreInfo {
	allowed := func(name string) bool {
		return len(req.Filter.Storages) == 0 || slices.Contains(req.Filter.Storages, name)
	}
	var out []StoreInfo
	if allowed(StorePKCS12) && !a.cfg.DisableKeyFiles {
		out = append(out, StoreInfo{Storage: StorePKCS12})
	}
	if a.keyStores != nil {
		for _, t := range a.keyStores.Tokens(ctx) {
			if allowed(t.Storage) {
				t.Label = Inert(t.Label) // the token's own bytes
				out = append(out, t)
			}
		}
	}
	return out
}

// OpenKeyFile opens a PKCS#12 file the user picked with the password they
// typed. A wrong password gives token.ErrWrongPassword (the dialog stays
// open). The previously opened store of this session is closed.
func (s *Session) OpenKeyFile(ctx context.Context, path string, password []byte) ([]KeyOption, error) {
	if !slices.ContainsFunc(s.Stores(ctx), func(st StoreInfo) bool { return st.Storage == StorePKCS12 }) {
		return nil, fmt.Errorf("%w: key files are not allowed by this site", ErrUnknownStore)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, token.MaxPKCS12Size+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	keys, err := token.ParsePKCS12(data, password)
	if err != nil {
		return nil, err
	}
	opts := s.Offer(keys, func() { token.CloseAll(keys) })
	s.mu.Lock()
	s.keyFile = path
	s.mu.Unlock()
	return opts, nil
}

// OpenToken logs in to one of the session's tokens with the PIN typed.
func (s *Session) OpenToken(ctx context.Context, store StoreInfo, pin []byte) ([]KeyOption, error) {
	if s.a.keyStores == nil || !slices.ContainsFunc(s.Stores(ctx), func(st StoreInfo) bool { return st.Storage == store.Storage && st.Ref == store.Ref }) {
		return nil, ErrUnknownStore
	}
	keys, closer, err := s.a.keyStores.Open(ctx, store, pin)
	if err != nil {
		return nil, err
	}
	return s.Offer(keys, closer), nil
}

// Offer makes keys the session's current choice (closing the previous
// ones) and checks each against the request's filter.
func (s *Session) Offer(keys []*token.Key, closer func()) []KeyOption {
	now := s.a.now()
	opts := make([]KeyOption, 0, len(keys))
	for _, k := range keys {
		o := KeyOption{Key: k, Identity: inertIdentity(signer.IdentityOf(k.Certificate))}
		o.Reason = s.Request.Filter.check(k.Certificate, now, s.a.productionCAs)
		if o.Reason == ReasonNone && s.Request.Format == FormatRaw && s.Request.Digested && loginKey(o.Identity) {
			o.Reason = ReasonLoginKeyDigest // sign refuses it too
		}
		o.Selectable = o.Reason == ReasonNone
		opts = append(opts, o)
	}
	s.mu.Lock()
	old := s.closer
	s.keys, s.closer, s.keyFile = opts, closer, ""
	s.mu.Unlock()
	if old != nil {
		old()
	}
	return slices.Clone(opts)
}

// owns reports whether k is a selectable key of this session's open store.
func (s *Session) owns(k *KeyOption) bool {
	if k == nil || k.Key == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.keys {
		if o.Key == k.Key {
			return o.Selectable
		}
	}
	return false
}

// close wipes and closes whatever the session opened, once no Approve is
// signing with it any more (a dialog canceled while signing does not log
// out of the token under the signer).
func (s *Session) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signing.Wait()
	s.mu.Lock()
	c := s.closer
	s.closer, s.keys = nil, nil
	s.mu.Unlock()
	if c != nil {
		c()
	}
}

var (
	errNotOffered = errors.New("agent: the prompter chose a key that is not selectable")
	errSigned     = errors.New("agent: the request is signed already")
)

// inertIdentity makes a certificate's names safe to show: a key file can
// come from anyone, and its certificate's strings are as untrusted as a
// page's.
func inertIdentity(id signer.Identity) signer.Identity {
	for _, f := range []*string{&id.CommonName, &id.Surname, &id.Patronymic, &id.IIN, &id.BIN, &id.Organization, &id.Email, &id.Issuer} {
		*f = Inert(*f)
	}
	return id
}
