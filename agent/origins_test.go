package agent

import (
	"context"
	"testing"

	"golang.org/x/net/idna"
)

func TestClassify(t *testing.T) {
	puny := func(u string) string {
		a, err := idna.Lookup.ToASCII(u)
		if err != nil {
			t.Fatal(err)
		}
		return "https://" + a
	}
	bank := KnownService{Domain: "mybank.kz", Names: map[string]string{"en": "My Bank"}}
	for _, c := range []struct {
		origin  string
		class   OriginClass
		service string
		why     LookalikeWhy
		site    string
		sub     string
	}{
		// known
		{"https://egov.kz", OriginKnown, "egov.kz", "", "egov.kz", ""},
		{"https://idp.egov.kz", OriginKnown, "egov.kz", "", "egov.kz", "idp."},
		{"https://kgd.gov.kz", OriginKnown, "gov.kz", "", "kgd.gov.kz", ""},
		{"https://goszakup.gov.kz", OriginKnown, "gov.kz", "", "goszakup.gov.kz", ""},
		{"https://www.elicense.kz", OriginKnown, "elicense.kz", "", "elicense.kz", "www."},
		{"https://cabinet.salyk.kz", OriginKnown, "salyk.kz", "", "salyk.kz", "cabinet."},
		{"https://www.enbek.kz", OriginKnown, "enbek.kz", "", "enbek.kz", "www."},
		{"https://open-almaty.kz", OriginKnown, "open-almaty.kz", "", "open-almaty.kz", ""},
		{"https://online.mybank.kz", OriginKnown, "mybank.kz", "", "mybank.kz", "online."}, // the admin's
		// unknown
		{"https://kindergarten.example", OriginUnknown, "", "", "kindergarten.example", ""},
		{"https://shop.kz", OriginUnknown, "", "", "shop.kz", ""},
		{"https://governance.org", OriginUnknown, "", "", "governance.org", ""},
		{"http://localhost:8080", OriginUnknown, "", "", "localhost", ""},
		{"https://127.0.0.1:8443", OriginUnknown, "", "", "127.0.0.1", ""},
		{"https://enbekshi.kz", OriginLookalike, "enbek.kz", WhyPrefix, "enbekshi.kz", ""}, // built on the name: flagged
		// look-alikes: not https, or another port
		{"http://egov.kz", OriginLookalike, "egov.kz", WhyNotHTTPS, "egov.kz", ""},
		{"https://egov.kz:8443", OriginLookalike, "egov.kz", WhyNotHTTPS, "egov.kz", ""},
		// the known name as part of another address
		{"https://egov.kz.kezek-balabaqsha-online-zapis-v-detskiy-sad.com", OriginLookalike, "egov.kz", WhyContains, "kezek-balabaqsha-online-zapis-v-detskiy-sad.com", "egov.kz."},
		{"https://kgd.gov.kz.tax-refund.top", OriginLookalike, "gov.kz", WhyContains, "tax-refund.top", "kgd.gov.kz."},
		// hyphens and prefixes
		{"https://egov-kz.com", OriginLookalike, "egov.kz", WhyPrefix, "egov-kz.com", ""},
		{"https://e-gov.kz", OriginLookalike, "egov.kz", WhyPrefix, "e-gov.kz", ""},
		{"https://login-egov.kz", OriginLookalike, "egov.kz", WhyPrefix, "login-egov.kz", ""},
		{"https://egovkz.net", OriginLookalike, "egov.kz", WhyPrefix, "egovkz.net", ""},
		{"https://my-gov.kz", OriginLookalike, "gov.kz", WhyPrefix, "my-gov.kz", ""},
		{"https://salyk-kabinet.kz", OriginLookalike, "salyk.kz", WhyPrefix, "salyk-kabinet.kz", ""},
		// another ending
		{"https://egov.com", OriginLookalike, "egov.kz", WhyOtherSuffix, "egov.com", ""},
		{"https://www.elicense.com.kz", OriginLookalike, "elicense.kz", WhyOtherSuffix, "elicense.com.kz", "www."},
		// one edit
		{"https://egow.kz", OriginLookalike, "egov.kz", WhyOneEdit, "egow.kz", ""},
		{"https://eegov.kz", OriginLookalike, "egov.kz", WhyPrefix, "eegov.kz", ""},
		{"https://egov.kg", OriginLookalike, "egov.kz", WhyOtherSuffix, "egov.kg", ""},
		{"https://egov.kzz.com", OriginLookalike, "egov.kz", WhyContains, "kzz.com", "egov."},
		{"https://www.gov.uk", OriginUnknown, "", "", "www.gov.uk", ""},
		{"https://enbck.kz", OriginLookalike, "enbek.kz", WhyOneEdit, "enbck.kz", ""},
		// confusable spellings
		{"https://eg0v.kz", OriginLookalike, "egov.kz", WhyConfusable, "eg0v.kz", ""},
		{"https://saIyk.kz", OriginLookalike, "salyk.kz", WhyOneEdit, "saiyk.kz", ""},
		{"https://rnybank.kz", OriginLookalike, "mybank.kz", WhyConfusable, "rnybank.kz", ""},
		{"https://elicemse.kz", OriginLookalike, "elicense.kz", WhyOneEdit, "elicemse.kz", ""},
		// IDN homographs: shown in punycode, and named as what they imitate
		{puny("еgov.kz"), OriginLookalike, "egov.kz", WhyOtherScript, puny("еgov.kz")[8:], ""},
		{puny("еgоv.kz"), OriginLookalike, "egov.kz", WhyOtherScript, puny("еgоv.kz")[8:], ""},
		{puny("idp.еgov.kz"), OriginLookalike, "egov.kz", WhyOtherScript, puny("еgov.kz")[8:], "idp."},
		{puny("ѕаlуk.kz"), OriginLookalike, "salyk.kz", WhyOtherScript, puny("ѕаlуk.kz")[8:], ""},
		// an honest Cyrillic name stays readable
		{puny("балабақша.қаз"), OriginUnknown, "", "", "балабақша.қаз", ""},
	} {
		o, err := ParseOrigin(c.origin)
		if err != nil {
			t.Fatalf("%s: %v", c.origin, err)
		}
		got := Classify(o, []KnownService{bank})
		svc := ""
		if got.Service != nil {
			svc = got.Service.Domain
		}
		if got.Class != c.class || svc != c.service || got.Why != c.why {
			t.Errorf("%s: %s %q %q, want %s %q %q", c.origin, got.Class, svc, got.Why, c.class, c.service, c.why)
		}
		if c.site != "" && (got.Site != c.site || got.Sub != c.sub) {
			t.Errorf("%s: shown as %q + %q, want %q + %q", c.origin, got.Sub, got.Site, c.sub, c.site)
		}
	}
}

// TestLookalikeNeverAlwaysAllowed: "always allow" from a prompter is taken
// as "once" for a look-alike: the next request asks again.
func TestLookalikeNeverAlwaysAllowed(t *testing.T) {
	p := &fakePrompter{consent: AllowAlways, file: gostFL, cancel: true}
	a, _ := newAgent(t, p)
	fake, _ := ParseOrigin("https://egov.kz.login-portal.com")
	for range 2 {
		req := cmsRequest("x")
		req.Origin = fake
		a.Handle(context.Background(), req)
	}
	if len(p.consents) != 2 {
		t.Errorf("asked %d times, want 2", len(p.consents))
	}
	if a.Permissions().Get(fake.String()) == Allowed {
		t.Error("a look-alike was remembered as allowed")
	}
	real := cmsRequest("x")
	a.Handle(context.Background(), real)
	a.Handle(context.Background(), real)
	if len(p.consents) != 3 {
		t.Errorf("the real site was asked %d times, want once", len(p.consents)-2)
	}
}
