package fyneui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/ui"
)

// siteHeader shows who asks: the registrable domain large, the rest of
// the address small, and what qoltanba knows of the site.
type siteHeader struct {
	box     *fyne.Container
	site    *canvas.Text
	sub     *widget.Label
	badge   *widget.Label
	warning *widget.Label
}

// toneColors and toneImportance are fyne's colours for ui's tones.
var (
	toneColors = map[ui.Tone]fyne.ThemeColorName{ui.ToneNormal: theme.ColorNameForeground, ui.TonePrimary: theme.ColorNamePrimary,
		ui.ToneSuccess: theme.ColorNameSuccess, ui.ToneWarning: theme.ColorNameWarning, ui.ToneDanger: theme.ColorNameError}
	toneImportance = map[ui.Tone]widget.Importance{ui.ToneNormal: widget.MediumImportance, ui.TonePrimary: widget.HighImportance,
		ui.ToneSuccess: widget.SuccessImportance, ui.ToneWarning: widget.WarningImportance, ui.ToneDanger: widget.DangerImportance}
)

func newSiteHeader(v ui.SiteView) *siteHeader {
	h := &siteHeader{}
	h.site = canvas.NewText(v.Site, theme.Color(theme.ColorNamePrimary))
	h.site.TextSize = 24
	h.site.TextStyle = fyne.TextStyle{Bold: true}
	h.sub = widget.NewLabel("")
	h.sub.Truncation = fyne.TextTruncateEllipsis
	h.badge = widget.NewLabel(v.Badge)
	h.badge.Wrapping = fyne.TextWrapWord
	h.warning = widget.NewLabel(v.Warning)
	h.warning.Wrapping = fyne.TextWrapWord
	h.warning.Importance = widget.DangerImportance
	h.warning.TextStyle = fyne.TextStyle{Bold: true}
	h.box = container.NewVBox(h.site, h.sub, h.badge, h.warning)
	h.set(v)
	return h
}

func (h *siteHeader) set(v ui.SiteView) {
	h.site.Text = v.Site
	site, badge := v.Tones()
	h.site.Color = theme.Color(toneColors[site])
	h.badge.Importance = toneImportance[badge]
	h.badge.TextStyle = fyne.TextStyle{Bold: badge == ui.ToneDanger}
	h.badge.SetText(v.MarkedBadge())
	sub := v.SubLine()
	h.sub.SetText(sub)
	if sub == "" {
		h.sub.Hide()
	} else {
		h.sub.Show()
	}
	if v.Warning == "" {
		h.warning.Hide()
	} else {
		h.warning.SetText(v.Warning)
		h.warning.Show()
	}
	h.site.Refresh()
}
