package ui

import (
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
)

// TestExtensionSiteView: a known extension is named ("Госуслуги — через
// расширение IFCPlugin") in every language; another extension shows its
// id and a warning, never a look-alike badge.
func TestExtensionSiteView(t *testing.T) {
	ifc, _ := agent.ParseOrigin("chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/")
	want := map[string]string{"ru": "Госуслуги — через расширение IFCPlugin", "kk": "Госуслуги — IFCPlugin кеңейтімі арқылы", "en": "Gosuslugi — through the IFCPlugin extension", "vi": "Gosuslugi — qua tiện ích mở rộng IFCPlugin"}
	for _, l := range Locales {
		v := NewSiteView(ifc, agent.Classify(ifc, nil), l)
		if v.Site != want[l] || v.Class != agent.OriginKnown || !strings.Contains(v.Badge, want[l]) || !strings.Contains(v.Note, ifc.String()) || v.Warning != "" {
			t.Errorf("%s: %+v", l, v)
		}
		if !strings.HasPrefix(v.MarkedBadge(), "✓ ") {
			t.Errorf("%s: badge %q", l, v.MarkedBadge())
		}
	}
	other, _ := agent.ParseOrigin("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	for _, l := range Locales {
		v := NewSiteView(other, agent.Classify(other, nil), l)
		if v.Site != "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" || v.Class != agent.OriginUnknown || v.Badge != T(l, "site-extension-unknown") || v.Warning != "" {
			t.Errorf("%s: %+v", l, v)
		}
	}
	// The consent question names it too.
	c := NewConsentView(ifc, agent.Classify(ifc, nil), "ru")
	if c.Site.Site != want["ru"] {
		t.Errorf("consent: %+v", c.Site)
	}
}
