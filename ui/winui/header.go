//go:build windows

package winui

import (
	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/ui"
)

// toneColors are the Win32 colours of ui's tones.
var toneColors = map[ui.Tone]walk.Color{ui.ToneNormal: colorText, ui.TonePrimary: colorPrimary, ui.ToneSuccess: colorSuccess,
	ui.ToneWarning: colorWarning, ui.ToneDanger: colorDanger}

// siteHeader shows who asks (ui.SiteView): the registrable domain large,
// the rest of the address small, what qoltanba knows of the site, and why
// a look-alike is not the site it imitates.
type siteHeader struct {
	site, sub, badge, warning *walk.TextLabel
}

// newSiteHeader adds the header's lines to parent; a prominent one (the
// first-use question, which has the room) has a larger, bold badge.
func newSiteHeader(parent walk.Container, prominent bool) *siteHeader {
	badgeSize, badgeStyle := 9, walk.FontStyle(0)
	if prominent {
		badgeSize, badgeStyle = 10, walk.FontBold
	}
	return &siteHeader{
		site:    label(parent, "", 18, walk.FontBold, colorPrimary),
		sub:     label(parent, "", 9, 0, colorMuted),
		badge:   label(parent, "", badgeSize, badgeStyle, colorSuccess),
		warning: label(parent, "", 10, walk.FontBold, colorDanger),
	}
}

// set shows v; a line with nothing to say is hidden.
func (h *siteHeader) set(v ui.SiteView) {
	site, badge := v.Tones()
	h.site.SetText(v.Site)
	h.site.SetTextColor(toneColors[site])
	setText(h.sub, v.SubLine())
	h.badge.SetTextColor(toneColors[badge])
	setText(h.badge, v.MarkedBadge())
	setText(h.warning, v.Warning)
}
