package ui

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// TrayAction is what a tray menu item does; renderers map it to their
// windows.
type TrayAction int

// Tray actions.
const (
	TrayNone TrayAction = iota
	TraySites
	TrayRecent
	TrayLanguage
	TrayTrust
	TraySettings
	TrayAbout
	TrayQuit
)

// TrayState is what the tray icon shows: qoltanba's icon, with a dot
// while a request waits for the user, or when the agent could not start.
type TrayState int

// Tray states.
const (
	TrayIdle TrayState = iota
	TrayWaiting
	TrayError
)

// BusyState is the tray's state for Desk's busy signal (OnBusy).
func BusyState(busy bool) TrayState {
	if busy {
		return TrayWaiting
	}
	return TrayIdle
}

// MenuItem is one line of the tray menu.
type MenuItem struct {
	Label     string
	Action    TrayAction
	Locale    string // TrayLanguage: the language it picks
	Checked   bool
	Disabled  bool
	Separator bool
	Children  []MenuItem
}

// UpdateNote is what the tray says about updates (from the update state
// file the daily check and `qoltanba update` write).
type UpdateNote int

// Update notes.
const (
	UpdateNone             UpdateNote = iota
	UpdateAvailable                   // a newer version exists (qoltanba update --check)
	UpdateAvailableManaged            // a newer version exists; the administrator updates this copy (a package, the MSI)
	UpdateInstalled                   // the program was replaced; the agent restarts into it when no dialog is open
	UpdateFailing                     // checks have failed for days (Since): Version is the running one, kept
)

// TrayUpdate is the tray's line on updates: the note and the version it
// names.
type TrayUpdate struct {
	Note    UpdateNote
	Version string
	Since   time.Time // UpdateFailing: the first failed check
}

// updateKeys are the catalog's words for each note.
var updateKeys = map[UpdateNote]string{
	UpdateAvailable:        "tray-update-available",
	UpdateAvailableManaged: "tray-update-available-managed",
	UpdateInstalled:        "tray-update-installed",
	UpdateFailing:          "tray-update-failing",
}

// TrayMenu is the tray menu in locale: the status line ("managed by your
// organisation" under it when a machine policy is in force, then the line
// on updates when upd has one), allowed sites, recent signatures, language
// (greyed when the policy fixes it), browser trust, settings, about, quit.
// managed is Config.Managed.
func TrayMenu(locale string, port int, version string, managed map[agent.PolicyKey]bool, upd TrayUpdate) []MenuItem {
	var langs []MenuItem
	for _, code := range Locales {
		langs = append(langs, MenuItem{Label: LanguageNames[code], Action: TrayLanguage, Locale: code, Checked: code == locale,
			Disabled: managed[agent.PolicyLocale]})
	}
	language := T(locale, "tray-language")
	if managed[agent.PolicyLocale] {
		language += " (" + T(locale, "org-set") + ")"
	}
	items := []MenuItem{{Label: T(locale, "tray-status", port, version), Disabled: true}}
	if len(managed) > 0 {
		items = append(items, MenuItem{Label: T(locale, "org-managed"), Disabled: true})
	}
	switch key, ok := updateKeys[upd.Note]; {
	case ok && upd.Note == UpdateFailing:
		items = append(items, MenuItem{Label: T(locale, key, upd.Since.Local().Format("2006-01-02")), Disabled: true})
	case ok && upd.Version != "":
		items = append(items, MenuItem{Label: T(locale, key, agent.Inert(upd.Version)), Disabled: true})
	}
	return append(items, []MenuItem{
		{Separator: true},
		{Label: T(locale, "tray-sites"), Action: TraySites},
		{Label: T(locale, "tray-recent"), Action: TrayRecent},
		{Label: language, Children: langs},
		{Label: T(locale, "tray-trust"), Action: TrayTrust},
		{Label: T(locale, "tray-settings"), Action: TraySettings},
		{Label: T(locale, "tray-about"), Action: TrayAbout},
		{Separator: true},
		{Label: T(locale, "tray-quit"), Action: TrayQuit},
	}...)
}

// EffectiveLocale is the dialogs' language: the machine policy's when it
// fixes one, else the user's choice (pref), else config.json's, else the
// system's.
func EffectiveLocale(cfg agent.Config, pref string) string {
	if cfg.Managed[agent.PolicyLocale] {
		if l := NormalizeLocale(cfg.Locale); l != "" {
			return l
		}
		return SystemLocale()
	}
	for _, l := range []string{pref, cfg.Locale} {
		if l = NormalizeLocale(l); l != "" {
			return l
		}
	}
	return SystemLocale()
}

// TrayErrorMenu is the tray menu when the agent could not start.
func TrayErrorMenu(locale, reason string) []MenuItem {
	return []MenuItem{{Label: reason, Disabled: true}, {Separator: true}, {Label: T(locale, "tray-quit"), Action: TrayQuit}}
}

// LanguageNames are the languages in their own words.
var LanguageNames = map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}

// RecentActivity reads up to n lines of the audit log (newest first) as
// text for people: "01.12.2026 10:04 · egov.kz · basics.sign · signed ·
// ТЕСТОВ ТЕСТ".
func RecentActivity(path string, n int, locale string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), agent.MaxAuditLine+1)
	for sc.Scan() {
		var e struct {
			agent.AuditEntry
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		parts := []string{e.Time.Local().Format("02.01.2006 15:04"), e.Origin, e.Method, word(outcomeKeys, e.Outcome, locale)}
		if cn := subjectCN(e.Subject); cn != "" {
			parts = append(parts, cn)
		}
		lines = append(lines, agent.Inert(strings.Join(parts, " · ")))
	}
	slices.Reverse(lines)
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

// subjectCN picks CN=... out of a DN string.
func subjectCN(dn string) string {
	for _, part := range strings.Split(dn, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "CN="); ok {
			return v
		}
	}
	return ""
}
