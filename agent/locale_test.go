package agent

import "testing"

// TestNormalizeLocaleVietnamese: what a Vietnamese page, config or OS
// calls the language (issue 25) is vi; other languages stay unknown.
func TestNormalizeLocaleVietnamese(t *testing.T) {
	for in, want := range map[string]Locale{
		"vi": LocaleVI, "VI": LocaleVI, "vi-VN": LocaleVI, "vi_VN.UTF-8": LocaleVI, "vi_VN@euro": LocaleVI, "vn": LocaleVI,
		"kz": LocaleKK, "ru_RU.UTF-8": LocaleRU, "en-GB": LocaleEN, "vie": "", "zh-VN": "", "": "",
	} {
		if got := NormalizeLocale(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	for _, l := range Locales {
		if NormalizeLocale(string(l)) != l {
			t.Errorf("%s does not normalise to itself", l)
		}
	}
}
