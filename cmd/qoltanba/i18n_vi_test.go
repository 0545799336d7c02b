package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLISpeaksVietnamese: with LANG=vi_VN.UTF-8 (or config.json's
// locale "vi" in a shell that names no language) the command line's
// errors, warnings and verdicts are in Vietnamese, the words scripts read
// (INVALID:, known:, lookalike of) stay, and `origin` names Vietnam's
// portals and their look-alikes in Vietnamese (issue 25).
func TestCLISpeaksVietnamese(t *testing.T) {
	home := t.TempDir()
	pw := passwordFile(t)
	wrongPW := tempFile(t, "pw", []byte("nope\n"))
	doc := tempFile(t, "doc.txt", []byte("Hợp đồng số 1\n"))
	other := tempFile(t, "other.txt", []byte("Hợp đồng số 2\n"))
	sig := filepath.Join(t.TempDir(), "d.cms")
	qoltanba(t, nil, "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--detached", "--in", doc, "--out", sig).mustOK(t)
	vi := []string{"LANG=vi_VN.UTF-8"}
	for _, c := range []struct {
		args           []string
		code           int
		stderr, stdout string
	}{
		{[]string{"keys", "--p12", rsaKey, "--password-file", wrongPW}, 1, "sai mật khẩu", ""},
		{[]string{"keys", "--p12", tempFile(t, "x.p12", []byte("hello")), "--password-file", pw}, 1, "không phải tệp khóa, hoặc đã bị hỏng", ""},
		{[]string{"keys", "--p12", filepath.Join(home, "nope.p12"), "--password-file", pw}, 1, "không tồn tại: hãy kiểm tra đường dẫn", ""},
		{[]string{"keys"}, 2, "hãy đưa --p12 TỆP hoặc --pkcs11 MÔ-ĐUN", ""},
		{[]string{"verify", "--format", "pdf"}, 2, "--format phải là cms hoặc xml", ""},
		{[]string{"verify", "--format", "cms", "--in", sig, "--data", other}, 1, "INVALID: người ký 1 (ТЕСТОВ ТЕСТ): nội dung không khớp với nội dung đã ký", ""},
		{[]string{"verify", "--format", "cms", "--in", sig, "--data", doc}, 0, "CẢNH BÁO: không có --ca hay --trust", "VALID: 1 signer(s)"},
		{[]string{"sign", "--bogus"}, 2, "không có cờ -bogus", ""},
		{[]string{"frobnicate"}, 2, "lệnh không xác định \"frobnicate\"", ""},
		{[]string{"origin", "https://xacthuc.dichvucong.gov.vn/authenticationendpoint/login.do"}, 0, "", "known: xacthuc.dichvucong.gov.vn (Cổng Dịch vụ công quốc gia)"},
		{[]string{"origin", "https://dichvucong-gov.vn"}, 2, "", "lookalike of dichvucong.gov.vn: dichvucong-gov.vn — dichvucong.gov.vn bị thêm một từ hoặc dấu gạch nối (dichvucong-gov.vn)"},
	} {
		r := inLocale(t, home, vi, nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.stderr) || !strings.Contains(r.stdout, c.stdout) {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want %d, %q, %q", c.args, r.code, r.stderr, r.stdout, c.code, c.stderr, c.stdout)
		}
		for _, line := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(line, "usage:") || strings.HasPrefix(line, "  ") {
				break
			}
			for _, en := range []string{"wrong password", "must be", "give ", "unknown command", "does not", "no --ca", "WARNING", "is not"} {
				if strings.Contains(line, en) {
					t.Errorf("%v: English %q in %q", c.args, en, line)
				}
			}
		}
	}
	os.MkdirAll(filepath.Join(home, ".config", "qoltanba"), 0o700)
	os.WriteFile(filepath.Join(home, ".config", "qoltanba", "config.json"), []byte(`{"locale":"vi"}`), 0o600)
	if r := inLocale(t, home, nil, nil, "verify", "--format", "pdf"); !strings.Contains(r.stderr, "--format phải là cms hoặc xml") {
		t.Errorf("config.json locale vi, no LANG: %q", r.stderr)
	}
}
