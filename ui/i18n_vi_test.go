package ui

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/qoltanba/qoltanba/agent"
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
	for _, m := range TrayMenu("vi", 13579, "1.0", nil, TrayUpdate{Note: UpdateInstalled, Version: "v1.1.0"}) {
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

// TestVietnameseConsent: the first-use question for Vietnam's portals and
// their look-alikes, in Vietnamese: the known portal by its name, a
// look-alike in red with why, Block the default.
func TestVietnameseConsent(t *testing.T) {
	for _, c := range []struct {
		origin, site, sub, badge, warning, note string
		def                                     agent.Consent
	}{
		{"https://xacthuc.dichvucong.gov.vn", "dichvucong.gov.vn", "xacthuc.", "Trang web đã biết: Cổng Dịch vụ công quốc gia", "", "", agent.AllowOnce},
		{"https://dichvucong.hanoi.gov.vn", "hanoi.gov.vn", "dichvucong.", "Trang web đã biết: cơ quan nhà nước", "", "", agent.AllowOnce},
		{"https://dichvucong-gov.vn", "dichvucong-gov.vn", "", "Đây KHÔNG phải dichvucong.gov.vn", "dichvucong.gov.vn bị thêm một từ hoặc dấu gạch nối (dichvucong-gov.vn)", "", agent.Block},
		{"https://dichvucong.gov.vn.tra-cuu.com", "tra-cuu.com", "dichvucong.gov.vn.", "Đây KHÔNG phải dichvucong.gov.vn", "dichvucong.gov.vn chỉ là một phần của địa chỉ: thực ra đây là trang tra-cuu.com", "", agent.Block},
		{"http://dichvucong.gov.vn", "dichvucong.gov.vn", "", "Đây KHÔNG phải dichvucong.gov.vn", "dichvucong.gov.vn luôn mở qua https trên cổng riêng của mình; địa chỉ này thì khác", "kết nối không an toàn (http)", agent.Block},
		{"https://xn--dchvcng-x0a0689dsha.vn", "xn--dchvcng-x0a0689dsha.vn", "", "Đây KHÔNG phải dichvucong.gov.vn",
			"chữ cái có dấu hoặc của bảng chữ cái khác, trông giống dichvucong.gov.vn (xn--dchvcng-x0a0689dsha.vn)", "địa chỉ được hiển thị dạng punycode; bằng chữ: dịchvụcông.vn", agent.Block},
		{"https://tiki.vn", "tiki.vn", "", "qoltanba không biết trang web này: hãy chắc chắn rằng bạn tin tưởng nó", "", "", agent.AllowOnce},
	} {
		o, err := agent.ParseOrigin(c.origin)
		if err != nil {
			t.Fatal(err)
		}
		v := NewConsentView(o, agent.Classify(o, nil), "vi")
		s := v.Site
		if s.Site != c.site || s.Sub != c.sub || s.Badge != c.badge || s.Warning != c.warning || s.Note != c.note || v.Default != c.def {
			t.Errorf("%s:\n got %q %q %q %q %q %v\nwant %q %q %q %q %q %v", c.origin, s.Site, s.Sub, s.Badge, s.Warning, s.Note, v.Default,
				c.site, c.sub, c.badge, c.warning, c.note, c.def)
		}
		if !strings.HasPrefix(v.Question, "Cho phép ") || v.Choices[0].Label != "Cho phép một lần" {
			t.Errorf("%s: %q %+v", c.origin, v.Question, v.Choices)
		}
	}
}

// TestTTYSpeaksVietnamese: the terminal prompter in Vietnamese, the
// page's language (vi-VN) over the configured one, the confirmation word
// typed without diacritics.
func TestTTYSpeaksVietnamese(t *testing.T) {
	out := &syncBuf{}
	input := []string{"1", "1", gostFL, "x", "Qwerty12", "1", "co"}
	tty := &TTY{In: strings.NewReader(strings.Join(input, "\n") + "\n"), Out: out, Fd: -1, Locale: func() string { return "ru" }}
	a := newAgent(t, tty)
	origin, _ := agent.ParseOrigin("https://xacthuc.dichvucong.gov.vn")
	res, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatCMS, Locale: "vi-VN",
		Documents: [][]byte{[]byte("x")}, Filter: agent.Filter{Chain: agent.ChainAny}})
	if err != nil || len(res.Signatures) != 1 {
		t.Fatalf("%v\n%s", err, out)
	}
	o := out.after("✓")
	for _, w := range []string{
		"Cho phép xacthuc.dichvucong.gov.vn yêu cầu chữ ký số của bạn?", "1) Cho phép một lần — Chỉ cho yêu cầu này",
		"Trang web đã biết: Cổng Dịch vụ công quốc gia", "Ký dữ liệu cho xacthuc.dichvucong.gov.vn", "Kho khóa:",
		"Số thứ tự kho khóa (0 để hủy): ", "Đường dẫn tệp khóa: ", "Mật khẩu: ", "Sai mật khẩu", "Khóa:",
		"ТЕСТОВ ТЕСТ, Mã định danh 123456789011", "Ký số? Gõ “co” rồi nhấn Enter: ", "Đã ký ✓",
	} {
		if !strings.Contains(o, w) {
			t.Errorf("output lacks %q:\n%s", w, o)
		}
	}
	for _, other := range []string{"Key store", "Password", "Signed", "Type", "Подпис", "Пароль"} {
		if strings.Contains(o, other) {
			t.Errorf("%q in a Vietnamese dialog:\n%s", other, o)
		}
	}
}
