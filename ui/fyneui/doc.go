// Package fyneui draws qoltanba's dialogs and tray with fyne (Linux and
// macOS): the consent question, the signing dialog and the tray menu, each
// a thin rendering of package ui's model. The rules — what may be signed
// and when, what a key's reason is, how a site is shown — and the
// controller (ui.Desk: busy, language, rescans, cancel) live in ui; this
// package is a ui.Renderer: it turns a ui.View into widgets and widget
// events into model calls.
package fyneui
