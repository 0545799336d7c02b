package agent

import (
	"net"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// OriginClass is what the agent knows of a site: one of Kazakhstan's public
// services, a site it does not know, or a site made to look like a known
// one (the fraud KZ-CERT warns about: pages that collect key files and
// passwords under a familiar name).
type OriginClass string

// Origin classes.
const (
	OriginKnown     OriginClass = "known"
	OriginUnknown   OriginClass = "unknown"
	OriginLookalike OriginClass = "lookalike"
	OriginLocal     OriginClass = "local" // a local program (no Origin header)
)

// KnownService is a site the dialog names: its domain (the site and every
// name under it, https on port 443 only: gov.kz covers each state body's
// kgd.gov.kz, ...) and its name in kk, ru and en.
type KnownService struct {
	Domain string            `json:"domain"`
	Names  map[string]string `json:"names"`
}

// Name is the service's name in locale (kk, ru, en; falling back to kk,
// then the domain).
func (k KnownService) Name(locale string) string {
	if n := k.Names[locale]; n != "" {
		return n
	}
	if n := k.Names["kk"]; n != "" {
		return n
	}
	return k.Domain
}

// KnownServices are the public portals documented to ask for NCA
// signatures through NCALayer. Admins add their own (config
// knownOrigins).
var KnownServices = []KnownService{
	{Domain: "egov.kz", Names: map[string]string{"kk": "Электрондық үкімет", "ru": "Электронное правительство", "en": "eGov, the e-government portal"}},
	{Domain: "gov.kz", Names: map[string]string{"kk": "мемлекеттік орган", "ru": "государственный орган", "en": "a government body"}},
	{Domain: "elicense.kz", Names: map[string]string{"kk": "Е-лицензиялау", "ru": "Е-лицензирование", "en": "e-licensing"}},
	{Domain: "salyk.kz", Names: map[string]string{"kk": "Салық төлеушінің кабинеті", "ru": "Кабинет налогоплательщика", "en": "the taxpayer's cabinet"}},
	{Domain: "enbek.kz", Names: map[string]string{"kk": "Электрондық еңбек биржасы", "ru": "Электронная биржа труда", "en": "the electronic labour exchange"}},
	{Domain: "open-almaty.kz", Names: map[string]string{"kk": "Open Almaty", "ru": "Open Almaty", "en": "Open Almaty"}},
}

// LookalikeWhy says what makes a site look like a known one.
type LookalikeWhy string

// Why a site is a look-alike.
const (
	WhyNotHTTPS    LookalikeWhy = "not-https"    // the known site over http, or on another port
	WhyContains    LookalikeWhy = "contains"     // the known name is only part of the address (egov.kz.example.com)
	WhyPrefix      LookalikeWhy = "prefix"       // a name built on the known one (egov-kz.com, egovkz.net, e-gov.kz)
	WhyOneEdit     LookalikeWhy = "one-edit"     // one letter away (egow.kz, egov.kg)
	WhyConfusable  LookalikeWhy = "confusable"   // letters that look alike (еgov.kz with a Cyrillic е, eg0v.kz)
	WhyOtherSuffix LookalikeWhy = "other-suffix" // the known name under another ending (egov.com)
)

// OriginInfo is how the dialog shows and judges a site.
type OriginInfo struct {
	Class OriginClass
	// Site is the registrable domain (the part that says who owns the
	// site: "egov.kz", "kezek-balabaqsha.com"), or the host for an IP
	// address or localhost. In Unicode when that is safe to show,
	// punycode otherwise.
	Site string
	// Sub is the rest of the host before Site ("idp.", "egov.kz."), for
	// smaller type.
	Sub string
	// Scheme and Port are shown when they are not https and 443.
	Scheme string
	Port   int
	// Service is the known service (Known), or the one imitated
	// (Lookalike).
	Service *KnownService
	Why     LookalikeWhy
	// MixedScripts: the name mixes alphabets (or uses letters that pass
	// for Latin ones), so it is shown in punycode.
	MixedScripts bool
}

// Classify says what a site is, against the built-in services and extra
// ones (the admin's).
func Classify(o Origin, extra []KnownService) OriginInfo {
	if o.IsLocal() {
		return OriginInfo{Class: OriginLocal}
	}
	services := append(slices.Clone(KnownServices), extra...)
	host := o.Host
	info := OriginInfo{Class: OriginUnknown, Scheme: o.Scheme, Port: o.Port}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil || net.ParseIP(host) != nil {
		reg = host // localhost, an IP, a bare suffix
	}
	info.Site, info.Sub = reg, strings.TrimSuffix(host, reg)
	// Internationalised names: shown in Unicode only when each label
	// keeps to one alphabet and nothing in it passes for Latin.
	uni, _ := idna.Lookup.ToUnicode(host)
	if uni != host {
		uReg, _ := idna.Lookup.ToUnicode(reg)
		if mixedScripts(uni) {
			info.MixedScripts = true
		} else {
			info.Site, info.Sub = uReg, strings.TrimSuffix(uni, uReg)
		}
	}
	secure := o.Scheme == "https" && o.Port == 443
	for i := range services {
		k := &services[i]
		if host == k.Domain || strings.HasSuffix(host, "."+k.Domain) {
			if !secure {
				info.Class, info.Service, info.Why = OriginLookalike, k, WhyNotHTTPS
			} else {
				info.Class, info.Service = OriginKnown, k
			}
			return info
		}
	}
	for i := range services {
		k := &services[i]
		if why := lookalike(host, reg, uni, k); why != "" {
			info.Class, info.Service, info.Why = OriginLookalike, k, why
			return info
		}
	}
	return info
}

// lookalike says why host (registrable domain reg, Unicode form uni)
// imitates k, or "".
func lookalike(host, reg, uni string, k *KnownService) LookalikeWhy {
	kLabels := strings.Split(k.Domain, ".")
	name := kLabels[0] // "egov", "gov", "elicense"
	// The known domain's labels inside the address, but not as its end.
	labels := strings.Split(host, ".")
	for i := 0; i+len(kLabels) <= len(labels); i++ {
		if slices.Equal(labels[i:i+len(kLabels)], kLabels) {
			return WhyContains
		}
	}
	// Its name as a label of another address (egov.kzz.com), for names
	// long enough to be the service's own ("gov" is everybody's).
	if len(name) >= 4 && slices.Contains(labels[:len(labels)-len(strings.Split(reg, "."))], name) {
		return WhyContains
	}
	// Letters that look alike.
	if s := skeleton(uni); s == k.Domain || strings.HasSuffix(s, "."+k.Domain) || skeleton(reg) == k.Domain {
		return WhyConfusable
	}
	regLabels := strings.Split(reg, ".")
	first := regLabels[0]
	// The known name under another ending: egov.com, egov.kz.ru.
	if first == name {
		return WhyOtherSuffix
	}
	// A name built on the known one: egov-kz.com, my-egov.kz, e-gov.kz,
	// egovkz.net (a prefix only for names of four letters or more).
	tokens := strings.Split(first, "-")
	if slices.Contains(tokens, name) || strings.ReplaceAll(first, "-", "") == name {
		return WhyPrefix
	}
	if len(name) >= 4 && strings.HasPrefix(first, name) {
		return WhyPrefix
	}
	// One letter away from the known domain (egow.kz, eegov.kz, egov.kg)
	// or its name (egow.com).
	if editDistance1(reg, k.Domain) || (len(name) >= 4 && editDistance1(first, name)) {
		return WhyOneEdit
	}
	return ""
}

// confusables maps letters that pass for Latin ones (Cyrillic, Greek,
// digits) to the Latin letter they imitate.
var confusables = map[rune]string{
	'а': "a", 'е': "e", 'ё': "e", 'о': "o", 'р': "p", 'с': "c", 'у': "y", 'х': "x", 'к': "k", 'і': "i", 'ј': "j",
	'ѕ': "s", 'һ': "h", 'ԁ': "d", 'ԛ': "q", 'ԝ': "w", 'ӏ': "l", 'Ꭵ': "i", 'ɡ': "g", 'ı': "i", 'ո': "n", 'ս': "u",
	'ο': "o", 'α': "a", 'ε': "e", 'ι': "i", 'κ': "k", 'ν': "v", 'ρ': "p", 'τ': "t", 'υ': "u", 'χ': "x",
	'0': "o", '1': "l", '3': "e", '5': "s", '6': "g",
}

// skeleton maps look-alike letters to Latin and common Latin tricks (rn
// for m, vv for w) to what they imitate.
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range s {
		if c, ok := confusables[r]; ok {
			b.WriteString(c)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.NewReplacer("rn", "m", "vv", "w", "cl", "d").Replace(b.String())
}

// mixedScripts reports a label with letters of more than one alphabet, or
// with letters that pass for Latin ones next to Latin letters.
func mixedScripts(host string) bool {
	for _, label := range strings.Split(host, ".") {
		var latin, other bool
		for _, r := range label {
			switch {
			case r < 0x80:
				if unicode.IsLetter(r) {
					latin = true
				}
			case unicode.IsLetter(r):
				other = true
			}
		}
		if latin && other {
			return true
		}
		// All-Cyrillic (or Greek) but spelling a Latin word: "еgоv" made
		// only of look-alikes.
		if other && !latin {
			allConfusable := true
			for _, r := range label {
				if _, ok := confusables[r]; !ok && r != '-' {
					allConfusable = false
				}
			}
			if allConfusable {
				return true
			}
		}
	}
	return false
}

// editDistance1 reports whether a and b differ by exactly one insertion,
// deletion or substitution.
func editDistance1(a, b string) bool {
	if a == b || len(a) < 3 || len(b) < 3 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// Lookalike reports whether the origin imitates a known site (the consent
// question defaults to Block and "always allow" is not accepted for it).
func (a *Agent) Lookalike(o Origin) bool {
	return a.Classify(o).Class == OriginLookalike
}

// Classify says what the agent knows of a site (with the admin's known
// origins).
func (a *Agent) Classify(o Origin) OriginInfo { return Classify(o, a.cfg.KnownOrigins) }
