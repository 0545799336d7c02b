package ui

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// Prefs is where a renderer keeps the user's interface choices: fyne's
// preferences, or FilePrefs where the toolkit has none (Win32).
type Prefs interface {
	String(key string) string
	SetString(key, value string)
}

// prefLocale is the preference that holds the language the user chose.
const prefLocale = "locale"

// Language is the user's choice of the dialogs' language, kept in the
// renderer's Prefs; Config (config.json with the machine policy applied)
// may fix it, and then a choice changes nothing.
type Language struct {
	Prefs  Prefs
	Config agent.Config
}

// Get returns the language in force (EffectiveLocale).
func (l *Language) Get() string { return EffectiveLocale(l.Config, l.Prefs.String(prefLocale)) }

// Chosen is the user's own choice: one of Locales, or "" for automatic
// (config.json's language, else the system's).
func (l *Language) Chosen() string { return NormalizeLocale(l.Prefs.String(prefLocale)) }

// Fixed reports whether the machine policy fixes the language.
func (l *Language) Fixed() bool { return l.Config.Managed[SettingLanguage] }

// Set keeps a choice (one of Locales, or "" for automatic). It keeps
// nothing and reports false when the policy fixes the language or v is no
// language the dialogs speak.
func (l *Language) Set(v string) bool {
	if l.Fixed() || (v != "" && !slices.Contains(Locales, v)) {
		return false
	}
	l.Prefs.SetString(prefLocale, v)
	return true
}

// SettingKey names a row of the settings window: the key config.json and
// the machine policy give the same setting (docs/config.md), so it is the
// policy's key.
type SettingKey = agent.PolicyKey

// The settings the window shows.
const (
	SettingLanguage = agent.PolicyLocale
	SettingTSA      = agent.PolicyTSAURL
	SettingTimeout  = agent.PolicyPromptTimeout
	SettingModules  = agent.PolicyPKCS11Modules
)

// SettingField is one row of the settings window.
type SettingField struct {
	Key   SettingKey
	Label string
	// Value is the text in the field; for a field with Choices, the
	// Value of the one chosen.
	Value string
	// Choices, when given, are what the field can hold (the language):
	// a list to pick from, not text to type.
	Choices []SettingChoice
	// Lines: a list shown one item a line (the token modules).
	Lines bool
	// ReadOnly fields are shown, not edited: what the machine policy
	// fixes (Note says so), and what only config.json changes.
	ReadOnly bool
	// Note is a line under the field: why it cannot be changed, or what
	// it wants ("from 10s to 1h, like 5m").
	Note string
	// Error says what is wrong with Value after Save refused it.
	Error string
}

// SettingChoice is one item of a field's list.
type SettingChoice struct {
	Value string
	Label string
}

// SettingsView is what the settings window shows.
type SettingsView struct {
	Title string
	// Managed is "Managed by your organisation" when a machine policy is
	// in force, else "".
	Managed string
	Fields  []SettingField
	Save    string
	Close   string
	// Status is the outcome of the last Save ("" before one).
	Status        string
	StatusIsError bool
}

// Settings is the settings window's model: the language (kept in the
// renderer's Prefs, in force at once), the timestamp authority and the
// prompt timeout (written to config.json, used from the next start), and
// the token modules (read only). What the machine policy fixes is shown
// with its value and the reason, and never written. A renderer draws View,
// forwards edits to Set and the Save button to Save; it is used from one
// goroutine (the renderer's UI thread).
type Settings struct {
	path   string
	cfg    agent.Config
	lang   *Language
	locale string

	values        map[SettingKey]string
	errs          map[SettingKey]string
	status        string
	statusIsError bool
}

// NewSettings is the settings of cfg (config.json with the machine policy
// applied, as the agent runs with it), saved to path (config.json), with
// the language choice lang, in the words of lang's language.
func NewSettings(cfg agent.Config, path string, lang *Language) *Settings {
	s := &Settings{path: path, cfg: cfg, lang: lang, locale: lang.Get(), errs: map[SettingKey]string{}}
	language := lang.Chosen()
	if lang.Fixed() {
		language = lang.Get()
	}
	s.values = map[SettingKey]string{
		SettingLanguage: language,
		SettingTSA:      cfg.TSAURL,
		SettingTimeout:  time.Duration(cfg.PromptTimeout).String(),
	}
	return s
}

// fixed reports whether the machine policy fixes k.
func (s *Settings) fixed(k SettingKey) bool { return s.cfg.Managed[k] }

// editable reports whether the user can change k here.
func (s *Settings) editable(k SettingKey) bool {
	_, ok := s.values[k]
	return ok && !s.fixed(k)
}

// View is the window's content now.
func (s *Settings) View() SettingsView {
	l := s.locale
	v := SettingsView{Title: T(l, "tray-settings"), Save: T(l, "set-save"), Close: T(l, "set-close"),
		Status: s.status, StatusIsError: s.statusIsError}
	if len(s.cfg.Managed) > 0 {
		v.Managed = T(l, "org-managed")
	}
	field := func(k SettingKey, label, note string) SettingField {
		f := SettingField{Key: k, Label: T(l, label), Value: s.values[k], Note: note, Error: s.errs[k]}
		if s.fixed(k) {
			f.ReadOnly, f.Note = true, T(l, "org-set")
		}
		return f
	}
	language := field(SettingLanguage, "tray-language", T(l, "set-language-note"))
	language.Choices = []SettingChoice{{"", T(l, "set-language-auto")}}
	for _, code := range Locales {
		language.Choices = append(language.Choices, SettingChoice{code, LanguageNames[code]})
	}
	var mods []string
	for _, m := range s.cfg.PKCS11Modules {
		mods = append(mods, m.Name+" ("+m.Storage+"): "+m.Path)
	}
	modules := field(SettingModules, "set-modules", T(l, "set-modules-note"))
	modules.Value, modules.Lines, modules.ReadOnly = strings.Join(mods, "\n"), true, true
	v.Fields = []SettingField{
		language,
		field(SettingTSA, "set-tsa", T(l, "set-tsa-note")),
		field(SettingTimeout, "set-timeout", T(l, "set-timeout-note", shortDuration(agent.MinPolicyPromptTimeout), shortDuration(agent.MaxPolicyPromptTimeout))),
		modules,
	}
	return v
}

// Set changes what field k holds. A field the machine policy fixes, or one
// only config.json changes, keeps its value: Set reports false.
func (s *Settings) Set(k SettingKey, value string) bool {
	if !s.editable(k) {
		return false
	}
	s.values[k] = value
	return true
}

// Save checks every field the user can change and, when all are right,
// writes them: the language to Prefs, the rest to config.json (read again
// first, so that the settings not shown here stay as they are, and the
// policy's values are never copied into it). It reports whether it saved;
// View's Status and the fields' Error say what happened.
func (s *Settings) Save() bool {
	l := s.locale
	clear(s.errs)
	s.status, s.statusIsError = "", true
	tsa, timeout := s.checkTSA(), s.checkTimeout()
	language := strings.TrimSpace(s.values[SettingLanguage])
	if s.editable(SettingLanguage) && language != "" && !slices.Contains(Locales, language) {
		s.errs[SettingLanguage] = T(l, "set-language-invalid")
	}
	if len(s.errs) > 0 {
		s.status = T(l, "set-invalid")
		return false
	}
	saved, err := agent.LoadConfig(s.path)
	if err != nil {
		s.status = T(l, "set-config-broken", s.path)
		return false
	}
	if s.editable(SettingTSA) {
		saved.TSAURL = tsa
	}
	if s.editable(SettingTimeout) {
		saved.PromptTimeout = agent.Duration(timeout)
	}
	if err := agent.SaveConfig(s.path, saved); err != nil {
		s.status = T(l, "set-write-failed", s.path)
		return false
	}
	if s.editable(SettingLanguage) {
		s.lang.Set(language)
	}
	s.status, s.statusIsError = T(l, "set-saved"), false
	return true
}

// checkTSA: an http or https URL with a host (a TSA answers RFC 3161 over
// HTTP). It returns the URL as it will be written.
func (s *Settings) checkTSA() string {
	if !s.editable(SettingTSA) {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(s.values[SettingTSA]))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		s.errs[SettingTSA] = T(s.locale, "set-tsa-invalid")
		return ""
	}
	return u.String()
}

// checkTimeout: a duration in the range a machine policy may set too.
func (s *Settings) checkTimeout() time.Duration {
	if !s.editable(SettingTimeout) {
		return 0
	}
	d, err := time.ParseDuration(strings.TrimSpace(s.values[SettingTimeout]))
	if err != nil || d < agent.MinPolicyPromptTimeout || d > agent.MaxPolicyPromptTimeout {
		s.errs[SettingTimeout] = T(s.locale, "set-timeout-invalid", shortDuration(agent.MinPolicyPromptTimeout), shortDuration(agent.MaxPolicyPromptTimeout))
		return 0
	}
	return d
}

// shortDuration writes a whole duration without its zero parts: "10s",
// "1h", "1m30s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
