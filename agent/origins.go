package agent

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
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
// kgd.gov.kz, ...) and its name in kk, ru and en (and vi for Vietnam's).
type KnownService struct {
	Domain string            `json:"domain"`
	Names  map[string]string `json:"names"`
}

// Name is the service's name in locale (kk, ru, en, vi; falling back to
// kk — English first for vi — then the domain).
func (k KnownService) Name(locale string) string {
	if n := k.Names[locale]; n != "" {
		return n
	}
	if n := k.Names["en"]; n != "" && locale == string(LocaleVI) {
		return n // a Vietnamese reader of a Kazakh site's name: English
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

	// --- Vietnam (issue 25): the portals that sign in and take
	// declarations with a "USB ký số" through the VNPT-CA Plugin or VGCA
	// SignService. The national public service portal (its sign-in,
	// xacthuc.dichvucong.gov.vn, offers "USB ký số"), e-tax, and social
	// insurance's e-transactions (gddt.baohiemxahoi.gov.vn); the
	// provinces' portals (dichvucong.hanoi.gov.vn, dvc.bacninh.gov.vn),
	// customs (customs.gov.vn) and the treasury are state bodies under
	// gov.vn, which, like gov.kz, is known whole. The specific entries
	// come before gov.vn: the first that covers a host names it.
	// customs.gov.vn is not named on its own: "customs" is a common word
	// (customs.gov.ru would be its look-alike "under another ending").
	{Domain: "dichvucong.gov.vn", Names: map[string]string{"vi": "Cổng Dịch vụ công quốc gia", "kk": "Вьетнамның ұлттық мемлекеттік қызметтер порталы", "ru": "Национальный портал госуслуг Вьетнама", "en": "Vietnam's national public service portal"}},
	{Domain: "thuedientu.gdt.gov.vn", Names: map[string]string{"vi": "Thuế điện tử (eTax)", "kk": "Вьетнамның электрондық салық порталы", "ru": "Электронные налоги Вьетнама", "en": "Vietnam's e-tax portal"}},
	{Domain: "baohiemxahoi.gov.vn", Names: map[string]string{"vi": "Bảo hiểm xã hội Việt Nam", "kk": "Вьетнамның әлеуметтік сақтандыру қоры", "ru": "Социальное страхование Вьетнама", "en": "Vietnam Social Security"}},
	{Domain: "gov.vn", Names: map[string]string{"vi": "cơ quan nhà nước", "kk": "Вьетнамның мемлекеттік органы", "ru": "государственный орган Вьетнама", "en": "a Vietnamese government body"}},
	// --- end of Vietnam
}

// LookalikeWhy says what makes a site look like a known one.
type LookalikeWhy string

// Why a site is a look-alike.
const (
	WhyNotHTTPS    LookalikeWhy = "not-https"    // the known site over http, or on another port
	WhyContains    LookalikeWhy = "contains"     // the known name is only part of the address (egov.kz.example.com, egov-kz.example.com, gov.kz-online.com)
	WhyPrefix      LookalikeWhy = "prefix"       // the known name with a word or a hyphen added (egov-kz.com, myegov.kz, kgdgov.kz, e-gov.kz)
	WhyOneEdit     LookalikeWhy = "one-edit"     // a letter or two away (egow.kz, eegov.kz, elicnse.kz, egow.kz.evil.com)
	WhySwapped     LookalikeWhy = "swapped"      // two letters swapped (egvo.kz, salky.kz), or the name's words (almaty-open.kz)
	WhyConfusable  LookalikeWhy = "confusable"   // Latin letters or digits that look alike (eg0v.kz, rnybank.kz)
	WhyOtherScript LookalikeWhy = "other-script" // letters of another alphabet that look like the name (еgov.kz with a Cyrillic е, еԍоѵ.kz)
	WhyOtherSuffix LookalikeWhy = "other-suffix" // the known name under another ending (egov.com)
)

// LookalikeWhys are all the reasons, in the order the rules try them (each
// has words in the dialogs' catalog).
var LookalikeWhys = []LookalikeWhy{WhyNotHTTPS, WhyContains, WhyOtherScript, WhyConfusable, WhyOtherSuffix, WhyPrefix, WhySwapped, WhyOneEdit}

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
	// MixedScripts: the name has letters that are not all of the one
	// alphabet its reader expects (Latin under .kz, .ru, .com; Cyrillic
	// under .қаз, .рф), or it is a look-alike with letters outside
	// ASCII, so Site and Sub are in punycode and Decoded, the name in
	// letters, is shown beside them.
	MixedScripts bool
	Decoded      string
	// Extension is the catalog key of a known browser extension ("ifcplugin",
	// "gosplugin"); "" for a site or an unknown extension.
	Extension string
}

// maxHostLen is the longest DNS name; a longer host is no site's, and is
// not looked into further (the classifier's work stays bounded).
const maxHostLen = 253

// Classify says what a site is, against the built-in services and extra
// ones (the admin's). A look-alike is never known: an extra service that
// itself imitates a built-in one counts as that look-alike.
func Classify(o Origin, extra []KnownService) OriginInfo {
	if o.IsLocal() {
		return OriginInfo{Class: OriginLocal}
	}
	if o.IsExtension() {
		return classifyExtension(o)
	}
	host := strings.TrimSuffix(strings.ToLower(o.Host), ".")
	info := OriginInfo{Class: OriginUnknown, Scheme: o.Scheme, Port: o.Port, Site: host}
	if len(host) > maxHostLen {
		info.MixedScripts = true
		return info
	}
	h := parseHost(host)
	info.Site, info.Sub = h.reg, strings.TrimSuffix(host, h.reg)
	secure := o.Scheme == "https" && o.Port == 443
	for i, k := range slices.Concat(KnownServices, extra) {
		d := normalDomain(k.Domain)
		if d == "" || (host != d && !strings.HasSuffix(host, "."+d)) {
			continue
		}
		if i >= len(KnownServices) {
			// The admin's (or user's) entry: never a way to make a
			// look-alike of a built-in service known.
			if svc, why := lookalikeOf(parseHost(d), builtins); svc != nil {
				info.Class, info.Service, info.Why = OriginLookalike, svc, why
				break
			}
		}
		if !secure {
			info.Class, info.Service, info.Why = OriginLookalike, &k, WhyNotHTTPS
		} else {
			info.Class, info.Service = OriginKnown, &k
		}
		break
	}
	if info.Class == OriginUnknown && !h.ip {
		if svc, why := lookalikeOf(h, services(extra)); svc != nil {
			info.Class, info.Service, info.Why = OriginLookalike, svc, why
		}
	}
	// Internationalised names: shown in Unicode only when every letter is
	// of the alphabet the reader of that ending expects, and the site
	// imitates nothing.
	if h.uni != host {
		if !safeToShow(host, h.uni) {
			// Not a name a browser would decode (bidi controls, invisible
			// characters): punycode only.
			info.MixedScripts = true
			return info
		}
		info.Decoded = h.uni
		if info.Class == OriginLookalike || !oneReadableScript(h.uniLabels) {
			info.MixedScripts = true
		} else {
			uReg := strings.Join(h.uniLabels[len(h.uniLabels)-h.nReg:], ".")
			info.Site, info.Sub = uReg, strings.TrimSuffix(h.uni, uReg)
		}
	}
	return info
}

// host is a host name taken apart for the look-alike rules.
type host struct {
	ip        bool
	reg       string   // registrable domain (ASCII), or the host
	uni       string   // the host in Unicode (punycode decoded)
	uniLabels []string // its labels in Unicode
	fold      []string // each label folded (fold)
	foldD     []string // each label folded with its digits kept (egov24 is egov and a number)
	nReg      int      // labels of the registrable domain (all if none)
	nSuffix   int      // labels of its public suffix (0 if none)
	// The folded host split at dots and hyphens (egow.kz-secure.com:
	// egow kz secure com): tokSep[i] is the separator after tok[i],
	// tokLabel[i] the label tok[i] is in.
	tok      []string
	tokSep   []byte
	tokLabel []int
}

// tokenize splits folded labels at dots and hyphens.
func tokenize(labels []string) (tok []string, sep []byte, lab []int) {
	for i, l := range labels {
		parts := strings.Split(l, "-")
		for j, t := range parts {
			tok, lab = append(tok, t), append(lab, i)
			if j < len(parts)-1 {
				sep = append(sep, '-')
			} else {
				sep = append(sep, '.')
			}
		}
	}
	return tok, sep, lab
}

func parseHost(h string) host {
	p := host{reg: h}
	if net.ParseIP(strings.Trim(h, "[]")) != nil {
		p.ip = true
		p.uni, p.uniLabels, p.fold, p.foldD, p.nReg = h, []string{h}, []string{h}, []string{h}, 1
		return p
	}
	labels := strings.Split(h, ".")
	p.uniLabels = make([]string, len(labels))
	p.fold = make([]string, len(labels))
	p.foldD = make([]string, len(labels))
	for i, l := range labels {
		u := l
		if strings.HasPrefix(l, "xn--") {
			if d, err := idna.Punycode.ToUnicode(l); err == nil {
				u = d
			}
		}
		p.uniLabels[i] = strings.ToLower(u)
		p.fold[i] = fold(p.uniLabels[i])
		p.foldD[i] = foldKeepDigits(p.uniLabels[i])
	}
	p.uni = strings.Join(p.uniLabels, ".")
	p.tok, p.tokSep, p.tokLabel = tokenize(p.fold)
	p.nReg = len(labels)
	if reg, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		p.reg = reg
		p.nReg = strings.Count(reg, ".") + 1
		p.nSuffix = p.nReg - 1
	} else if suffix, _ := publicsuffix.PublicSuffix(h); suffix == h {
		p.nSuffix = len(labels) // a bare suffix: kz, com.kz
	}
	return p
}

// service is a known service's domain taken apart for the rules.
type service struct {
	k      *KnownService
	labels []string // Unicode
	fold   []string // folded labels
	name   string   // the first label folded, hyphens kept ("egov", "open-almaty")
	joined string   // name without hyphens ("openalmaty")
	raw    string   // the first label as written, in Unicode
	// The folded domain split at dots and hyphens (open almaty kz), the
	// separators between them, and how many tokens the name has.
	tok    []string
	tokSep []byte
	nName  int
	dotted string // tok joined with dots ("open.almaty.kz")
	// core is the name less a one- or two-letter lure it starts with, when what is left is a word of five letters or more of its
	// own (e-license: "license"); that word alone is someone else's
	// name, not a slip of the known one.
	core string
	// swaps are the name's words in every other order, joined
	// (almatyopen for open-almaty): names of two to four words of three
	// letters or more.
	swaps []string
}

var builtins = services(nil)

func services(extra []KnownService) []service {
	all := slices.Concat(KnownServices, extra)
	out := make([]service, 0, len(all))
	for i := range all {
		d := normalDomain(all[i].Domain)
		if d == "" {
			continue
		}
		p := parseHost(d)
		s := service{k: &all[i], labels: p.uniLabels, fold: p.fold}
		s.raw, s.name = p.uniLabels[0], p.fold[0]
		s.joined = strings.ReplaceAll(s.name, "-", "")
		s.tok, s.tokSep, _ = tokenize(p.fold)
		s.tokSep = s.tokSep[:len(s.tokSep)-1]
		s.nName = strings.Count(s.name, "-") + 1
		s.dotted = strings.Join(s.tok, ".")
		for _, w := range shortLureFolded {
			if len(w) > 2 {
				continue
			}
			if c, ok := strings.CutPrefix(s.joined, w); ok && utf8.RuneCountInString(c) >= 5 && s.core == "" {
				s.core = c // (the first lure that fits: e-license, not elicens-e)
			}
		}
		s.swaps = wordOrders(s.tok[:s.nName])
		out = append(out, s)
	}
	return out
}

// normalDomain is a knownOrigins domain as hosts are compared: ASCII
// (punycode), lower case, no trailing dot, no "*." ("" if it is no name).
func normalDomain(d string) string {
	d = strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), "."), "*.")
	a, err := idna.Lookup.ToASCII(d)
	if err != nil || a == "" {
		return ""
	}
	return a
}

// lookalikeOf says which of svcs host imitates, and why (nil if none).
// Each rule is tried against every service before the next rule, so the
// most telling reason and the closest service win (my-gov.kz is a word
// added to gov.kz, not an edit of egov.kz).
func lookalikeOf(h host, svcs []service) (*KnownService, LookalikeWhy) {
	if h.ip || len(h.fold) <= h.nSuffix {
		return nil, "" // an IP address, localhost, a bare ending
	}
	for _, rule := range []func(host, service) LookalikeWhy{ruleContains, ruleTail, ruleOtherSuffix, ruleWords, ruleEdits, ruleSwappedWords} {
		for _, s := range svcs {
			if why := rule(h, s); why != "" {
				return s.k, why
			}
		}
	}
	return nil, ""
}

// ruleContains: the known domain (or its name, for names of four letters
// or more) as labels inside the address, not as its end: egov.kz.evil.com,
// eg0v.kz.evil.com, egov.kzz.com.
func ruleContains(h host, s service) LookalikeWhy {
	m := len(s.fold)
	n := len(h.fold)
	for i := 0; i+m < n; i++ {
		if slices.Equal(h.fold[i:i+m], s.fold) {
			return WhyContains
		}
	}
	if utf8.RuneCountInString(s.joined) >= 4 {
		for _, l := range h.fold[:n-h.nReg] {
			if l == s.name {
				return WhyContains
			}
		}
	}
	// The known domain running into the next label (gov.kz-online.com,
	// kgd.gov.kz-secure.com, gov.kzonline.com).
	k := len(s.tok)
	for t := 0; t+k <= len(h.tok); t++ {
		end := t + k - 1
		if h.tokLabel[end] >= n-h.nSuffix {
			break // ends in the public suffix: the tail's, or a word added (login-egov.kz)
		}
		if !slices.Equal(h.tok[t:end], s.tok[:k-1]) || !slices.Equal(h.tokSep[t:end], s.tokSep) {
			continue
		}
		last, end0 := h.tok[end], s.tok[k-1]
		if last == end0 && h.tokSep[end] == '-' {
			return WhyContains
		}
		if rest, ok := strings.CutPrefix(last, end0); ok && rest != "" && affixWords(rest, lureFolded) {
			return WhyContains
		}
	}
	return ""
}

// ruleTail: the address ends in the known domain after folding but not as
// written: еgov.kz (a Cyrillic е), idp.еgov.kz, eg0v.kz, rnybank.kz.
func ruleTail(h host, s service) LookalikeWhy {
	m, n := len(s.fold), len(h.fold)
	if n < m || !slices.Equal(h.fold[n-m:], s.fold) {
		return ""
	}
	return foldedWhy(strings.Join(h.uniLabels[n-m:], "."))
}

// ruleOtherSuffix: the known name as the registrable label under another
// ending: egov.com, egov.kg, elicense.com.kz, eg0v.com.
func ruleOtherSuffix(h host, s service) LookalikeWhy {
	if h.nSuffix == 0 {
		return ""
	}
	if utf8.RuneCountInString(s.joined) < 4 {
		return "" // gov.uz, gov.ua: every country's government, not gov.kz's look-alike
	}
	i := len(h.fold) - h.nReg
	if h.fold[i] != s.name {
		return ""
	}
	if h.uniLabels[i] == s.raw {
		return WhyOtherSuffix
	}
	return foldedWhy(h.uniLabels[i])
}

// ruleWords: the known name with words added, in the registrable label
// (egov-kz.com, myegov.kz, kzegov.com, egovkz.net, login-egov.kz,
// e-gov.kz, kgdgov.kz) or in a label before it (egov-kz.evil.com).
// Short names ("gov") count only beside a lure word or an abbreviation,
// since they are part of many ordinary words (governance, dolgov).
func ruleWords(h host, s service) LookalikeWhy {
	n := len(h.fold)
	regFirst := n - h.nReg
	for i, l := range h.fold[:n-h.nSuffix] {
		if i == regFirst && l == s.name {
			continue // ruleOtherSuffix's
		}
		if !wordsAdded(l, s) && !wordsAdded(h.foldD[i], s) {
			continue
		}
		if i < regFirst {
			return WhyContains
		}
		if !strings.Contains(strings.ReplaceAll(h.uniLabels[i], "-", ""), strings.ReplaceAll(s.raw, "-", "")) {
			return foldedWhy(h.uniLabels[i])
		}
		return WhyPrefix
	}
	return ""
}

// wordsAdded reports a label (folded) built of the service's name and
// other words.
func wordsAdded(l string, s service) bool {
	if utf8.RuneCountInString(s.joined) >= 4 && strings.Contains("-"+l+"-", "-"+s.name+"-") {
		return true // a hyphenated word: login-egov, egov-kz
	}
	j := strings.ReplaceAll(l, "-", "")
	if j == s.joined {
		return l != s.name // hyphens added: e-gov
	}
	for off := 0; ; {
		i := strings.Index(j[off:], s.joined)
		if i < 0 {
			return false
		}
		i += off
		pre, post := j[:i], j[i+len(s.joined):]
		switch {
		case pre == "" && slices.Contains(personFolded, post):
			// salykov, salykova: a surname built on the same word
		case utf8.RuneCountInString(s.joined) >= 5:
			return true // enbekshi, xsalykx: a long name is not an accident
		case utf8.RuneCountInString(s.joined) >= 4 && affixWords(pre, lureFolded) && affixWords(post, lureFolded):
			return true
		case affixWords(pre, shortLureFolded) && affixWords(post, shortLureFolded):
			return true
		}
		off = i + 1
	}
}

// ruleEdits: the registrable label, one of its hyphenated words, or it
// less a lure word (four letters or more), a letter away from the known
// name (two for names of eight letters or more, the first letter kept), or the registrable domain a letter away from
// the known domain: egow.kz, egvo.kz, egvo-kz.com, myegvo.kz, egov.kg.
func ruleEdits(h host, s service) LookalikeWhy {
	n := len(h.fold)
	reg := strings.Join(h.fold[n-h.nReg:], ".")
	dom := strings.Join(s.fold, ".")
	nameLen := utf8.RuneCountInString(s.joined)
	first := h.fold[n-h.nReg]
	if utf8.RuneCountInString(dom) >= 5 && utf8.RuneCountInString(first) >= min(4, nameLen) && first != s.name && first != s.core {
		// (ego.kz is a word, not egov.kz with a letter lost; gov.uz
		// differs in the ending only: ruleOtherSuffix's; license.kz is
		// the word e-license is made of)
		if d, swap := osa(reg, dom); d == 1 {
			return editWhy(swap)
		}
	}
	if why := tokenEdits(h, s); why != "" {
		return why
	}
	if nameLen < 4 || h.nSuffix == 0 {
		return ""
	}
	limit := 1
	if nameLen >= 8 {
		limit = 2
	}
	cands := append(strings.Split(first, "-"), first, strings.ReplaceAll(first, "-", ""))
	j := strings.ReplaceAll(first, "-", "")
	for _, w := range lureFolded {
		if t, ok := strings.CutPrefix(j, w); ok {
			cands = append(cands, t)
		}
		if t, ok := strings.CutSuffix(j, w); ok {
			cands = append(cands, t)
		}
	}
	for _, c := range cands {
		if c == s.joined || c == s.name || c == s.core {
			continue // the name itself: another rule's (or not a look-alike)
		}
		if utf8.RuneCountInString(c) < 4 {
			continue // ego, gov: a three-letter word is not egov with a letter lost
		}
		d, swap := osa(c, s.joined)
		if d == 2 && []rune(c)[0] != []rune(s.joined)[0] {
			continue // two edits count only with the first letter kept (elicenza, not licenses)
		}
		if d > 0 && d <= limit {
			return editWhy(swap && d == 1)
		}
	}
	return ""
}

// tokenEdits: the known domain a letter away, written as labels or words
// anywhere before the address's ending (egow.kz.evil.com,
// egow.kz-secure.com, idp.egvo-kz.evil.com, gow.kz.evil.com): the name's
// words and the ending's, read across dots and hyphens alike. The edit
// must touch the name (gov.uz.example.com is not gov.kz's), whose first
// word has four letters or more (three for gov).
func tokenEdits(h host, s service) LookalikeWhy {
	if utf8.RuneCountInString(s.dotted) < 5 {
		return ""
	}
	n, k := len(h.fold), len(s.tok)
	nameTok := strings.Join(s.tok[:s.nName], ".")
	minFirst := min(4, utf8.RuneCountInString(s.tok[0]))
	for t := 0; t+k <= len(h.tok); t++ {
		if h.tokLabel[t+k-1] >= n-h.nSuffix {
			break
		}
		if utf8.RuneCountInString(h.tok[t]) < minFirst {
			continue
		}
		w := strings.Join(h.tok[t:t+k], ".")
		if diff := utf8.RuneCountInString(w) - utf8.RuneCountInString(s.dotted); diff > 1 || diff < -1 {
			continue
		}
		if nt := strings.Join(h.tok[t:t+s.nName], "."); nt == nameTok || nt == s.core {
			continue
		}
		if d, swap := osa(w, s.dotted); d == 1 {
			return editWhy(swap)
		}
	}
	return ""
}

// ruleSwappedWords: the words of a known name of several words in
// another order, alone or with lure words or digits glued on
// (almaty-open.kz, almatyopen.kz, almatyopen-kz.com), in any label
// before the ending.
func ruleSwappedWords(h host, s service) LookalikeWhy {
	if len(s.swaps) == 0 {
		return ""
	}
	for i := range h.fold[:len(h.fold)-h.nSuffix] {
		for _, l := range []string{h.fold[i], h.foldD[i]} {
			j := strings.ReplaceAll(l, "-", "")
			for _, sw := range s.swaps {
				pre, post, ok := strings.Cut(j, sw)
				if ok && affixWords(pre, lureFolded) && affixWords(post, lureFolded) {
					return WhySwapped
				}
			}
		}
	}
	return ""
}

// wordOrders are words joined in every order but the given one (none
// unless there are two to four words of three letters or more).
func wordOrders(words []string) []string {
	if len(words) < 2 || len(words) > 4 {
		return nil
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			return nil
		}
	}
	given := strings.Join(words, "")
	var out []string
	var perm func(rest []string, acc string)
	perm = func(rest []string, acc string) {
		if len(rest) == 0 {
			if acc != given && !slices.Contains(out, acc) {
				out = append(out, acc)
			}
			return
		}
		for i := range rest {
			perm(slices.Concat(rest[:i], rest[i+1:]), acc+rest[i])
		}
	}
	perm(words, "")
	return out
}

func editWhy(swap bool) LookalikeWhy {
	if swap {
		return WhySwapped
	}
	return WhyOneEdit
}

// foldedWhy: what folding did to make s look like the known name, other
// alphabets or Latin look-alikes (digits, rn for m).
func foldedWhy(s string) LookalikeWhy {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return WhyOtherScript
		}
	}
	return WhyConfusable
}

// lureWords are what phishing addresses glue to a known name: the country,
// "my", "e-", "login", "cabinet" and the like. shortLureWords are the few
// that count beside a name of three letters (gov), which ordinary words
// contain (govdocs, government).
var lureWords = []string{
	"kz", "kaz", "qaz", "kazakhstan", "qazaqstan", "rk", "my", "e", "i", "m", "id", "idp", "sso", "auth", "login",
	"logon", "signin", "sign", "secure", "safe", "verify", "check", "online", "portal", "official", "site", "web",
	"www", "app", "service", "services", "servis", "support", "help", "pay", "payment", "cabinet", "kabinet", "lk",
	"account", "user", "gos", "gov", "nca", "ncalayer", "pki", "eds", "ecp", "key", "doc", "docs", "new", "bonus",
	"zapis", "info", "ru", "com", "net", "org",
}

// personEndings make a surname or a patronymic of a word (Salykov,
// Salykova, Enbekuly): a person's name, not a name with a word added.
var personEndings = []string{"ov", "ova", "ev", "eva", "in", "ina", "uly", "ulu", "kyzy", "qyzy", "ovich", "ovna", "evich", "evna", "ovs", "ovy", "ovym"}

var shortLureWords = []string{"kz", "kaz", "qaz", "kazakhstan", "qazaqstan", "rk", "my", "e", "i", "m"}

var lureFolded, shortLureFolded, personFolded = foldAll(lureWords), foldAll(shortLureWords), foldAll(personEndings)

func foldAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = fold(w)
	}
	return out
}

// affixWords reports s (folded, no hyphens) empty, one of lures, an
// abbreviation (two to five consonants: kgd, mvd, mchs), or made of lures
// of two letters or more and digits (kzlogin, 24, kz2024). Single letters
// and consonant runs count only alone: joined to others they would make
// up most words (e+rnrn+e+nt: "ernment").
func affixWords(s string, lures []string) bool {
	if s == "" || slices.Contains(lures, s) {
		return true
	}
	if len(s) > 40 {
		return false
	}
	if n := len(s); n >= 2 && n <= 5 && strings.Trim(s, "bcdfghjklmnpqrstvwxz") == "" {
		return true
	}
	ok := make([]bool, len(s)+1) // ok[i]: s[:i] splits into such words
	ok[0] = true
	for i := 0; i < len(s); i++ {
		if !ok[i] {
			continue
		}
		for _, w := range lures {
			if len(w) >= 2 && strings.HasPrefix(s[i:], w) {
				ok[i+len(w)] = true
			}
		}
		for j := i; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			ok[j+1] = true
		}
	}
	return ok[len(s)]
}

// ownFolds complete UTS #39 for names: its skeleton maps a letter to the
// letter it is most like, which is sometimes no ASCII letter (Cyrillic к
// and Kazakh қ to ĸ, ԍ to ɢ, Kazakh ә to ǝ), and it leaves digits that
// stand for letters (eg3v, 5alyk) alone, since they are not the same
// glyph. Of the Kazakh letters, the confusables table (checked one by one
// with confusables.Skeleton) already gives ү → y, һ → h, і → i, and with
// the mark it adds stripped ғ → r, ө → o, ұ → y; қ (→ ĸ) and ә (→ ǝ) need
// these entries; ң (→ ʜ, a small capital H) passes for no Latin letter.
var ownFolds = map[rune]string{
	'ĸ': "k", 'ɢ': "g", 'ǝ': "e", 'ʀ': "r", 'ɪ': "i", 'ʏ': "y", 'ᴋ': "k", 'ᴍ': "m", 'ᴏ': "o", 'ᴛ': "t",
}

// digitFolds are digits written for letters (eg3v, 5alyk, 6ank, k2 for kz).
var digitFolds = map[rune]string{'2': "z", '3': "e", '4': "a", '5': "s", '6': "b", '7': "t", '8': "b", '9': "g"}

// latinTricks are letter pairs that read as one letter (UTS #39 maps
// single characters only; it already maps m to rn).
var latinTricks = strings.NewReplacer("vv", "w", "cl", "d")

// fold is a label's UTS #39 skeleton in lower case, with ownFolds, marks
// stripped (ö, ғ's bar) and latinTricks: what the label looks like.
func fold(s string) string { return foldWith(s, true) }

// foldKeepDigits is fold without digitFolds.
func foldKeepDigits(s string) string { return foldWith(s, false) }

func foldWith(s string, digits bool) string {
	s = strings.ToLower(s)
	sk := confusables.Skeleton(s)
	if !digits {
		// UTS #39 reads 0 as o and 1 as l: keep every ASCII digit.
		var kept strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				kept.WriteRune(r)
			} else {
				kept.WriteString(confusables.Skeleton(string(r)))
			}
		}
		sk = kept.String()
	}
	var b strings.Builder
	for _, r := range sk {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := ownFolds[r]; ok {
			b.WriteString(f)
			continue
		}
		if f, ok := digitFolds[r]; ok && digits {
			b.WriteString(f)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return latinTricks.Replace(b.String())
}

// osa is the optimal string alignment distance (Damerau–Levenshtein
// without editing a substring twice) between a and b, in runes, and
// whether one adjacent swap accounts for it. Written here because no
// module the project uses has one and it is twenty lines; inputs are DNS
// labels (at most 253 bytes), so the table stays small.
func osa(a, b string) (int, bool) {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	swapped := false
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] && d[i-2][j-2]+1 < d[i][j] {
				d[i][j] = d[i-2][j-2] + 1
			}
		}
	}
	dist := d[len(x)][len(y)]
	if dist == 1 && len(x) == len(y) {
		for i := 0; i+1 < len(x); i++ {
			if x[i] != y[i] {
				swapped = x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
				break
			}
		}
	}
	return dist, swapped
}

// safeToShow reports a punycode host whose letters (uni) are a valid
// internationalised name (IDNA 2008, as browsers check it) with nothing
// invisible or out of order in them.
func safeToShow(host, uni string) bool {
	if u, err := idna.Lookup.ToUnicode(host); err != nil || u != uni {
		return false
	}
	for _, r := range uni {
		if !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// oneReadableScript reports a name whose letters are all of the alphabet
// its ending's reader expects: Latin under an ASCII ending (.kz, .ru,
// .com), Cyrillic under a Cyrillic one (.қаз, .рф). Digits and hyphens go
// with either.
func oneReadableScript(labels []string) bool {
	tld := labels[len(labels)-1]
	script := unicode.Latin
	for _, r := range tld {
		if r >= utf8.RuneSelf {
			script = unicode.Cyrillic
			break
		}
	}
	for _, l := range labels {
		for _, r := range l {
			if r == '-' || r == '_' || (r >= '0' && r <= '9') {
				continue
			}
			if !unicode.Is(script, r) {
				return false
			}
			if script == unicode.Latin && r >= utf8.RuneSelf && passesForASCII(r) {
				return false // ɡ, ı, ɑ: Latin letters that read as plain ones (an accent, ü, is seen)
			}
		}
	}
	return true
}

// passesForASCII reports a letter whose UTS #39 skeleton (with ownFolds)
// is an ASCII letter: it reads as that letter.
func passesForASCII(r rune) bool {
	sk := confusables.Skeleton(string(r))
	if sk == "" {
		return false
	}
	if f, ok := ownFolds[[]rune(sk)[0]]; ok && utf8.RuneCountInString(sk) == 1 {
		sk = f
	}
	for i := 0; i < len(sk); i++ {
		if sk[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// KnownFault is why a knownOrigins entry is refused.
type KnownFault string

// Kinds of KnownOriginError.
const (
	KnownNoDomain  KnownFault = "no-domain"  // no "domain" at all
	KnownAddress   KnownFault = "address"    // a URL or host:port instead of a name
	KnownNotDomain KnownFault = "not-domain" // not a domain name (a wildcard inside, ...)
	KnownEnding    KnownFault = "ending"     // a whole ending (kz, gov.kz, github.io)
	KnownLookalike KnownFault = "lookalike"  // imitates a built-in known site
)

// KnownOriginError is a refused knownOrigins entry: which (Entry, as
// written), why (Fault), and for a look-alike the site it imitates (Like)
// and how (Why), so that it is worded in the reader's language; Error is
// the English for logs.
type KnownOriginError struct {
	Entry string
	Fault KnownFault
	Like  string
	Why   LookalikeWhy
	text  string
}

func (e *KnownOriginError) Error() string { return e.text }

func knownErr(e KnownOriginError, format string, args ...any) *KnownOriginError {
	e.text = fmt.Sprintf(format, args...)
	return &e
}

// CheckKnownOrigins validates and normalises knownOrigins entries (the
// user's config and the machine policy alike): the domain in lower case,
// without a trailing dot or a leading "*." (an entry covers its name and
// every name under it anyway), in punycode. A domain that is a whole
// ending (kz, com, com.kz, gov.kz, github.io: it would make every site
// under it known), an address instead of a name, or a look-alike of a
// built-in service is refused with a message that says so.
func CheckKnownOrigins(list []KnownService) ([]KnownService, error) {
	out := make([]KnownService, 0, len(list))
	for _, k := range list {
		raw := strings.TrimSpace(k.Domain)
		if raw == "" {
			return nil, knownErr(KnownOriginError{Fault: KnownNoDomain},
				`a knownOrigins entry needs a "domain" (egov.kz) and "names" ({"kk": …, "ru": …, "en": …})`)
		}
		if strings.ContainsAny(raw, "/:@?# ") {
			return nil, knownErr(KnownOriginError{Entry: k.Domain, Fault: KnownAddress},
				"knownOrigins: %q: write the domain name only (portal.corp.kz), not an address", k.Domain)
		}
		d := normalDomain(raw)
		if d == "" || strings.Contains(d, "*") {
			return nil, knownErr(KnownOriginError{Entry: k.Domain, Fault: KnownNotDomain},
				"knownOrigins: %q is not a domain name (write portal.corp.kz)", k.Domain)
		}
		if slices.ContainsFunc(KnownServices, func(b KnownService) bool { return b.Domain == d }) {
			continue // built in already
		}
		if suffix, _ := publicsuffix.PublicSuffix(d); suffix == d {
			return nil, knownErr(KnownOriginError{Entry: k.Domain, Fault: KnownEnding},
				"knownOrigins: %q is a whole domain ending, shared by every site under it: name one site (portal.corp.kz)", k.Domain)
		}
		if svc, why := lookalikeOf(parseHost(d), builtins); svc != nil {
			return nil, knownErr(KnownOriginError{Entry: k.Domain, Fault: KnownLookalike, Like: svc.Domain, Why: why},
				"knownOrigins: %q looks like %s (%s): a look-alike of a known site cannot be made known", k.Domain, svc.Domain, why)
		}
		k.Domain = d
		out = append(out, k)
	}
	return out, nil
}

// Lookalike reports whether the origin imitates a known site (the consent
// question defaults to Block and "always allow" is not accepted for it).
func (a *Agent) Lookalike(o Origin) bool {
	return a.Classify(o).Class == OriginLookalike
}

// Classify says what the agent knows of a site (with the admin's known
// origins).
func (a *Agent) Classify(o Origin) OriginInfo { return Classify(o, a.cfg.KnownOrigins) }
