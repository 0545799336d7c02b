package ui

import "golang.org/x/sys/windows"

// osLocale is the user's Windows display language ("vi-VN", "ru-RU"): the
// first of their preferred UI languages; "" when Windows does not say.
// Windows sets no LANG, so this is how a Vietnamese Windows gets
// Vietnamese dialogs without any setting.
func osLocale() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}
