package agent

import (
	"strings"
	"testing"
)

// vnClassifyTable: Vietnam's public portals (issue 25), the provinces'
// portals and every state body under gov.vn, impersonations of them of
// each kind the classifier knows, and Vietnamese sites that must not
// raise an alarm.
var vnClassifyTable = []struct{ origin, want string }{
	{"https://dichvucong.gov.vn", "known dichvucong.gov.vn"},
	{"https://xacthuc.dichvucong.gov.vn", "known dichvucong.gov.vn"},
	{"https://DichVuCong.Gov.VN.", "known dichvucong.gov.vn"},
	{"https://thuedientu.gdt.gov.vn", "known thuedientu.gdt.gov.vn"},
	{"https://gddt.baohiemxahoi.gov.vn", "known baohiemxahoi.gov.vn"},
	{"https://dichvucong.baohiemxahoi.gov.vn", "known baohiemxahoi.gov.vn"},
	{"https://baohiemxahoi.gov.vn", "known baohiemxahoi.gov.vn"},
	{"https://dichvucong.hanoi.gov.vn", "known gov.vn"},
	{"https://dichvucong.hochiminhcity.gov.vn", "known gov.vn"},
	{"https://dichvucong.binhduong.gov.vn", "known gov.vn"},
	{"https://dvc.bacninh.gov.vn", "known gov.vn"},
	{"https://canhan.gdt.gov.vn", "known gov.vn"},
	{"https://customs.gov.vn", "known gov.vn"},
	{"https://sso.dancuquocgia.gov.vn", "known gov.vn"},
	{"https://vneid.gov.vn", "known gov.vn"},
	// Look-alikes of the national portal.
	{"http://dichvucong.gov.vn", "lookalike dichvucong.gov.vn not-https"},
	{"https://dichvucong.gov.vn:8443", "lookalike dichvucong.gov.vn not-https"},
	{"http://dichvucong.hanoi.gov.vn", "lookalike gov.vn not-https"},
	{"https://dichvucong-gov.vn", "lookalike dichvucong.gov.vn prefix"},
	{"https://dichvuconggov.vn", "lookalike dichvucong.gov.vn prefix"},
	{"https://dichvucong-vn.com", "lookalike dichvucong.gov.vn prefix"},
	{"https://dichvucongvn.com", "lookalike dichvucong.gov.vn prefix"},
	{"https://dich-vu-cong.com", "lookalike dichvucong.gov.vn prefix"},
	{"https://dichvucongquocgia.vn", "lookalike dichvucong.gov.vn prefix"},
	{"https://xacthuc-dichvucong.com", "lookalike dichvucong.gov.vn prefix"},
	{"https://dichvucong.gov.vn.com", "lookalike dichvucong.gov.vn contains"},
	{"https://dichvucong.gov.vn.id.vn", "lookalike dichvucong.gov.vn contains"},
	{"https://xacthuc.dichvucong.gov.vn.evil.com", "lookalike dichvucong.gov.vn contains"},
	{"https://dichvucong.gov-vn.com", "lookalike dichvucong.gov.vn contains"},
	{"https://dichvucong.go.vn", "lookalike dichvucong.gov.vn contains"},
	{"https://dichvucong.vn", "lookalike dichvucong.gov.vn other-suffix"},
	{"https://dichvucong.com.vn", "lookalike dichvucong.gov.vn other-suffix"},
	{"https://dichvucong.com", "lookalike dichvucong.gov.vn other-suffix"},
	{"https://dlchvucong.vn", "lookalike dichvucong.gov.vn one-edit"},
	{"https://dichvuc0ng.com", "lookalike dichvucong.gov.vn confusable"},
	{"https://dichvuocng.vn", "lookalike dichvucong.gov.vn swapped"},
	{"https://dichvucnog.com.vn", "lookalike dichvucong.gov.vn swapped"},
	{"https://dichvucomg.vn", "lookalike dichvucong.gov.vn one-edit"},
	{"https://dịchvụcông.vn", "lookalike dichvucong.gov.vn other-script"},
	{"https://dichvucоng.vn", "lookalike dichvucong.gov.vn other-script"}, // a Cyrillic о
	// E-tax and social insurance.
	{"https://thuedientu.vn", "lookalike thuedientu.gdt.gov.vn other-suffix"},
	{"https://thuedientu-gdt.com", "lookalike thuedientu.gdt.gov.vn prefix"},
	{"https://thuedientu.gdt-gov.vn", "lookalike thuedientu.gdt.gov.vn contains"},
	{"https://thuedientu.gdt.gov.vn.evil.com", "lookalike thuedientu.gdt.gov.vn contains"},
	{"https://baohiemxahoi.vn", "lookalike baohiemxahoi.gov.vn other-suffix"},
	{"https://baohiemxahoi-vn.com", "lookalike baohiemxahoi.gov.vn prefix"},
	{"https://baohiemxahol.com", "lookalike baohiemxahoi.gov.vn one-edit"},
	// Any state body's name inside another address.
	{"https://hanoi.gov.vn.evil.com", "lookalike gov.vn contains"},
	{"https://gov.vn-online.com", "lookalike gov.vn contains"},
	// Vietnamese sites that imitate nothing, and other countries' bodies.
	{"https://vietcombank.com.vn", "unknown"},
	{"https://bidv.com.vn", "unknown"},
	{"https://vnexpress.net", "unknown"},
	{"https://tiki.vn", "unknown"},
	{"https://shopee.vn", "unknown"},
	{"https://thuvienphapluat.vn", "unknown"},
	{"https://vnpt-ca.vn", "unknown"},
	{"https://viettel-ca.vn", "unknown"},
	{"https://misa.vn", "unknown"},
	{"https://dichvu.vn", "unknown"},
	{"https://thue.vn", "unknown"},
	{"https://baohiem.vn", "unknown"},
	{"https://bhxh.vn", "unknown"},
	{"https://govvn.com", "unknown"},
	{"https://customs.gov.ru", "unknown"},
	{"https://www.gov.uk", "unknown"},
	{"https://thư-viện.vn", "unknown"},
}

func TestClassifyVietnam(t *testing.T) {
	counts := map[OriginClass]int{}
	for _, c := range vnClassifyTable {
		o, got, s := classifyCase(t, c.origin, nil)
		counts[got.Class]++
		if s != c.want {
			t.Errorf("%s (%s): %s, want %s", c.origin, o.Host, s, c.want)
		}
	}
	if counts[OriginKnown] < 10 || counts[OriginLookalike] < 25 || counts[OriginUnknown] < 10 {
		t.Errorf("the table lost its cases: %v", counts)
	}
	// Still every Kazakh case as before (the Vietnamese names must not
	// turn a Kazakh site into a look-alike of theirs).
	for _, c := range classifyTable {
		o, _ := ParseOrigin(toBrowserOrigin(t, c.origin))
		if got := Classify(o, tableExtra); got.Service != nil && strings.HasSuffix(got.Service.Domain, ".vn") {
			t.Errorf("%s: classified against %s", c.origin, got.Service.Domain)
		}
	}
}

// TestVietnamNames: the portals are named in Vietnamese for vi and in
// each other language; a Kazakh portal is named in English, not Kazakh,
// for a Vietnamese reader.
func TestVietnamNames(t *testing.T) {
	for _, k := range KnownServices {
		if !strings.HasSuffix(k.Domain, ".vn") {
			continue
		}
		for _, l := range Locales {
			if k.Names[string(l)] == "" {
				t.Errorf("%s: no %s name", k.Domain, l)
			}
		}
	}
	o, _ := ParseOrigin("https://xacthuc.dichvucong.gov.vn")
	if got := Classify(o, nil).Service.Name("vi"); got != "Cổng Dịch vụ công quốc gia" {
		t.Errorf("dichvucong.gov.vn in vi: %q", got)
	}
	o, _ = ParseOrigin("https://egov.kz")
	if got := Classify(o, nil).Service.Name("vi"); got != "eGov, the e-government portal" {
		t.Errorf("egov.kz in vi: %q", got)
	}
	if got := Classify(o, nil).Service.Name("ru"); got != "Электронное правительство" {
		t.Errorf("egov.kz in ru: %q", got)
	}
}

// TestVietnamLookalikeNeverKnown: an admin's entry that imitates the
// national portal does not make the imitation known, and gov.vn (a whole
// ending) cannot be an admin's entry.
func TestVietnamLookalikeNeverKnown(t *testing.T) {
	extra := []KnownService{{Domain: "dichvucong-gov.vn"}, {Domain: "dichvucong.vn"}}
	for _, origin := range []string{"https://dichvucong-gov.vn", "https://xacthuc.dichvucong.vn"} {
		o, _ := ParseOrigin(origin)
		if got := Classify(o, extra); got.Class != OriginLookalike || got.Service == nil || got.Service.Domain != "dichvucong.gov.vn" {
			t.Errorf("%s with itself in knownOrigins: %s %v, want a look-alike of dichvucong.gov.vn", origin, got.Class, got.Service)
		}
	}
	for _, d := range []string{"dichvucong-gov.vn", "vn", "com.vn"} {
		if _, err := CheckKnownOrigins([]KnownService{{Domain: d}}); err == nil {
			t.Errorf("knownOrigins %q accepted", d)
		}
	}
}
