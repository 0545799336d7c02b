package agent

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
	"github.com/qoltanba/qoltanba/token"
)

// Prompter is what the UI implements: the consent question, the signing
// dialog, and a file chooser. Every string it gets that a page or a key
// store controls has been made inert (see Inert). Implementations must return ErrCanceled when
// the user cancels and must honour ctx (a page that closes its connection,
// or the prompt timeout, cancels it).
type Prompter interface {
	// Consent asks whether an origin seen for the first time may ask for
	// signatures at all.
	Consent(ctx context.Context, q ConsentQuestion) (Consent, error)
	// Choose shows the request and lets the user open a store (key file +
	// password, or token + PIN, through the Session) and approve one
	// selectable key: approving is Session.Approve, which signs. Choose
	// returns only how it ended: nil after an Approve that succeeded, else
	// why there is no signature (ErrCanceled, ...). Handle answers the
	// page from the Session as soon as Approve succeeded: a prompter may
	// keep showing "Signed ✓" a moment before it returns, and ctx is no
	// longer canceled by the page or the prompt timeout once the session
	// is signed (only by a short grace period, AfterSigned).
	Choose(ctx context.Context, s *Session) error
	// ChooseFile lets the user pick a file for a page;
	// extension and dir are the page's words, already made inert.
	ChooseFile(ctx context.Context, origin Origin, extension, dir string) (string, error)
}

// ConsentQuestion is the first-use question: the site, what the agent
// knows of it (a look-alike must look like one), and the page's language.
type ConsentQuestion struct {
	Origin Origin
	Site   OriginInfo
	Locale string
}

// Result is what a Request produced.
type Result struct {
	// Signatures: DER CMS, signed XML documents or raw signature values,
	// one per document.
	Signatures [][]byte
	// Certificate of the key used.
	Certificate *x509.Certificate
	// Key describes the chosen key (KeyOnly requests).
	Key *KeyOption
}

// Agent handles Requests.
type Agent struct {
	cfg           Config
	prompter      Prompter
	keyStores     KeyStores
	perms         *Permissions
	known         *KnownKeys
	audit         *Audit
	queue         *queue
	tsa           *signer.TSAClient
	productionCAs []*x509.Certificate
	log           *slog.Logger
	now           func() time.Time
}

// Options are the agent's parts.
type Options struct {
	Config      Config
	Prompter    Prompter
	KeyStores   KeyStores // nil: key files only
	Permissions *Permissions
	// KnownKeys is "my keys", the remembered key files (nil: none kept).
	KnownKeys     *KnownKeys
	Audit         *Audit
	ProductionCAs []*x509.Certificate
	Log           *slog.Logger
	// Now is the clock for key validity (tests); nil = time.Now.
	Now func() time.Time
	// TSA overrides the client built from Config.TSAURL (tests).
	TSA *signer.TSAClient
}

// New makes an agent.
func New(o Options) (*Agent, error) {
	if o.Prompter == nil {
		return nil, errors.New("agent: a Prompter is required")
	}
	a := &Agent{cfg: o.Config, prompter: o.Prompter, keyStores: o.KeyStores, perms: o.Permissions, known: o.KnownKeys, audit: o.Audit,
		queue: newQueue(o.Config.MaxQueuedPerOrigin), productionCAs: o.ProductionCAs, log: o.Log, now: o.Now, tsa: o.TSA}
	if a.perms == nil {
		a.perms, _ = LoadPermissions("", o.Config.AllowedOrigins, o.Config.DeniedOrigins)
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.tsa == nil && o.Config.TSAURL != "" {
		a.tsa = tsahttp.New(o.Config.TSAURL)
	}
	if a.cfg.PromptTimeout <= 0 {
		a.cfg.PromptTimeout = Duration(DefaultPromptTimeout)
	}
	return a, nil
}

// Config returns the agent's configuration.
func (a *Agent) Config() Config { return a.cfg }

// Permissions returns the per-origin permissions (for the tray).
func (a *Agent) Permissions() *Permissions { return a.perms }

// OriginRefused reports whether an origin is denied outright (the transport
// refuses its handshake before any work).
func (a *Agent) OriginRefused(o Origin) bool {
	if a.cfg.OnlyAllowedOrigins && !slices.Contains(a.cfg.AllowedOrigins, o.String()) {
		return true // the machine's policy admits its own list of sites only
	}
	return a.perms.Get(o.String()) == Denied
}

// ActiveStorages are the storage ids (token.Storages) of the tokens plugged in now.
func (a *Agent) ActiveStorages(ctx context.Context) []string {
	if a.keyStores == nil {
		return []string{}
	}
	return a.keyStores.ActiveStorages(ctx)
}

// ChooseFile asks the user for a file on a page's behalf (after consent).
func (a *Agent) ChooseFile(ctx context.Context, o Origin, ext, dir string) (string, error) {
	release, err := a.admit(ctx, o, "")
	if err != nil {
		return "", err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, time.Duration(a.cfg.PromptTimeout))
	defer cancel()
	p, err := a.prompter.ChooseFile(ctx, o, Inert(ext), Inert(dir))
	return p, a.promptErr(ctx, err)
}

// AddTimestamp adds a CAdES-T timestamp to an existing CMS: no key is
// used, so no key dialog; the origin still needs permission and only the
// configured TSA is contacted. method is the door's name of the call, for
// the audit log.
func (a *Agent) AddTimestamp(ctx context.Context, o Origin, method string, cms []byte) ([]byte, error) {
	req := &Request{Origin: o, Method: method, Format: FormatCMS, Documents: [][]byte{cms}}
	release, err := a.admit(ctx, o, "")
	if err != nil {
		a.record(req, nil, err, false)
		return nil, err
	}
	release()
	var out []byte
	if a.tsa == nil {
		err = fmt.Errorf("%w: no timestamp authority configured", signer.ErrTimestamp)
	} else {
		out, err = signer.AddTimestamp(ctx, cms, a.tsa)
	}
	if err = a.record(req, nil, err, true); err != nil {
		return nil, err
	}
	return out, nil
}

// admit applies the origin policy and takes the prompt slot: denied
// origins are refused, a new one is asked for consent (in the slot, one
// prompt at a time). The caller must call release.
func (a *Agent) admit(ctx context.Context, o Origin, locale string) (release func(), err error) {
	key := o.String()
	if a.OriginRefused(o) { // the transport refuses these at the handshake; this is the second lock
		return nil, ErrOriginDenied
	}
	release, err = a.queue.acquire(ctx, key)
	if err != nil {
		return nil, err
	}
	if a.perms.Get(key) == Allowed {
		return release, nil
	}
	cctx, cancel := context.WithTimeout(ctx, time.Duration(a.cfg.PromptTimeout))
	c, err := a.prompter.Consent(cctx, ConsentQuestion{Origin: o, Site: a.Classify(o), Locale: locale})
	err = a.promptErr(cctx, err)
	cancel()
	if err != nil {
		release()
		return nil, err
	}
	if c == AllowAlways && a.Lookalike(o) {
		c = AllowOnce // a look-alike is never remembered as allowed
	}
	switch c {
	case AllowAlways:
		a.perms.Set(key, Allowed)
	case Block:
		a.perms.Set(key, Denied)
		release()
		return nil, ErrOriginDenied
	case Dismiss:
		release()
		return nil, ErrCanceled
	}
	return release, nil
}

func (a *Agent) promptErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTimeout
	}
	return err
}

// Limits on what one request may carry.
const (
	MaxDocuments = 1000
)

func (a *Agent) validate(req *Request) error {
	switch req.Format {
	case FormatCMS, FormatXML, FormatRaw:
	default:
		if !req.KeyOnly {
			return BadRequest("format must be cms, xml or raw")
		}
	}
	if !req.KeyOnly && len(req.Documents) == 0 && req.FilePath == "" {
		return BadRequest("nothing to sign")
	}
	if len(req.Documents) > MaxDocuments {
		return TooLarge("more than %d documents", MaxDocuments)
	}
	if req.Digested && req.Format == FormatXML {
		return BadRequest("an XML document cannot be given as a digest")
	}
	return checkLogin(req)
}

// Handle runs a request through policy, consent, the dialog and the signer.
// The limits are checked first: a refused or unconsented request costs one
// short audit line and no hashing.
func (a *Agent) Handle(ctx context.Context, req *Request) (*Result, error) {
	if err := a.validate(req); err != nil {
		a.record(req, nil, err, false)
		return nil, err
	}
	if a.audit != nil && a.audit.Required {
		// A log known to be broken: refused before anyone is asked for
		// a PIN (record checks again after signing).
		if err := a.audit.Ready(); err != nil {
			err = fmt.Errorf("%w: %v", ErrAuditFailed, err)
			a.record(req, nil, err, false)
			return nil, err
		}
	}
	release, err := a.admit(ctx, req.Origin, req.Locale)
	if err != nil {
		a.record(req, nil, err, false)
		return nil, err
	}
	res, err := a.prompt(ctx, req, release)
	if err = a.record(req, res, err, true); err != nil {
		return nil, err // with a required audit log, no signature leaves without its line
	}
	return res, nil
}

// record writes the audit line and the local log line of a request, and
// returns the request's error: err, or ErrAuditFailed when the request
// succeeded but the audit log is required and its line could not be
// written (the caller then withholds the answer). The documents' hashes
// are in the audit line only when they were shown in a dialog (shown);
// the error's own text goes only to the local log.
func (a *Agent) record(req *Request, res *Result, err error, shown bool) error {
	e := AuditEntry{Time: a.now(), Origin: req.Origin.String(), Method: req.Method, Format: string(req.Format),
		Documents: len(req.Documents), Outcome: OutcomeOf(err)}
	if shown {
		e.SHA256 = docHashes(req.Documents)
	}
	if res != nil && res.Certificate != nil {
		e.Serial = fmt.Sprintf("%x", res.Certificate.SerialNumber)
		e.Subject = res.Certificate.Subject.String()
	}
	if werr := a.audit.Write(e); werr != nil {
		a.log.Error("audit log", "err", werr, "required", a.audit != nil && a.audit.Required)
		if err == nil && a.audit.Required {
			err = fmt.Errorf("%w: %v", ErrAuditFailed, werr)
			e.Outcome = OutcomeOf(err)
		}
	}
	if err != nil && e.Outcome != OutcomeCanceled {
		a.log.Info("request", "origin", e.Origin, "method", e.Method, "documents", e.Documents, "outcome", e.Outcome, "err", err)
		return err
	}
	a.log.Info("request", "origin", e.Origin, "method", e.Method, "documents", e.Documents, "outcome", e.Outcome)
	return err
}

// AfterSigned is how long a prompter may keep its dialog once the session
// is signed (the desktop shows "Signed ✓" for ui.SignedPause) before its
// context is canceled.
const AfterSigned = 5 * time.Second

// prompt runs the prompter on a new session and returns as soon as the
// session holds its result (Session.Approve succeeded), or the prompter
// ended without one. The prompter may stay on screen a moment longer: the
// prompt slot (release) and the keys it opened are freed only when it
// returns, so the next request's dialog never covers this one.
func (a *Agent) prompt(ctx context.Context, req *Request, release func()) (*Result, error) {
	s := a.newSession(req, a.queue.waiting)
	// The prompter's context: canceled with the caller's or by the prompt
	// timeout until the session is signed; after that only by AfterSigned.
	pctx, stop := context.WithCancelCause(context.WithoutCancel(ctx))
	ended := make(chan error, 1)
	go func() {
		err := a.prompter.Choose(pctx, s)
		stop(nil)
		s.close()
		release()
		ended <- err
	}()
	timeout := time.NewTimer(time.Duration(a.cfg.PromptTimeout))
	defer timeout.Stop()
	select {
	case <-s.signed:
		time.AfterFunc(AfterSigned, func() { stop(ErrTimeout) })
		return s.signedResult(), nil
	case err := <-ended:
		if res := s.signedResult(); res != nil {
			return res, nil // signed as it returned
		}
		if err == nil {
			err = errNotOffered // it ended "well" without a signature
		}
		return nil, err
	case <-ctx.Done():
		stop(ctx.Err())
		err := <-ended
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ErrTimeout
		}
		if err == nil {
			err = ErrCanceled
		}
		return nil, err
	case <-timeout.C:
		stop(ErrTimeout)
		<-ended
		return nil, ErrTimeout
	}
}

// keyPair adapts a token key for the signer.
func keyPair(k *token.Key) signer.KeyPair {
	return signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}
}
