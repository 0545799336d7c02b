package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/qoltanba/qoltanba/agent"
)

// TTY asks on a terminal: the consent question, the signing dialog (store,
// password or PIN with echo off, key list with the unselectable keys and
// their reasons, an explicit "yes"), and file paths. It draws the same
// models as the desktop dialogs (ConsentView, Dialog), in the same words
// and language (kk, ru, en, vi: the request's, else Locale). Plain Enter never
// approves, and an approval typed within Delay of the last change is
// ignored.
type TTY struct {
	In  io.Reader
	Out io.Writer
	// Fd is the terminal's descriptor for echo-off password entry; -1 when
	// In is not a terminal (tests).
	Fd int
	// Delay before an approval counts (anti-clickjacking for the terminal).
	Delay time.Duration
	// Locale returns the configured dialog language (kk, ru, en, vi) for a
	// request that names none; nil: the system's.
	Locale func() string

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

// locale is the dialog language: the request's (the page's), else the
// configured one (Locale), else the system's — as in the desktop dialogs.
func (t *TTY) locale(requested string) string {
	if l := NormalizeLocale(requested); l != "" {
		return l
	}
	if t.Locale != nil {
		return t.Locale()
	}
	return SystemLocale()
}

// header is the origin from the handshake, in capitals: a page's text is
// always indented and marked, so it cannot draw one of its own.
func (t *TTY) header(o agent.Origin, site SiteView) {
	fmt.Fprintf(t.Out, "\n==== %s ====\n", strings.ToUpper(o.String()))
	if site.Note != "" {
		fmt.Fprintln(t.Out, "("+site.Note+")")
	}
	fmt.Fprintln(t.Out, site.Badge)
	if site.Warning != "" {
		fmt.Fprintln(t.Out, "!! "+site.Warning)
	}
}

// Consent asks about an origin seen for the first time, in the consent
// model's words: what qoltanba knows of the site (a look-alike is named,
// and not offered "always"), each answer numbered with what it means.
func (t *TTY) Consent(ctx context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.locale(q.Locale)
	v := NewConsentView(q.Origin, q.Site, l)
	t.header(q.Origin, v.Site)
	fmt.Fprintln(t.Out, v.Question)
	for i, c := range v.Choices {
		fmt.Fprintf(t.Out, "  %d) %s — %s\n", i+1, c.Label, c.Explain)
	}
	fmt.Fprintln(t.Out, v.Tip)
	for {
		a, err := t.ask(ctx, T(l, "tty-choice"))
		if err != nil {
			return agent.Block, err
		}
		// The letters of the English words (once, always, block) work too.
		pick := map[string]agent.Consent{"o": agent.AllowOnce, "once": agent.AllowOnce, "a": agent.AllowAlways,
			"always": agent.AllowAlways, "b": agent.Block, "block": agent.Block}
		c, ok := pick[strings.ToLower(a)]
		if n, err := strconv.Atoi(a); err == nil && n >= 1 && n <= len(v.Choices) {
			c, ok = v.Choices[n-1].Consent, true
		}
		if ok && slices.ContainsFunc(v.Choices, func(ch ConsentChoice) bool { return ch.Consent == c }) {
			return c, nil
		}
	}
}

// Choose runs the signing dialog on the terminal: the dialog model
// (Dialog) drawn as lines, with its words in the dialog's language. The
// approved key signs through the model, that is through Session.Approve,
// as in every prompter.
func (t *TTY) Choose(ctx context.Context, s *agent.Session) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := NewDialog(ctx, s, DialogOptions{Locale: t.locale(s.Request.Locale), Delay: t.Delay})
	defer d.Cancel() // ends the model (and "Signed ✓" at once: nothing to keep on a terminal)
	v := d.View()
	t.header(s.Request.Origin, v.Site)
	fmt.Fprintln(t.Out, v.Heading)
	fmt.Fprintln(t.Out, v.DocsTitle+":")
	if v.DocsSummary != "" && (len(v.Docs) != 1 || v.DocsSummary != v.Docs[0].Title) {
		fmt.Fprintln(t.Out, "  "+v.DocsSummary)
	}
	for i, line := range v.Docs {
		fmt.Fprintf(t.Out, "  %s, SHA-256 %s\n", line.Title, s.Docs[i].SHA256)
		if p := line.Text; p != "" {
			if r := []rune(p); len(r) > 400 {
				p = string(r[:400]) + "…"
			}
			// The page's text, marked as such line by line (it is inert
			// already: no control sequence reaches the terminal).
			fmt.Fprintf(t.Out, "    │ %s\n", strings.ReplaceAll(p, "\n", "\n    │ "))
		}
	}
	if v.Waiting != "" {
		fmt.Fprintln(t.Out, "("+v.Waiting+")")
	}
	if len(v.Stores) == 0 {
		fmt.Fprintln(t.Out, d.T("tty-no-stores"))
		return agent.ErrCanceled
	}
	for {
		v = d.View()
		fmt.Fprintln(t.Out, v.StoresTitle+":")
		for i, st := range v.Stores {
			fmt.Fprintf(t.Out, "  %d) %s\n", i+1, st)
		}
		if v.StoresNote != "" {
			fmt.Fprintln(t.Out, "  "+v.StoresNote)
		}
		a, err := t.ask(ctx, d.T("tty-store"))
		if err != nil {
			return err
		}
		if a == "0" || a == "c" {
			return agent.ErrCanceled
		}
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 || n > len(v.Stores) {
			continue
		}
		d.SelectStore(n - 1)
		if err := t.load(ctx, d); err != nil {
			return err
		}
		v = d.View()
		if v.Message != "" {
			fmt.Fprintln(t.Out, "  "+v.Message)
		}
		if len(v.Keys) == 0 {
			if !v.ShowSecret || v.tokenGone {
				d.Rescan(ctx) // a token may have come or gone (a wrong PIN keeps the state it told)
			}
			continue
		}
		err = t.pickKey(ctx, d)
		if err == errBack {
			d.Rescan(ctx)
			continue
		}
		return err
	}
}

// load asks for the key file's path and password, or the token's PIN, and
// opens the store; a wrong password is asked again.
func (t *TTY) load(ctx context.Context, d *Dialog) error {
	v := d.View()
	if !v.ShowSecret {
		return nil // "plug in your token", or a locked PIN: the message says
	}
	if v.ShowPath {
		path, err := t.ask(ctx, v.PathLabel+": ")
		if err != nil {
			return err
		}
		d.SetPath(path)
	}
	for {
		secret, err := t.askSecret(ctx, v.SecretLabel+": ")
		if err != nil {
			return err
		}
		d.Load(ctx, secret) // wipes secret
		v = d.View()
		if !v.ShowPath || len(v.Keys) > 0 || v.Focus != FocusSecret {
			return nil // a token's wrong PIN goes back to the list, which shows what is left
		}
		fmt.Fprintln(t.Out, "  "+v.Message)
	}
}

var errBack = errors.New("back to the stores")

// pickKey lists the keys in the dialog's words and asks for a number and
// an explicit yes; an approval typed before the dialog's delay passed is
// ignored. It returns errBack to go back to the store list.
func (t *TTY) pickKey(ctx context.Context, d *Dialog) error {
	v := d.View()
	fmt.Fprintln(t.Out, v.KeysTitle+":")
	for i, k := range v.Keys {
		fmt.Fprintf(t.Out, "  %d) %s\n", i+1, strings.Join(k.Lines(), "\n     "))
	}
	for {
		a, err := t.ask(ctx, d.T("tty-key"))
		if err != nil {
			return err
		}
		switch a {
		case "c":
			return agent.ErrCanceled
		case "0", "b":
			return errBack
		}
		n, err := strconv.Atoi(a)
		if err != nil || !d.SelectKey(n-1) {
			fmt.Fprintln(t.Out, "  "+d.T("tty-not-selectable"))
			continue
		}
		v = d.View()
		fmt.Fprintln(t.Out, v.Summary)
		yes, err := t.ask(ctx, d.T("tty-confirm", v.SignLabel, d.T("tty-yes")))
		if err != nil {
			return err
		}
		if !strings.EqualFold(yes, d.T("tty-yes")) && !strings.EqualFold(yes, "yes") {
			continue
		}
		if !d.CanSign() {
			fmt.Fprintln(t.Out, "  "+d.T("tty-too-fast"))
			continue
		}
		return t.sign(ctx, d, d.Sign)
	}
}

// sign starts signing (Sign or Retry) and prints the model's status until
// it is signed, or failed and the user gives up.
func (t *TTY) sign(ctx context.Context, d *Dialog, start func(context.Context)) error {
	changed := make(chan struct{}, 1)
	d.SetOnChange(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	start(ctx)
	last := ""
	for {
		v := d.View()
		if v.Status != last {
			fmt.Fprintln(t.Out, v.Status)
			last = v.Status
		}
		switch v.Phase {
		case PhaseSigned:
			return nil
		case PhaseFailed:
			if !v.CanRetry {
				return agent.ErrCanceled
			}
			a, err := t.ask(ctx, d.T("tty-retry"))
			if err != nil {
				return err
			}
			if a != "1" {
				return agent.ErrCanceled
			}
			last = ""
			d.Retry(ctx)
			continue
		}
		select {
		case <-changed:
		case r := <-d.Done():
			return r.Err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ChooseFile asks for a path.
func (t *TTY) ChooseFile(ctx context.Context, o agent.Origin, ext, dir string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, err := t.ask(ctx, T(t.locale(""), "tty-file", o, ext, dir))
	if err != nil {
		return "", err
	}
	if p == "" {
		return "", agent.ErrCanceled
	}
	return p, nil
}
