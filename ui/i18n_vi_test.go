package ui

import (
	"strings"
	"testing"
	"unicode"
)

// TestVietnameseWordsLand: every Vietnamese word found its key (none is
// left over from a key renamed in a catalog), and the dialogs, the
// terminal prompter and the command line speak Vietnamese (each word
// merged by its own file's init: a merge that ran before the words'
// catalog existed would leave the key without vi, which
// TestCatalogComplete reports).
func TestVietnameseWordsLand(t *testing.T) {
	if len(strayWords) > 0 {
		t.Errorf("Vietnamese words for keys no catalog has: %v", strayWords)
	}
	for key, want := range map[string]string{
		"allow-once":          "Cho phép một lần",
		"tty-store":           "Số thứ tự kho khóa (0 để hủy): ",
		"cli-unknown-command": "lệnh không xác định %q",
		"sign-login":          "Đăng nhập",
	} {
		if got := catalog[key]["vi"]; got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if got := T("vi", "heading-signN", 3, "dichvucong.gov.vn"); got != "Ký 3 tài liệu cho dichvucong.gov.vn" {
		t.Errorf("heading-signN: %q", got)
	}
	var vi MenuItem
	for _, m := range TrayMenu("vi", 13579, "1.0", nil) {
		for _, c := range m.Children {
			if c.Locale == "vi" {
				vi = c
			}
		}
	}
	if vi.Label != "Tiếng Việt" || !vi.Checked {
		t.Errorf("language menu: Vietnamese is %+v", vi)
	}
	// No Vietnamese text was left in Kazakh or Russian (a copied line).
	for key, m := range catalog {
		if strings.IndexFunc(m["vi"], func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0 {
			t.Errorf("%s: Cyrillic in the Vietnamese text %q", key, m["vi"])
		}
	}
}
