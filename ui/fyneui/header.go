package fyneui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
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
	switch v.Class {
	case agent.OriginLookalike:
		h.site.Color = theme.Color(theme.ColorNameError)
		h.badge.Importance = widget.DangerImportance
		h.badge.TextStyle = fyne.TextStyle{Bold: true}
	case agent.OriginKnown:
		h.site.Color = theme.Color(theme.ColorNamePrimary)
		h.badge.Importance = widget.SuccessImportance
	default:
		h.site.Color = theme.Color(theme.ColorNameForeground)
		h.badge.Importance = widget.WarningImportance
	}
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
