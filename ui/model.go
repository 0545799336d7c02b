package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

// dialogModel is the signing dialog's state and rules, apart from the
// widgets, so that the rules (what may be signed and when) are tested
// without a display.
type dialogModel struct {
	s      *agent.Session
	locale string
	delay  time.Duration
	now    func() time.Time

	// recent remembers key files that opened (nil: none kept).
	recent *RecentFiles

	mu        sync.Mutex
	stores    []agent.StoreInfo
	store     int
	path      string
	keys      []agent.KeyOption
	key       int
	message   string
	changedAt time.Time
}

func newDialogModel(ctx context.Context, s *agent.Session, locale string, delay time.Duration, now func() time.Time) *dialogModel {
	if now == nil {
		now = time.Now
	}
	m := &dialogModel{s: s, locale: locale, delay: delay, now: now, key: -1}
	m.stores = s.Stores(ctx)
	m.changedAt = now()
	return m
}

func (m *dialogModel) t(key string, args ...any) string { return T(m.locale, key, args...) }

// origin is the header line: the requesting site, or "a local program".
func (m *dialogModel) origin() string {
	o := m.s.Request.Origin
	if o.IsLocal() {
		return m.t("local-program")
	}
	return o.String()
}

// action says what is asked ("Sign 3 documents").
func (m *dialogModel) action() string {
	switch {
	case m.s.Action == agent.ActionLogin:
		return m.t("action-login")
	case m.s.Action == agent.ActionKeyInfo:
		return m.t("action-keyinfo")
	case m.s.Action == agent.ActionSignFile:
		return m.t("action-file", m.s.File)
	case m.s.Action == agent.ActionSignHash:
		return m.t("action-hash")
	case len(m.s.Docs) > 1:
		return m.t("action-signN", len(m.s.Docs))
	}
	return m.t("action-sign")
}

// docText is what the "what is signed" view shows for document i.
func (m *dialogModel) docText(i int) string {
	d := m.s.Docs[i]
	switch d.Kind {
	case agent.DocXML:
		return indentXML(d.Preview)
	case agent.DocText:
		return d.Preview
	case agent.DocHash:
		return m.t("doc-hash", d.Preview)
	}
	return m.t("doc-binary", d.Size, d.SHA256)
}

func (m *dialogModel) storeLabel(i int) string {
	st := m.stores[i]
	if st.Storage == agent.StorePKCS12 {
		return m.t("store-file")
	}
	return m.t("store-token", st.Storage, st.Label, st.PIN.String())
}

func (m *dialogModel) isKeyFile() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.store >= 0 && m.store < len(m.stores) && m.stores[m.store].Storage == agent.StorePKCS12
}

func (m *dialogModel) selectStore(i int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.store, m.keys, m.key, m.message, m.changedAt = i, nil, -1, "", m.now()
}

// load opens the selected store with the secret typed. A wrong password or
// PIN leaves the dialog open with the message; other errors too.
func (m *dialogModel) load(ctx context.Context, secret []byte) {
	m.mu.Lock()
	store, path := m.store, m.path
	m.mu.Unlock()
	var opts []agent.KeyOption
	var err error
	if store < 0 || store >= len(m.stores) {
		err = errors.New(m.t("no-stores"))
	} else if m.stores[store].Storage == agent.StorePKCS12 {
		opts, err = m.s.OpenKeyFile(ctx, path, secret)
	} else {
		opts, err = m.s.OpenToken(ctx, m.stores[store], secret)
	}
	clear(secret)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.changedAt = m.now()
	m.key = -1
	switch {
	case err == nil:
		m.keys, m.message = opts, ""
		if m.recent != nil && m.stores[store].Storage == agent.StorePKCS12 {
			m.recent.Add(path)
		}
	case errors.Is(err, token.ErrWrongPassword):
		m.keys, m.message = nil, m.t("wrong-password")
	case errors.Is(err, token.ErrPINLocked):
		m.keys, m.message = nil, m.t("pin-locked")
	case errors.Is(err, token.ErrWrongPIN):
		m.keys, m.message = nil, m.t("wrong-pin")
	default:
		m.keys, m.message = nil, agent.Inert(err.Error())
	}
}

// keyText describes key i; greyed keys carry the reason.
func (m *dialogModel) keyText(i int) string {
	o := m.keys[i]
	id := o.Identity
	parts := []string{m.t("key-line", id.CommonName, dash(id.IIN))}
	if id.BIN != "" {
		parts = append(parts, m.t("key-org", id.Organization, id.BIN))
	}
	valid := m.t("key-valid", id.NotBefore.Format("2006-01-02"), id.NotAfter.Format("2006-01-02"))
	if m.expired(i) {
		valid += " (" + m.t("expired") + ")"
	}
	parts = append(parts, valid, id.Algorithm.String(), m.t("kind-"+string(id.Kind)), id.Serial, id.Issuer)
	s := strings.Join(parts, " · ")
	if !o.Selectable {
		s += "\n" + m.t("not-selectable", m.reason(o.Reason))
	}
	return s
}

func (m *dialogModel) reason(code agent.Reason) string {
	switch code {
	case agent.ReasonTestCert:
		return m.t("reason-test")
	case agent.ReasonNone:
		return ""
	}
	return m.t("reason-" + string(code))
}

// expired reports whether key i is outside its validity now.
func (m *dialogModel) expired(i int) bool {
	id := m.keys[i].Identity
	now := m.now()
	return now.After(id.NotAfter) || now.Before(id.NotBefore)
}

// selectKey chooses key i; a greyed key is not chosen.
func (m *dialogModel) selectKey(i int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i < 0 || i >= len(m.keys) || !m.keys[i].Selectable {
		m.key = -1
		return false
	}
	m.key, m.changedAt = i, m.now()
	return true
}

// canSign: a selectable key is chosen and the dialog has not changed for
// the delay (no instant approval by a stray Enter or click).
func (m *dialogModel) canSign() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.key >= 0 && m.keys[m.key].Selectable && m.now().Sub(m.changedAt) >= m.delay
}

func (m *dialogModel) chosen() *agent.KeyOption {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key < 0 {
		return nil
	}
	k := m.keys[m.key]
	return &k
}

// indentXML re-indents an XML preview for reading; on any doubt it returns
// the text as it is (this is a view, never what is signed).
func indentXML(s string) string {
	var b strings.Builder
	depth := 0
	rest := strings.TrimSpace(s)
	for rest != "" {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		if txt := strings.TrimSpace(rest[:i]); txt != "" {
			b.WriteString(strings.Repeat("  ", depth) + txt + "\n")
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			return s
		}
		tag := rest[i : i+j+1]
		rest = rest[i+j+1:]
		switch {
		case strings.HasPrefix(tag, "</"):
			depth = max(depth-1, 0)
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
		case strings.HasSuffix(tag, "/>") || strings.HasPrefix(tag, "<?") || strings.HasPrefix(tag, "<!"):
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
		default:
			// <a>text</a> on one line
			if k := strings.Index(rest, "</"); k >= 0 && !strings.Contains(rest[:k], "<") {
				end := strings.IndexByte(rest[k:], '>')
				if end >= 0 {
					b.WriteString(strings.Repeat("  ", depth) + tag + strings.TrimSpace(rest[:k]) + rest[k:k+end+1] + "\n")
					rest = rest[k+end+1:]
					continue
				}
			}
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
			depth++
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// RecentFiles keeps the last key files that opened, in the app's
// preferences (paths only; never passwords).
type RecentFiles struct {
	Prefs interface {
		StringList(string) []string
		SetStringList(string, []string)
	}
}

const maxRecent = 5

// List returns the recent paths, newest first.
func (r *RecentFiles) List() []string { return r.Prefs.StringList("recentKeyFiles") }

// Add puts path first.
func (r *RecentFiles) Add(path string) {
	l := []string{path}
	for _, p := range r.List() {
		if p != path && len(l) < maxRecent {
			l = append(l, p)
		}
	}
	r.Prefs.SetStringList("recentKeyFiles", l)
}
