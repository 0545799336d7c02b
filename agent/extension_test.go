package agent

import "testing"

func TestExtensionOrigins(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/", want: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha"},
		{in: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha", want: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha"},
		{in: "CHROME-EXTENSION://pbefkdcndngodfeigfdgiodgnmbgcfha/", want: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha"},
		{in: "moz-extension://ifcplugin@rtlabs.ru", want: "moz-extension://ifcplugin@rtlabs.ru"},
		{in: "moz-extension://{12345678-1234-1234-1234-123456789abc}/", want: "moz-extension://{12345678-1234-1234-1234-123456789abc}"},
		{in: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfhz/", bad: true},  // z is not a-p
		{in: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfh/", bad: true},   // 31
		{in: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/x", bad: true}, // a path
		{in: "chrome-extension://egov.kz", bad: true},                            // a site dressed as an extension
		{in: "moz-extension://a b@c", bad: true},                                 // a space
		{in: "moz-extension://{1234}", bad: true},                                // not a GUID
		{in: "moz-extension://x@y/z", bad: true},                                 // a path
		{in: "moz-extension://Госуслуги@gosuslugi.ru", bad: true},                // not ASCII
		{in: "moz-extension://" + string(make([]byte, 81)), bad: true},           // too long
	} {
		o, err := ParseOrigin(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %v", tc.in, o)
			}
			continue
		}
		if err != nil || o.String() != tc.want || !o.IsExtension() || o.IsLocal() {
			t.Errorf("%q: %v %q", tc.in, err, o.String())
			continue
		}
		// What String gives back parses to the same caller (permissions
		// and policies store the string).
		if o2, err := ParseOrigin(o.String()); err != nil || o2 != o {
			t.Errorf("%q round trip: %v %v", tc.in, o2, err)
		}
	}
}

func TestClassifyExtension(t *testing.T) {
	ifc, _ := ParseOrigin("chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/")
	info := Classify(ifc, nil)
	if info.Class != OriginKnown || info.Extension != "ifcplugin" || info.Service == nil || info.Service.Name("ru") != "Госуслуги — через расширение IFCPlugin" {
		t.Errorf("IFCPlugin: %+v", info)
	}
	gos, _ := ParseOrigin("chrome-extension://jabjbhgjaidecageckilhonbggakppme")
	if info := Classify(gos, nil); info.Class != OriginKnown || info.Extension != "gosplugin" {
		t.Errorf("Gosplugin: %+v", info)
	}
	// Any other extension is unknown, never a look-alike, whatever its id
	// spells (an id is no web site, even one an admin listed as a known domain).
	other, _ := ParseOrigin("chrome-extension://eggoaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if info := Classify(other, []KnownService{{Domain: "eggoaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}); info.Class != OriginUnknown || info.Extension != "" || info.Service != nil {
		t.Errorf("other extension: %+v", info)
	}
	// A site is never taken for a known extension.
	site, _ := ParseOrigin("https://pbefkdcndngodfeigfdgiodgnmbgcfha.com")
	if KnownExtensionOf(site) != nil || Classify(site, nil).Extension != "" {
		t.Error("a site named like the extension id")
	}
}

// TestExtensionPolicyAndUnattended: an extension is a caller the policy
// can deny and unattended mode can admit, by its origin string.
func TestExtensionPolicyAndUnattended(t *testing.T) {
	ifc, _ := ParseOrigin("chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha")
	a, err := New(Options{Config: Config{DeniedOrigins: []string{ifc.String()}}, Prompter: &Unattended{Origins: []Origin{ifc}}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.OriginRefused(ifc) {
		t.Error("a denied extension is not refused")
	}
	u := &Unattended{Origins: []Origin{ifc}}
	if c, _ := u.Consent(t.Context(), ConsentQuestion{Origin: ifc}); c != AllowOnce {
		t.Errorf("unattended consent for the allowed extension: %v", c)
	}
	other, _ := ParseOrigin("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if c, _ := u.Consent(t.Context(), ConsentQuestion{Origin: other}); c != Block {
		t.Errorf("unattended consent for another extension: %v", c)
	}
	p, err := ParsePolicy([]byte(`{"deniedOrigins":["chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"]}`), "test")
	if err != nil || len(p.DeniedOrigins) != 1 || p.DeniedOrigins[0] != ifc.String() {
		t.Errorf("policy: %v %+v", err, p)
	}
}
