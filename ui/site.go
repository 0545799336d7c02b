package ui

import (
	"strconv"

	"github.com/qoltanba/qoltanba/agent"
)

// SiteView is how every window shows who asks: the registrable domain in
// large type (the part that says who owns the site), the rest of the host
// smaller, and what qoltanba knows of it.
type SiteView struct {
	// Site is the registrable domain ("egov.kz"), elided in the middle
	// when long; "a local program" for a program without an origin.
	Site string
	// Sub is the rest of the host before it ("idp.", "egov.kz."), elided.
	Sub string
	// Note says what is unusual about the address: not https, a port, a
	// name shown in punycode (with its letters: "in letters: еgov.kz").
	Note  string
	Class agent.OriginClass
	// Badge is one line on the class: "Known site: Электронное
	// правительство", "qoltanba does not know this site: make sure you
	// trust it", or "This is NOT egov.kz".
	Badge string
	// Warning explains a look-alike (why it is not the site it imitates).
	Warning string
	// Full is the whole origin as the browser sent it (for a tooltip or
	// "details"), elided.
	Full string
}

// Site lengths: a big line of 40 characters fits a 720 px dialog at 24 pt.
const (
	maxSite = 40
	maxSub  = 48
)

// NewSiteView describes the requesting site in locale.
func NewSiteView(o agent.Origin, info agent.OriginInfo, locale string) SiteView {
	if o.IsLocal() {
		return SiteView{Site: T(locale, "local-program"), Class: agent.OriginLocal, Badge: T(locale, "site-local")}
	}
	if o.IsExtension() {
		return extensionSiteView(o, info, locale)
	}
	v := SiteView{Site: ElideMiddle(info.Site, maxSite), Sub: ElideMiddle(info.Sub, maxSub), Class: info.Class,
		Full: ElideMiddle(o.String(), 64)}
	switch {
	case info.Scheme != "https":
		v.Note = T(locale, "not-secure")
	case info.Port != 443:
		v.Note = T(locale, "port-note", info.Port)
	}
	if info.MixedScripts {
		// A name in punycode, with its letters beside it (or why not).
		if v.Note != "" {
			v.Note += " · "
		}
		if info.Decoded != "" {
			v.Note += T(locale, "punycode-note", ElideMiddle(info.Decoded, maxSub))
		} else {
			v.Note += T(locale, "punycode-only")
		}
	}
	switch info.Class {
	case agent.OriginKnown:
		v.Badge = T(locale, "site-known", info.Service.Name(locale))
	case agent.OriginLookalike:
		k := info.Service.Domain
		v.Badge = T(locale, "site-lookalike", k)
		v.Warning = word(whyKeys, info.Why, locale, k, info.Site)
	default:
		v.Badge = T(locale, "site-unknown")
	}
	return v
}

// extensionSiteView: a browser extension asks (through the native
// messaging door): a known one by its name ("Госуслуги — через расширение
// IFCPlugin"), any other by its id; never a look-alike.
func extensionSiteView(o agent.Origin, info agent.OriginInfo, locale string) SiteView {
	v := SiteView{Site: ElideMiddle(o.Host, maxSite), Class: info.Class, Full: ElideMiddle(o.String(), 64),
		Note: T(locale, "site-extension", ElideMiddle(o.String(), 64)), Badge: T(locale, "site-extension-unknown")}
	if info.Class == agent.OriginKnown && info.Service != nil {
		v.Site = ElideMiddle(info.Service.Name(locale), maxSite*2)
		v.Badge = T(locale, "site-extension-known", info.Service.Name(locale))
	} else {
		v.Class = agent.OriginUnknown
	}
	return v
}

// Host is the site as one line, for titles and sentences ("egov.kz",
// "idp.egov.kz").
func (v SiteView) Host() string { return v.Sub + v.Site }

// SubLine is the small line under the site: the whole host when it is more
// than the registrable domain, and the note, joined by " · "; "" when
// there is neither.
func (v SiteView) SubLine() string {
	sub := ""
	if v.Sub != "" {
		sub = v.Host()
	}
	if v.Note != "" {
		if sub != "" {
			sub += " · "
		}
		sub += v.Note
	}
	return sub
}

// MarkedBadge is the badge with its mark: "✓ " for a known site, "⚠ " for
// a look-alike.
func (v SiteView) MarkedBadge() string {
	switch v.Class {
	case agent.OriginKnown:
		return "✓ " + v.Badge
	case agent.OriginLookalike:
		return "⚠ " + v.Badge
	}
	return v.Badge
}

// ConsentView is the first-use question for a site.
type ConsentView struct {
	Title    string
	Site     SiteView
	Question string
	Choices  []ConsentChoice
	// Default is the choice with the focus: "allow once", or "block" for
	// a look-alike.
	Default agent.Consent
	Tip     string
}

// ConsentChoice is one answer with a line saying what it means.
type ConsentChoice struct {
	Consent agent.Consent
	Label   string
	Explain string
}

// NewConsentView builds the question; a look-alike is not offered
// "always allow" (the agent would not keep it anyway).
func NewConsentView(o agent.Origin, info agent.OriginInfo, locale string) ConsentView {
	site := NewSiteView(o, info, locale)
	v := ConsentView{Title: T(locale, "title-site", site.Host()), Site: site,
		Question: T(locale, "consent", site.Host()), Default: agent.AllowOnce, Tip: T(locale, "safety-tip")}
	v.Choices = append(v.Choices, ConsentChoice{agent.AllowOnce, T(locale, "allow-once"), T(locale, "allow-once-explain")})
	if info.Class != agent.OriginLookalike {
		v.Choices = append(v.Choices, ConsentChoice{agent.AllowAlways, T(locale, "allow-always"), T(locale, "allow-always-explain")})
	} else {
		v.Default = agent.Block
	}
	v.Choices = append(v.Choices, ConsentChoice{agent.Block, T(locale, "block"), T(locale, "block-explain")})
	return v
}

// ElideMiddle shortens s to at most n characters, keeping its start and
// its end (where a domain's owner is) around an ellipsis.
func ElideMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 5 {
		return s
	}
	tail := (n - 1) / 2
	head := n - 1 - tail
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// formatSize writes a size in bytes, KB or MB.
func formatSize(locale string, n int) string {
	switch {
	case n < 1024:
		return strconv.Itoa(n) + " " + T(locale, "unit-bytes")
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " " + T(locale, "unit-kb")
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " " + T(locale, "unit-mb")
}

// Tone is how a renderer colours a line: each toolkit maps it to its own
// colours, the rule of which line gets which lives here.
type Tone int

// Tones.
const (
	ToneNormal Tone = iota
	TonePrimary
	ToneSuccess
	ToneWarning
	ToneDanger
)

// Tones are the colours of the site's name and of its badge: a known site
// in the primary colour with a green badge, a look-alike all in red (its
// badge bold), any other site plain with a warning badge.
func (v SiteView) Tones() (site, badge Tone) {
	switch v.Class {
	case agent.OriginKnown:
		return TonePrimary, ToneSuccess
	case agent.OriginLookalike:
		return ToneDanger, ToneDanger
	}
	return ToneNormal, ToneWarning
}
