package agent

import "strings"

// Locale is a language the dialogs speak.
type Locale string

// The dialogs' languages.
const (
	LocaleKK Locale = "kk"
	LocaleRU Locale = "ru"
	LocaleEN Locale = "en"
)

// NormalizeLocale maps what a page, a config or the OS calls a language —
// NCALayer's ids ("kz" too), "ru_RU.UTF-8", "en-GB", any case — to kk, ru
// or en; "" and anything else give "". It is the one place that decides,
// for the doors and the dialogs alike.
func NormalizeLocale(l string) Locale {
	l = strings.ToLower(l)
	if i := strings.IndexAny(l, "_.-@"); i >= 0 {
		l = l[:i]
	}
	switch l {
	case "kk", "kz":
		return LocaleKK
	case "ru":
		return LocaleRU
	case "en":
		return LocaleEN
	}
	return ""
}
