package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

// TTY asks on a terminal: the consent question, the signing dialog (store,
// password or PIN with echo off, key list with the unselectable keys and
// their reasons, an explicit "yes"), and file paths. Plain Enter never
// approves, and an approval typed within Delay of the key list is ignored.
type TTY struct {
	In  io.Reader
	Out io.Writer
	// Fd is the terminal's descriptor for echo-off password entry; -1 when
	// In is not a terminal (tests).
	Fd int
	// Delay before an approval counts (anti-clickjacking for the terminal).
	Delay time.Duration

	once  sync.Once
	bytes chan byte
	mu    sync.Mutex // one dialog at a time (the agent already ensures it)
}

// NewTTY prompts on the process's terminal.
func NewTTY(in io.Reader, out io.Writer, fd int) *TTY {
	return &TTY{In: in, Out: out, Fd: fd, Delay: time.Second}
}

func (t *TTY) start() {
	t.once.Do(func() {
		t.bytes = make(chan byte, 4096)
		go func() {
			buf := make([]byte, 256)
			for {
				n, err := t.In.Read(buf)
				for _, b := range buf[:n] {
					t.bytes <- b
				}
				if err != nil {
					close(t.bytes)
					return
				}
			}
		}()
	})
}

var errInputClosed = errors.New("terminal input closed")

// readLine returns one line (without the end), honouring ctx.
func (t *TTY) readLine(ctx context.Context, secret bool) ([]byte, error) {
	t.start()
	var line []byte
	for {
		select {
		case <-ctx.Done():
			clear(line)
			return nil, ctx.Err()
		case b, ok := <-t.bytes:
			if !ok {
				clear(line)
				return nil, errInputClosed
			}
			switch {
			case b == '\n' || b == '\r':
				if b == '\r' {
					fmt.Fprint(t.Out, "\r\n")
				}
				return line, nil
			case b == 3: // Ctrl-C in raw mode
				clear(line)
				return nil, agent.ErrCanceled
			case secret && (b == 127 || b == 8):
				if len(line) > 0 {
					line[len(line)-1] = 0
					line = line[:len(line)-1]
				}
			default:
				line = append(line, b)
			}
		}
	}
}

// ask prints a question and reads an answer line.
func (t *TTY) ask(ctx context.Context, q string) (string, error) {
	fmt.Fprint(t.Out, q)
	b, err := t.readLine(ctx, false)
	return strings.TrimSpace(string(b)), err
}

// askSecret reads a password or PIN with echo off when on a terminal.
func (t *TTY) askSecret(ctx context.Context, q string) ([]byte, error) {
	fmt.Fprint(t.Out, q)
	if t.Fd >= 0 && term.IsTerminal(t.Fd) {
		st, err := term.MakeRaw(t.Fd)
		if err == nil {
			defer term.Restore(t.Fd, st)
		}
	}
	b, err := t.readLine(ctx, true)
	fmt.Fprintln(t.Out)
	return b, err
}

// Consent asks about an origin seen for the first time, with what
// qoltanba knows of the site (a look-alike is named, and not offered
// "always").
func (t *TTY) Consent(ctx context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := q.Origin
	v := NewConsentView(o, q.Site, ttyLocale)
	fmt.Fprintf(t.Out, "\n==== %s ====\n", strings.ToUpper(o.String()))
	if v.Site.Note != "" {
		fmt.Fprintln(t.Out, "("+v.Site.Note+")")
	}
	fmt.Fprintln(t.Out, v.Site.Badge)
	if v.Site.Warning != "" {
		fmt.Fprintln(t.Out, "!! "+v.Site.Warning)
	}
	choices := "[o]nce / [a]lways / [b]lock"
	if q.Site.Class == agent.OriginLookalike {
		choices = "[o]nce / [b]lock"
	}
	for {
		a, err := t.ask(ctx, fmt.Sprintf("Allow %s to ask for your signatures? %s: ", o, choices))
		if err != nil {
			return agent.Block, err
		}
		switch strings.ToLower(a) {
		case "o", "once":
			return agent.AllowOnce, nil
		case "a", "always":
			if q.Site.Class != agent.OriginLookalike {
				return agent.AllowAlways, nil
			}
		case "b", "block":
			return agent.Block, nil
		}
	}
}

// ttyLocale: the terminal dialog speaks English (servers and developers'
// terminals); the desktop dialogs speak kk, ru and en.
const ttyLocale = "en"

var actionText = map[agent.Action]string{
	agent.ActionLogin: "Log in", agent.ActionSign: "Sign", agent.ActionSignHash: "Sign a document hash",
	agent.ActionKeyInfo: "Choose a key", agent.ActionSignFile: "Sign a file",
}

// Choose runs the signing dialog; the approved key signs through the
// session (Session.Approve), as in every prompter.
func (t *TTY) Choose(ctx context.Context, s *agent.Session) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := s.Request
	fmt.Fprintf(t.Out, "\n==== %s ====\n", strings.ToUpper(r.Origin.String()))
	if site := NewSiteView(r.Origin, s.Site(), ttyLocale); site.Class == agent.OriginLookalike || site.Note != "" {
		fmt.Fprintln(t.Out, site.Badge)
		if site.Note != "" {
			fmt.Fprintln(t.Out, "("+site.Note+")")
		}
	}
	what := actionText[s.Action]
	if n := len(s.Docs); n > 1 {
		what = fmt.Sprintf("%s %d documents", what, n)
	} else if s.File != "" {
		what += ": " + s.File
	}
	fmt.Fprintf(t.Out, "%s asks: %s\n", r.Origin, what)
	for i, d := range s.Docs {
		fmt.Fprintf(t.Out, "  document %d: %s, %d bytes, SHA-256 %s\n", i+1, d.Kind, d.Size, d.SHA256)
		if d.Preview != "" {
			p := d.Preview
			if r := []rune(p); len(r) > 400 {
				p = string(r[:400]) + "…"
			}
			// The page's text, marked as such line by line (Preview is
			// already inert: no control sequence reaches the terminal).
			fmt.Fprintf(t.Out, "    │ %s\n", strings.ReplaceAll(p, "\n", "\n    │ "))
		}
	}
	if w := s.Waiting(); w > 0 {
		fmt.Fprintf(t.Out, "(%d more requests waiting)\n", w)
	}
	stores := s.Stores(ctx)
	if len(stores) == 0 {
		fmt.Fprintln(t.Out, "None of the key stores this site allows is available.")
		return agent.ErrCanceled
	}
	for {
		fmt.Fprintln(t.Out, "Key stores:")
		for i, st := range stores {
			if st.Storage == agent.StorePKCS12 {
				fmt.Fprintf(t.Out, "  %d) key file (PKCS#12)\n", i+1)
			} else {
				fmt.Fprintf(t.Out, "  %d) %s %q (PIN: %s)\n", i+1, TokenName(st.Storage, ttyLocale), st.Label, st.PIN.String())
			}
		}
		a, err := t.ask(ctx, "Store number, or c to cancel: ")
		if err != nil {
			return err
		}
		if a == "c" {
			return agent.ErrCanceled
		}
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 || n > len(stores) {
			continue
		}
		opts, err := t.openStore(ctx, s, stores[n-1])
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, agent.ErrCanceled) || errors.Is(err, errInputClosed) {
				return err
			}
			fmt.Fprintf(t.Out, "  %s\n", agent.Inert(err.Error()))
			if pe := (*token.PINError)(nil); errors.As(err, &pe) {
				stores[n-1].PIN = pe.State // what the token says after the try
			} else {
				stores = s.Rescan(ctx) // a token may have gone
			}
			continue
		}
		k, err := t.pickKey(ctx, opts)
		if err != nil {
			return err
		}
		if k != nil {
			return s.Approve(ctx, k, nil)
		}
	}
}

func (t *TTY) openStore(ctx context.Context, s *agent.Session, st agent.StoreInfo) ([]agent.KeyOption, error) {
	if st.Storage == agent.StorePKCS12 {
		path, err := t.ask(ctx, "Key file path: ")
		if err != nil {
			return nil, err
		}
		for {
			pw, err := t.askSecret(ctx, "Password: ")
			if err != nil {
				return nil, err
			}
			opts, err := s.OpenKeyFile(ctx, path, pw)
			clear(pw)
			if errors.Is(err, token.ErrWrongPassword) {
				fmt.Fprintln(t.Out, "  wrong password")
				continue
			}
			return opts, err
		}
	}
	pin, err := t.askSecret(ctx, fmt.Sprintf("PIN for %q: ", st.Label))
	if err != nil {
		return nil, err
	}
	defer clear(pin)
	return s.OpenToken(ctx, st, pin)
}

// pickKey lists keys and asks for a number and an explicit yes. It returns
// nil, nil to go back to the store list.
func (t *TTY) pickKey(ctx context.Context, opts []agent.KeyOption) (*agent.KeyOption, error) {
	fmt.Fprintln(t.Out, "Keys:")
	now := time.Now()
	for i, o := range opts {
		// The dialog's own words for a key (owner, purpose, validity,
		// issuer, and why it cannot be chosen).
		lines := NewKeyRow(o, now, ttyLocale).Lines()
		fmt.Fprintf(t.Out, "  %d) %s\n", i+1, strings.Join(lines, "\n     "))
	}
	shown := time.Now()
	for {
		a, err := t.ask(ctx, "Key number, b to go back, c to cancel: ")
		if err != nil {
			return nil, err
		}
		switch a {
		case "c":
			return nil, agent.ErrCanceled
		case "b":
			return nil, nil
		}
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 || n > len(opts) || !opts[n-1].Selectable {
			fmt.Fprintln(t.Out, "  choose a selectable key")
			continue
		}
		yes, err := t.ask(ctx, "Type yes to sign: ")
		if err != nil {
			return nil, err
		}
		if time.Since(shown) < t.Delay {
			fmt.Fprintln(t.Out, "  too fast; read the request and answer again")
			continue
		}
		if strings.EqualFold(yes, "yes") {
			return &opts[n-1], nil
		}
	}
}

// ChooseFile asks for a path.
func (t *TTY) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, err := t.ask(ctx, fmt.Sprintf("%s asks for a file (*.%s, from %s). Path, or empty to cancel: ", o, ext, dir))
	if err != nil {
		return "", err
	}
	if p == "" {
		return "", agent.ErrCanceled
	}
	return p, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
