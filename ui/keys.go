package ui

import (
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// KeyRow is one key as the dialog lists it: who it belongs to, what it is
// for, when it is valid, who issued it; a key that cannot be chosen says
// why on a line of its own.
type KeyRow struct {
	Owner      string // "ТЕСТОВ ТЕСТ"
	IIN        string // "ИИН 123456789011" ("" when the certificate has none)
	Org        string // "АО «ТЕСТ», БИН 123456789021" for a legal entity's key
	Purpose    string // "для входа", "для подписи", "вход и подпись"
	Validity   string // "действителен с 17.10.2025 по 17.10.2026"
	Issuer     string // "Выдан: НУЦ (GOST) TEST 2022"
	Algorithm  string // "GOST 2015-512"
	Serial     string // "№ 56d1e535…"
	SerialFull string // the whole serial (shown when the key is selected)
	Reason     string // "Нельзя выбрать: срок действия истёк 17.10.2026"
	Selectable bool
	Expired    bool
}

// Lines is the row as text, one fact a line (for renderers that draw a
// key as a block of text, and for the terminal).
func (r KeyRow) Lines() []string {
	head := r.Owner
	if r.IIN != "" {
		head += ", " + r.IIN
	}
	out := []string{head}
	if r.Org != "" {
		out = append(out, r.Org)
	}
	out = append(out, r.Purpose+" · "+r.Validity, r.Issuer+" · "+r.Algorithm+" · "+r.Serial)
	if r.Reason != "" {
		out = append(out, r.Reason)
	}
	return out
}

// dateFormat is how dates are written in kk, ru, en and vi alike.
const dateFormat = "02.01.2006"

// NewKeyRow describes a key offered by the agent, at time now.
func NewKeyRow(o agent.KeyOption, now time.Time, locale string) KeyRow {
	id := o.Identity
	r := KeyRow{
		Owner:      id.CommonName,
		Purpose:    word(keyKindKeys, id.Kind, locale),
		Validity:   T(locale, "key-valid", id.NotBefore.Format(dateFormat), id.NotAfter.Format(dateFormat)),
		Issuer:     T(locale, "key-issuer", ShortIssuer(id.Issuer)),
		Algorithm:  algorithmName(id.Algorithm),
		Serial:     "№ " + ElideEnd(id.Serial, 9),
		SerialFull: "№ " + id.Serial,
		Selectable: o.Selectable,
		Expired:    now.After(id.NotAfter) || now.Before(id.NotBefore),
	}
	if id.IIN != "" {
		r.IIN = T(locale, "key-iin", id.IIN)
	}
	if id.BIN != "" {
		r.Org = T(locale, "key-org", id.Organization, id.BIN)
	}
	if !o.Selectable {
		r.Reason = T(locale, "not-selectable", ReasonText(o.Reason, id, locale))
	}
	return r
}

// ReasonText words why a key cannot be chosen, with its dates.
func ReasonText(r agent.Reason, id signer.Identity, locale string) string {
	switch r {
	case agent.ReasonNone:
		return ""
	case agent.ReasonExpired:
		return T(locale, "reason-expired", id.NotAfter.Format(dateFormat))
	case agent.ReasonNotYetValid:
		return T(locale, "reason-not-yet-valid", id.NotBefore.Format(dateFormat))
	}
	return word(reasonKeys, r, locale)
}

// ShortIssuer shortens NCA's issuer names ("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ
// (GOST) TEST 2022" -> "ҰКО (GOST) TEST 2022").
func ShortIssuer(cn string) string {
	cn = strings.NewReplacer("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ", "ҰКО", "НАЦИОНАЛЬНЫЙ УДОСТОВЕРЯЮЩИЙ ЦЕНТР", "НУЦ").Replace(cn)
	return ElideEnd(cn, 40)
}

// ElideEnd shortens s to n characters with an ellipsis at the end.
func ElideEnd(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func algorithmName(a signer.KeyAlgorithm) string {
	switch a {
	case signer.GOST2015:
		return "GOST 2015-512"
	case signer.GOST2004:
		return "GOST 2004"
	case signer.RSA:
		return "RSA"
	case signer.ECDSA:
		return "ECDSA"
	}
	return a.String()
}

// Summary is the line that says who signs for whom once a key is chosen:
// "ТЕСТОВ ТЕСТ (ИИН 123456789011) подписывает для egov.kz".
func Summary(action agent.Action, id signer.Identity, host, locale string) string {
	who := id.CommonName
	var parts []string
	if id.IIN != "" {
		parts = append(parts, T(locale, "key-iin", id.IIN))
	}
	if id.BIN != "" {
		parts = append(parts, T(locale, "key-org", id.Organization, id.BIN))
	}
	if len(parts) > 0 {
		who += " (" + strings.Join(parts, ", ") + ")"
	}
	switch action {
	case agent.ActionLogin:
		return T(locale, "summary-login", who, host)
	case agent.ActionKeyInfo:
		return T(locale, "summary-keyinfo", who, host)
	}
	return T(locale, "summary-sign", who, host)
}
