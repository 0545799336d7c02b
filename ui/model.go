package ui

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

// Phase is where the signing dialog is.
type Phase int

// Phases of the signing dialog.
const (
	PhaseChoose  Phase = iota // choosing a store and a key
	PhaseSigning              // Sign was pressed: signing, with progress
	PhaseSigned               // done: "Signed ✓" for a moment, then the window closes
	PhaseFailed               // signing failed: why, with Try again or Cancel
)

// Focus names the control a renderer should give the keyboard focus.
type Focus int

// Focus targets.
const (
	FocusNone Focus = iota
	FocusPath
	FocusSecret
	FocusKeys
	FocusSign
	FocusRetry
)

// SignedPause is how long "Signed ✓" stays before the dialog closes. The
// page has its answer already (it leaves when Session.Approve signed); the
// dialog closes sooner when another request waits for the screen.
const SignedPause = 1200 * time.Millisecond

// signedPoll is how often the "Signed ✓" pause looks for a waiting request.
const signedPoll = 50 * time.Millisecond

// DialogOptions are a dialog's settings.
type DialogOptions struct {
	Locale string
	// Delay before Sign can be pressed after the dialog appeared or
	// changed (no instant approval by a stray click or Enter).
	Delay time.Duration
	// Recent remembers key files that opened (nil: none kept).
	Recent *RecentFiles
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Result is how a dialog ended: Err is nil when it signed (through
// Session.Approve, whose result is the request's), else why not
// (agent.ErrCanceled). It is what the Prompter's Choose returns.
type Result struct {
	Err error
}

// Dialog is the signing dialog's state and rules apart from any widgets:
// what it shows (View), what the user can do (the methods), and when it
// is done (Done). Renderers (fyne on Linux and macOS, Win32 on Windows)
// draw View and forward events; the terminal prompter (TTY) drives the
// same model and prints its View.
// Methods are safe from any goroutine; SetOnChange tells the renderer
// when something changed that it did not cause (signing progress).
type Dialog struct {
	s      *agent.Session
	o      DialogOptions
	site   SiteView
	locale string

	mu         sync.Mutex
	stores     []storeEntry
	store      int
	path       string
	keys       []agent.KeyOption
	key        int
	message    string
	msgError   bool
	tokenGone  bool // the last Load found the token gone
	changedAt  time.Time
	phase      Phase
	done, of   int
	failure    string
	canRetry   bool
	source     []bool // "show source" per document
	docsOpen   *bool  // the user's choice; nil: open until keys are listed
	focus      Focus
	focusSeq   int
	onChange   func()
	cancelSign context.CancelFunc
	finished   chan Result
	ended      chan struct{} // closed by finish
	once       sync.Once
	known      []string // "my keys": remembered key files, the one signed with last first
}

// storeEntry is one line of the store list; a placeholder stands for
// "a token" when none is plugged in.
type storeEntry struct {
	info        agent.StoreInfo
	placeholder bool
}

// NewDialog opens the dialog model for one request.
func NewDialog(ctx context.Context, s *agent.Session, o DialogOptions) *Dialog {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Locale == "" {
		o.Locale = SystemLocale()
	}
	d := &Dialog{s: s, o: o, locale: o.Locale, key: -1, finished: make(chan Result, 1), ended: make(chan struct{})}
	d.site = NewSiteView(s.Request.Origin, s.Site(), o.Locale)
	d.source = make([]bool, len(s.Docs))
	d.changedAt = o.Now()
	d.setStores(s.Stores(ctx))
	if len(d.stores) > 0 {
		d.selectStore(0)
	}
	// "My keys" first, the key file signed with last at their head (the
	// agent's list: NCALayer pages get the last-used key pre-selected),
	// then the files this dialog opened lately.
	for _, k := range s.KnownKeyFiles() {
		if !slices.Contains(d.known, k.Path) {
			d.known = append(d.known, k.Path)
		}
	}
	if r := d.recentList(); len(r) > 0 && d.isKeyFileLocked() {
		d.path = r[0]
		d.requestFocus(FocusSecret)
	}
	return d
}

// recentList is the key files offered: "my keys", then the recent ones.
func (d *Dialog) recentList() []string {
	l := slices.Clone(d.known)
	if d.o.Recent != nil {
		for _, p := range d.o.Recent.List() {
			if !slices.Contains(l, p) {
				l = append(l, p)
			}
		}
	}
	return l
}

// T translates in the dialog's language.
func (d *Dialog) T(key string, args ...any) string { return T(d.locale, key, args...) }

// Locale is the dialog's language.
func (d *Dialog) Locale() string { return d.locale }

// Done delivers the dialog's end once.
func (d *Dialog) Done() <-chan Result { return d.finished }

// SetOnChange registers the renderer's hook for changes it did not make
// (called from another goroutine).
func (d *Dialog) SetOnChange(f func()) {
	d.mu.Lock()
	d.onChange = f
	d.mu.Unlock()
}

func (d *Dialog) changed() {
	d.mu.Lock()
	f := d.onChange
	d.mu.Unlock()
	if f != nil {
		f()
	}
}

func (d *Dialog) finish(r Result) {
	d.once.Do(func() {
		d.mu.Lock()
		if d.cancelSign != nil {
			d.cancelSign()
		}
		d.mu.Unlock()
		close(d.ended)
		d.finished <- r
	})
}

func (d *Dialog) requestFocus(f Focus) { d.focus, d.focusSeq = f, d.focusSeq+1 }

func (d *Dialog) setStores(list []agent.StoreInfo) {
	d.stores = d.stores[:0]
	tokens := 0
	for _, st := range list {
		d.stores = append(d.stores, storeEntry{info: st})
		if st.Storage != agent.StorePKCS12 {
			tokens++
		}
	}
	if tokens == 0 && d.s.TokensAllowed() {
		d.stores = append(d.stores, storeEntry{placeholder: true})
	}
}

func (d *Dialog) isKeyFileLocked() bool {
	return d.store >= 0 && d.store < len(d.stores) && !d.stores[d.store].placeholder && d.stores[d.store].info.Storage == agent.StorePKCS12
}

// SelectStore chooses store i (the key file or a token).
func (d *Dialog) SelectStore(i int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.selectStore(i)
}

func (d *Dialog) selectStore(i int) {
	if i < 0 || i >= len(d.stores) || d.phase != PhaseChoose {
		return
	}
	d.store, d.keys, d.key, d.message, d.msgError, d.changedAt, d.tokenGone = i, nil, -1, "", false, d.o.Now(), false
	d.docsOpen = nil
	switch {
	case d.stores[i].placeholder:
		d.message = d.T("token-insert")
		d.requestFocus(FocusNone)
	case d.isKeyFileLocked() && d.path == "":
		d.requestFocus(FocusPath)
	case d.stores[i].info.PIN.Locked:
		d.message, d.msgError = d.T("token-locked-note"), true
		d.requestFocus(FocusNone)
	default:
		d.requestFocus(FocusSecret)
	}
}

// SetPath is the key file path the user typed or picked.
func (d *Dialog) SetPath(p string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p != d.path {
		d.path, d.changedAt = p, d.o.Now()
	}
}

// PickedFile is a file chosen in the file dialog: the path is set and the
// focus goes to the password.
func (d *Dialog) PickedFile(p string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.path, d.changedAt = p, d.o.Now()
	d.requestFocus(FocusSecret)
}

// Rescan looks for tokens again (the refresh button, and every few
// seconds while "plug in your token" is shown). It keeps the selection
// when it is still there, and moves to a token that appeared.
func (d *Dialog) Rescan(ctx context.Context) {
	list := d.s.Rescan(ctx)
	d.mu.Lock()
	var wasRef any
	wasPlaceholder := false
	if d.store >= 0 && d.store < len(d.stores) {
		wasRef, wasPlaceholder = d.stores[d.store].info.Ref, d.stores[d.store].placeholder
	}
	wasFile := d.isKeyFileLocked()
	var wasLocked bool
	if d.store >= 0 && d.store < len(d.stores) {
		wasLocked = d.stores[d.store].info.PIN.Locked
	}
	d.setStores(list)
	d.store = -1
	for i, st := range d.stores {
		if (wasFile && st.info.Storage == agent.StorePKCS12) || (!wasFile && !wasPlaceholder && st.info.Ref == wasRef && st.info.Ref != nil) {
			d.store = i
			if st.info.PIN.Locked != wasLocked {
				d.selectStore(i) // locked (or unlocked) meanwhile: say so
			}
		}
	}
	if d.store < 0 && len(d.stores) > 0 {
		// The token went away, or a token appeared while "plug in" was
		// shown: the first token, else the first store.
		first := 0
		for i, st := range d.stores {
			if !st.placeholder && st.info.Storage != agent.StorePKCS12 {
				first = i
				break
			}
		}
		d.selectStore(first)
	}
	d.mu.Unlock()
}

// WaitingForToken reports whether the dialog shows "plug in your token"
// (the renderer rescans now and then while it does).
func (d *Dialog) WaitingForToken() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.store >= 0 && d.store < len(d.stores) && d.stores[d.store].placeholder
}

// Load opens the selected store with the password or PIN typed (Enter in
// the field, or the Load button), and wipes secret. A wrong password or PIN
// keeps the dialog open with the reason; it never signs.
func (d *Dialog) Load(ctx context.Context, secret []byte) {
	defer clear(secret)
	d.mu.Lock()
	if d.phase != PhaseChoose || d.store < 0 || d.store >= len(d.stores) || d.stores[d.store].placeholder {
		d.mu.Unlock()
		return
	}
	st, path, file := d.stores[d.store].info, d.path, d.isKeyFileLocked()
	d.mu.Unlock()
	var opts []agent.KeyOption
	var err error
	switch {
	case file && path == "":
		err = errNoFile
	case file:
		opts, err = d.s.OpenKeyFile(ctx, path, secret)
	default:
		opts, err = d.s.OpenToken(ctx, st, secret)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changedAt, d.key, d.keys, d.msgError = d.o.Now(), -1, nil, true
	var pe *token.PINError
	switch {
	case err == nil:
		d.keys, d.message, d.msgError, d.tokenGone = opts, "", false, false
		if file && d.o.Recent != nil {
			d.o.Recent.Add(path)
		}
		selectable := -1
		for i, k := range opts {
			if k.Selectable {
				if selectable >= 0 {
					selectable = -2
					break
				}
				selectable = i
			}
		}
		switch {
		case len(opts) == 0:
			d.message = d.T("no-keys")
		case selectable == -1:
			d.message = d.T("no-keys-match")
		case selectable >= 0: // the only usable key is chosen for you
			d.key = selectable
			d.requestFocus(FocusSign)
			return
		}
		d.requestFocus(FocusKeys)
		return
	case errors.Is(err, errNoFile):
		d.message = d.T("choose-file-first")
		d.requestFocus(FocusPath)
		return
	case errors.As(err, &pe):
		d.stores[d.store].info.PIN = pe.State // what the token says now
	}
	if errors.Is(err, token.ErrPINLocked) {
		d.stores[d.store].info.PIN.Locked = true
	}
	d.tokenGone = errors.Is(err, token.ErrTokenRemoved)
	if key, ok := StoreErrorKey(err); ok {
		d.message = d.T(key)
	} else {
		d.message = d.T("load-failed", agent.Inert(err.Error()))
	}
	d.requestFocus(FocusSecret)
}

var errNoFile = errors.New("no key file chosen")

// SelectKey chooses key i; a key that cannot be chosen is not.
func (d *Dialog) SelectKey(i int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.phase != PhaseChoose || i < 0 || i >= len(d.keys) || !d.keys[i].Selectable {
		d.key = -1
		return false
	}
	if d.key != i {
		d.key, d.changedAt = i, d.o.Now()
	}
	return true
}

// ToggleSource switches document i between the readable view and its
// source (XML).
func (d *Dialog) ToggleSource(i int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i >= 0 && i < len(d.source) {
		d.source[i] = !d.source[i]
	}
}

// ToggleDocs opens or folds the documents.
func (d *Dialog) ToggleDocs() {
	d.mu.Lock()
	defer d.mu.Unlock()
	open := !d.docsOpenLocked()
	d.docsOpen = &open
}

func (d *Dialog) docsOpenLocked() bool {
	if d.docsOpen != nil {
		return *d.docsOpen
	}
	return len(d.keys) == 0 // folded to a summary once the keys need the room
}

// canSign: a selectable key is chosen and the dialog has not changed for
// the delay.
func (d *Dialog) canSign() bool {
	return d.phase == PhaseChoose && d.key >= 0 && d.key < len(d.keys) && d.keys[d.key].Selectable &&
		d.o.Now().Sub(d.changedAt) >= d.o.Delay
}

// CanSign reports whether Sign would act now (the renderer enables the
// button; it asks again as the delay passes).
func (d *Dialog) CanSign() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.canSign()
}

// Sign is the user's approval: it signs with the chosen key (through the
// agent's Session.Approve, which answers the page at once) and shows
// progress, then "Signed ✓" for SignedPause (less when another request
// waits) before the dialog ends; a failure stays on screen with Try again
// and Cancel. It does nothing unless CanSign.
func (d *Dialog) Sign(ctx context.Context) {
	d.mu.Lock()
	if !d.canSign() {
		d.mu.Unlock()
		return
	}
	d.startSigning(ctx)
	d.mu.Unlock()
}

// Retry signs again after a failure.
func (d *Dialog) Retry(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.phase == PhaseFailed && d.canRetry {
		d.startSigning(ctx)
	}
}

func (d *Dialog) startSigning(ctx context.Context) {
	k := d.keys[d.key]
	d.phase, d.done, d.of, d.failure = PhaseSigning, 0, 0, ""
	sctx, cancel := context.WithCancel(ctx)
	d.cancelSign = cancel
	go func() {
		defer cancel()
		err := d.s.Approve(sctx, &k, func(done, of int) {
			d.mu.Lock()
			d.done, d.of = done, of
			d.mu.Unlock()
			d.changed()
		})
		d.mu.Lock()
		if err == nil {
			d.phase = PhaseSigned
			d.mu.Unlock()
			d.changed()
			d.signedPause()
			return
		}
		if ctx.Err() != nil { // the page went away, or the time ran out
			d.mu.Unlock()
			d.finish(Result{Err: agent.ErrCanceled})
			return
		}
		d.phase, d.failure, d.canRetry = PhaseFailed, d.failureText(err), agent.OutcomeOf(err) != agent.OutcomeBadRequest
		d.requestFocus(FocusRetry)
		d.mu.Unlock()
		d.changed()
	}()
}

// signedPause keeps "Signed ✓" on screen for SignedPause, or until another
// request waits for the screen, and ends the dialog (signed).
func (d *Dialog) signedPause() {
	end := time.NewTimer(SignedPause)
	defer end.Stop()
	poll := time.NewTicker(signedPoll)
	defer poll.Stop()
	for {
		select {
		case <-end.C:
			d.finish(Result{})
			return
		case <-poll.C:
			if d.s.Waiting() > 0 {
				d.finish(Result{})
				return
			}
		case <-d.ended:
			return
		}
	}
}

func (d *Dialog) failureText(err error) string {
	if key, ok := FailureKey(err); ok {
		return d.T(key)
	}
	return d.T("fail-other", agent.Inert(err.Error()))
}

// Cancel ends the dialog without a signature (Cancel, Esc, closing the
// window); during signing it stops the signing. Once signed, it only
// closes "Signed ✓" early: the signature has left already.
func (d *Dialog) Cancel() {
	d.mu.Lock()
	signed := d.phase == PhaseSigned
	d.mu.Unlock()
	if signed {
		d.finish(Result{})
		return
	}
	d.finish(Result{Err: agent.ErrCanceled})
}

// View is everything a renderer draws, in the dialog's language.
type View struct {
	Title   string // "qoltanba — egov.kz"
	Heading string // "Вход на egov.kz", "Подпись данных для egov.kz", "Подпись 3 документов для egov.kz"
	Site    SiteView
	Waiting string // "Ещё запросов в очереди: 2", or ""

	DocsTitle   string
	DocsSummary string // "XML-документ, 1.2 КБ" / "Документов: 3, всего 12.0 КБ"
	DocsOpen    bool
	Docs        []DocLine

	StoresTitle string
	Stores      []string
	Store       int
	Refresh     string // the refresh button's label ("" when no token can be used)
	StoresNote  string // "Key files are turned off by your organisation…", or ""

	ShowPath    bool
	PathLabel   string
	Path        string
	Recent      []string
	RecentLabel string
	BrowseLabel string

	ShowSecret  bool // hidden for "plug in your token" and a locked token
	SecretLabel string
	SecretHint  string
	LoadLabel   string

	Message        string
	MessageIsError bool
	tokenGone      bool // Message says the token went away (the terminal rescans)

	KeysTitle string
	KeysHint  string // shown while no keys are listed
	Keys      []KeyRow
	Key       int
	Summary   string // "ТЕСТОВ ТЕСТ (ИИН 123456789011) подписывает для egov.kz"

	Phase       Phase
	Progress    float64 // 0..1, or -1 while unknown (one document)
	Status      string  // "Подписывается…", "Подписано ✓", or why it failed
	SignLabel   string
	CancelLabel string
	RetryLabel  string
	CanSign     bool
	CanRetry    bool

	Focus    Focus
	FocusSeq int // changes each time the model asks for the focus to move
}

// DocLine is one document: its readable view and, for XML, the source.
type DocLine struct {
	Title       string
	Text        string // readable (XML as "name: value" lines), or the source when ShowSource
	Mono        bool
	HasSource   bool
	ShowSource  bool
	SourceLabel string // "Показать исходный текст" / "Читаемый вид"
}

// View describes the dialog now.
func (d *Dialog) View() View {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, l := d.s, d.locale
	host := d.site.Host()
	v := View{
		Title: T(l, "title-site", host), Site: d.site, Heading: d.heading(host),
		DocsTitle: T(l, "what"), DocsOpen: d.docsOpenLocked(),
		StoresTitle: T(l, "store"), Store: d.store,
		PathLabel: T(l, "path"), Path: d.path, Recent: d.recentList(), RecentLabel: T(l, "recent"), BrowseLabel: T(l, "browse"),
		LoadLabel: T(l, "load"), Message: d.message, MessageIsError: d.msgError, tokenGone: d.tokenGone,
		KeysTitle: T(l, "keys"), Key: d.key, Phase: d.phase,
		SignLabel: word(signKeys, s.Action, l), CancelLabel: T(l, "cancel"), RetryLabel: T(l, "retry"),
		CanSign: d.canSign(), CanRetry: d.phase == PhaseFailed && d.canRetry,
		Focus: d.focus, FocusSeq: d.focusSeq,
	}
	if n := s.Waiting(); n > 0 {
		v.Waiting = T(l, "waiting", n)
	}
	total := 0
	for i, doc := range s.Docs {
		total += doc.Size
		line := DocLine{Title: T(l, "doc-n", i+1), Mono: doc.Kind == agent.DocXML}
		if len(s.Docs) == 1 {
			line.Title = word(docKindKeys, doc.Kind, l) + ", " + formatSize(l, doc.Size)
		}
		switch doc.Kind {
		case agent.DocXML:
			line.HasSource, line.ShowSource = true, d.source[i]
			if d.source[i] {
				line.Text, line.SourceLabel = IndentXML(doc.Preview), T(l, "hide-source")
			} else {
				line.Text, line.SourceLabel, line.Mono = ReadableXML(doc.Preview), T(l, "show-source"), false
			}
		case agent.DocText:
			line.Text = doc.Preview
		case agent.DocHash:
			line.Text = T(l, "doc-hash", doc.Preview)
		default:
			line.Text = T(l, "doc-binary", formatSize(l, doc.Size), doc.SHA256)
		}
		v.Docs = append(v.Docs, line)
	}
	switch {
	case s.Action == agent.ActionSignFile:
		v.DocsSummary = s.File
	case len(s.Docs) == 1:
		v.DocsSummary = v.Docs[0].Title
	case len(s.Docs) > 1:
		v.DocsSummary = T(l, "docs-summary", len(s.Docs), formatSize(l, total))
	}
	for _, st := range d.stores {
		v.Stores = append(v.Stores, d.storeLabel(st))
		if st.placeholder || st.info.Storage != agent.StorePKCS12 {
			v.Refresh = T(l, "refresh")
		}
	}
	if s.KeyFilesDisabled() {
		v.StoresNote = T(l, "org-keyfiles-off")
	}
	file := d.isKeyFileLocked()
	v.ShowPath = file
	v.ShowSecret = d.store >= 0 && d.store < len(d.stores) && !d.stores[d.store].placeholder && !d.stores[d.store].info.PIN.Locked
	if file {
		v.SecretLabel, v.SecretHint = T(l, "password"), T(l, "password-hint")
	} else {
		v.SecretLabel, v.SecretHint = T(l, "pin"), T(l, "pin-hint")
	}
	if len(d.keys) == 0 && v.ShowSecret {
		v.KeysHint = T(l, "keys-hint-token")
		if file {
			v.KeysHint = T(l, "keys-hint-file")
		}
	}
	now := d.o.Now()
	for _, k := range d.keys {
		v.Keys = append(v.Keys, NewKeyRow(k, now, l))
	}
	if d.key >= 0 && d.key < len(d.keys) {
		v.Summary = Summary(s.Action, d.keys[d.key].Identity, host, l)
	}
	switch d.phase {
	case PhaseSigning:
		v.Progress = -1
		v.Status = T(l, "signing")
		if d.of > 1 {
			v.Progress = float64(d.done) / float64(d.of)
			v.Status = T(l, "signing-n", d.done, d.of)
		}
	case PhaseSigned:
		v.Progress = 1
		v.Status = word(signedKeys, s.Action, l)
	case PhaseFailed:
		v.Status = d.failure
	}
	return v
}

func (d *Dialog) heading(host string) string {
	s, l := d.s, d.locale
	switch {
	case s.Action == agent.ActionLogin:
		return T(l, "heading-login", host)
	case s.Action == agent.ActionKeyInfo:
		return T(l, "heading-keyinfo", host)
	case s.Action == agent.ActionSignFile:
		return T(l, "heading-file", host)
	case s.Action == agent.ActionSignHash:
		return T(l, "heading-hash", host)
	case len(s.Docs) > 1:
		return T(l, "heading-signN", len(s.Docs), host)
	}
	return T(l, "heading-sign", host)
}

// storeLabel names a store for people: "Key file", "Kaztoken «label» — PIN
// locked", "Token (USB or ID card)".
func (d *Dialog) storeLabel(st storeEntry) string {
	l := d.locale
	switch {
	case st.placeholder:
		return T(l, "store-no-token")
	case st.info.Storage == agent.StorePKCS12:
		return T(l, "store-file")
	}
	label := T(l, "store-token", TokenName(st.info.Storage, l), st.info.Label)
	switch p := st.info.PIN; {
	case p.Locked:
		label += " — " + T(l, "pin-state-locked")
	case p.FinalTry:
		label += " — " + T(l, "pin-state-final")
	case p.CountLow:
		label += " — " + T(l, "pin-state-low")
	}
	return label
}

// TokenName is a storage's name as people know it, from the one table of
// storages (token.Storages: NCALayer's ids are internal, AKKaztokenStore
// is a Kaztoken); an admin's own storage id is shown as it is.
func TokenName(storage, locale string) string { return token.StorageName(storage, locale) }

// IndentXML re-indents an XML preview for reading its source; on any doubt
// it returns the text as it is (this is a view, never what is signed).
func IndentXML(s string) string { return indentXML(s) }

// MoveFocus carries out the View's request to move the focus, once per
// request: the renderer's control for v.Focus (targets; none for
// FocusNone) gets it if ready says it can take it now, else a later
// refresh tries again (Sign during its delay). It returns the FocusSeq
// done, which the renderer passes back as done next time.
func MoveFocus[W comparable](v View, done int, targets map[Focus]W, ready func(W) bool, focus func(W)) int {
	if v.FocusSeq == done {
		return done
	}
	var none W
	target := targets[v.Focus]
	if target == none {
		return v.FocusSeq
	}
	if !ready(target) {
		return done
	}
	focus(target)
	return v.FocusSeq
}
