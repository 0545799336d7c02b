// Package dialogtest runs a request through a real agent and hands a test
// the Session its Prompter gets, so the dialog model and every renderer
// are tested against the agent they serve (real key files, real
// signatures). It has a token store whose token the test plugs in and out.
package dialogtest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
	"github.com/qoltanba/qoltanba/token"
)

// Options of a run.
type Options struct {
	Now    time.Time       // the agent's clock (default ncatest.Time2026)
	Tokens agent.KeyStores // nil: key files only
	TSA    string          // a timestamp server URL
	Known  []agent.KnownService
	Policy *agent.Policy // a machine policy in force (nil: none)
	// KnownKeys is "my keys", the remembered key files (nil: none).
	KnownKeys *agent.KnownKeys
}

// Run is a request waiting in the agent for its dialog.
type Run struct {
	Session *agent.Session
	answer  chan error
	once    sync.Once
	// handled is closed when Handle returned res, err: the page's answer.
	handled chan struct{}
	res     *agent.Result
	err     error
}

type prompter struct {
	sessions chan *agent.Session
	answers  chan error
}

func (p *prompter) Consent(context.Context, agent.ConsentQuestion) (agent.Consent, error) {
	return agent.AllowOnce, nil
}
func (p *prompter) Choose(_ context.Context, s *agent.Session) error {
	p.sessions <- s
	return <-p.answers
}
func (p *prompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// Start sends req to a new agent and returns once its dialog is due. The
// run is ended (canceled) at the test's end unless End was called.
func Start(tb testing.TB, req *agent.Request, o Options) *Run {
	tb.Helper()
	if o.Now.IsZero() {
		o.Now = ncatest.Time2026
	}
	p := &prompter{sessions: make(chan *agent.Session, 1), answers: make(chan error, 1)}
	cfg := agent.DefaultConfig()
	cfg.KnownOrigins = o.Known
	cfg = o.Policy.Apply(cfg)
	opts := agent.Options{Config: cfg, Prompter: p, KeyStores: o.Tokens, KnownKeys: o.KnownKeys, Now: func() time.Time { return o.Now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if o.TSA != "" {
		opts.TSA = tsahttp.New(o.TSA)
	}
	a, err := agent.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	r := &Run{answer: p.answers, handled: make(chan struct{})}
	go func() {
		r.res, r.err = a.Handle(context.Background(), req)
		close(r.handled)
	}()
	r.Session = <-p.sessions
	tb.Cleanup(func() { r.End(agent.ErrCanceled) })
	return r
}

// Handled is closed when Handle has answered the page (see Answer).
func (r *Run) Handled() <-chan struct{} { return r.handled }

// Answer waits up to 10 s for what Handle answered the page: the
// signature, which leaves as soon as Session.Approve made it, or why there
// is none, once the prompter returned.
func (r *Run) Answer(tb testing.TB) (*agent.Result, error) {
	tb.Helper()
	select {
	case <-r.handled:
		return r.res, r.err
	case <-time.After(10 * time.Second):
		tb.Fatal("the request got no answer")
	}
	return nil, nil
}

// End makes the prompter return err (nil after the dialog signed through
// Session.Approve, else why not) and returns what Handle returned. Later
// calls return the same.
func (r *Run) End(err error) error {
	r.once.Do(func() { r.answer <- err })
	<-r.handled
	return r.err
}

// Origin parses an origin, failing the test on error.
func Origin(tb testing.TB, s string) agent.Origin {
	o, err := agent.ParseOrigin(s)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// Tokens is a token store with one token the test plugs in and out. Its
// PIN is "1234"; its keys are those of File (an NCA key file).
type Tokens struct {
	mu      sync.Mutex
	Present bool
	State   token.PINState
	File    string
	Storage string // default AKKaztokenStore
	Label   string // default ТЕСТ
}

// Set changes the token under the lock.
func (f *Tokens) Set(present bool, state token.PINState) {
	f.mu.Lock()
	f.Present, f.State = present, state
	f.mu.Unlock()
}

// Tokens lists the token when it is plugged in.
func (f *Tokens) Tokens(context.Context) []agent.StoreInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.Present {
		return nil
	}
	st, label := f.Storage, f.Label
	if st == "" {
		st = "AKKaztokenStore"
	}
	if label == "" {
		label = "ТЕСТ"
	}
	return []agent.StoreInfo{{Storage: st, Label: label, PIN: f.State, Ref: f}}
}

// ActiveStorages is NCALayer's getActiveTokens.
func (f *Tokens) ActiveStorages(ctx context.Context) []string { return nil }

// Open checks the PIN as a token would: wrong ones count down to a lock.
func (f *Tokens) Open(_ context.Context, _ agent.StoreInfo, pin []byte) ([]*token.Key, func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.State.Locked {
		return nil, nil, &token.PINError{Err: token.ErrPINLocked, State: f.State}
	}
	if string(pin) != "1234" {
		f.State = token.PINState{CountLow: true, FinalTry: f.State.CountLow}
		return nil, nil, &token.PINError{Err: token.ErrWrongPIN, State: f.State}
	}
	data, err := os.ReadFile(f.File)
	if err != nil {
		return nil, nil, err
	}
	keys, err := token.ParsePKCS12(data, []byte(ncatest.Password))
	return keys, func() { token.CloseAll(keys) }, err
}
