package agent

import "strings"

// Locale is a language the dialogs speak.
type Locale string

// The dialogs' languages.
const (
	LocaleKK Locale = "kk"
	LocaleRU Locale = "ru"
	LocaleEN Locale = "en"
	LocaleVI Locale = "vi"
)

// Locales are the dialogs' languages, in the order the language menus
// list them.
var Locales = []Locale{LocaleKK, LocaleRU, LocaleEN, LocaleVI}

// NormalizeLocale maps what a page, a config or the OS calls a language —
// NCALayer's ids ("kz" too), "ru_RU.UTF-8", "en-GB", "vi-VN" ("vn" too),
// any case — to kk, ru, en or vi; "" and anything else give "". It is the
// one place that decides, for the doors and the dialogs alike.
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
	case "vi", "vn":
		return LocaleVI
	}
	return ""
}
