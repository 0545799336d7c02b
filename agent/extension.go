package agent

import (
	"fmt"
	"strings"
)

// Browser extensions as callers. A page on Gosuslugi does not reach the
// agent itself: it posts a message to a browser extension (Rostelecom's
// IFCPlugin, the Gosplugin), which talks to qoltanba started as its native
// messaging host. The browser tells the host which extension started it
// (Chrome's first argument "chrome-extension://<id>/", Firefox's extension
// id); that id is the caller, as a handshake's Origin is for a page.

// Extension origin schemes.
const (
	SchemeChromeExtension = "chrome-extension" // Chrome, Chromium, Edge, Yandex Browser, Opera
	SchemeMozExtension    = "moz-extension"    // Firefox (Host is the add-on id, not the per-install UUID)
)

// KnownExtension is a browser extension the dialog names.
type KnownExtension struct {
	Origin string // chrome-extension://<id> or moz-extension://<add-on id>
	// Key names the extension in the dialogs' catalog (ui: "ext-<Key>").
	Key string
	// Names in kk, ru, en and vi, for what is not a dialog (qoltanba origin).
	Names map[string]string
}

// KnownExtensions are the official extensions of the Russian state
// portal's signing plug-ins. Their ids come from the Chrome Web Store
// listings (IFCPlugin) and the Gosplugin's native messaging manifest
// (allowed_origins); see docs/russia.md.
var KnownExtensions = []KnownExtension{
	{Origin: "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha", Key: "ifcplugin", Names: map[string]string{
		"kk": "Госуслуги — IFCPlugin кеңейтімі арқылы", "ru": "Госуслуги — через расширение IFCPlugin", "en": "Gosuslugi — through the IFCPlugin extension",
		"vi": "Gosuslugi — qua tiện ích mở rộng IFCPlugin"}},
	{Origin: "chrome-extension://jabjbhgjaidecageckilhonbggakppme", Key: "gosplugin", Names: map[string]string{
		"kk": "Госуслуги — Госплагин кеңейтімі арқылы", "ru": "Госуслуги — через расширение Госплагин", "en": "Gosuslugi — through the Gosplugin extension",
		"vi": "Gosuslugi — qua tiện ích mở rộng Gosplugin"}},
}

// KnownExtensionOf is the known extension o is, or nil.
func KnownExtensionOf(o Origin) *KnownExtension {
	if !o.IsExtension() {
		return nil
	}
	s := o.String()
	for i := range KnownExtensions {
		if KnownExtensions[i].Origin == s {
			return &KnownExtensions[i]
		}
	}
	return nil
}

// parseExtensionOrigin reads "chrome-extension://<id>[/]" (id: 32 letters
// a-p, as Chrome derives it from the extension's key) or
// "moz-extension://<add-on id>[/]" (an e-mail-like id or a {GUID}). ok is
// false for any other scheme.
func parseExtensionOrigin(h string) (o Origin, ok bool, err error) {
	scheme, rest, found := strings.Cut(h, "://")
	if !found {
		return Origin{}, false, nil
	}
	switch strings.ToLower(scheme) {
	case SchemeChromeExtension:
		id := strings.TrimSuffix(rest, "/")
		if !ChromeExtensionID(id) {
			return Origin{}, true, fmt.Errorf("bad extension origin %q: want chrome-extension://<32 letters a-p>", h)
		}
		return Origin{Scheme: SchemeChromeExtension, Host: id}, true, nil
	case SchemeMozExtension:
		id := strings.TrimSuffix(rest, "/")
		if !FirefoxAddonID(id) {
			return Origin{}, true, fmt.Errorf("bad extension origin %q: want moz-extension://<add-on id>", h)
		}
		return Origin{Scheme: SchemeMozExtension, Host: id}, true, nil
	}
	return Origin{}, false, nil
}

// ChromeExtensionID reports whether id is a Chrome extension id: 32
// letters a-p.
func ChromeExtensionID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 'a' || id[i] > 'p' {
			return false
		}
	}
	return true
}

// FirefoxAddonID reports whether id is a Firefox add-on id: a GUID in
// braces, or name@domain of letters, digits, '.', '-', '_' (at most 80
// characters: AMO's limit).
func FirefoxAddonID(id string) bool {
	if len(id) == 0 || len(id) > 80 {
		return false
	}
	if strings.HasPrefix(id, "{") && strings.HasSuffix(id, "}") {
		g := id[1 : len(id)-1]
		if len(g) != 36 {
			return false
		}
		for i := 0; i < len(g); i++ {
			c := g[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	name, domain, ok := strings.Cut(id, "@")
	if !ok || name == "" || domain == "" {
		return false
	}
	for _, part := range []string{name, domain} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// classifyExtension: a known extension is known (named by the table), any
// other is unknown — never a look-alike: its id is not a name anyone reads
// as a site's.
func classifyExtension(o Origin) OriginInfo {
	info := OriginInfo{Class: OriginUnknown, Scheme: o.Scheme, Site: o.Host}
	if k := KnownExtensionOf(o); k != nil {
		info.Class = OriginKnown
		info.Service = &KnownService{Domain: k.Origin, Names: k.Names}
		info.Extension = k.Key
	}
	return info
}
