// Package fyneui draws qoltanba's dialogs and tray with fyne (Linux and
// macOS): the consent question, the signing dialog, the tray menu and the
// settings window, each a thin rendering of package ui's model. The rules
// — what may be signed and when, what a key's reason is, how a site is
// shown, which setting is valid or fixed by the machine policy — and the
// controller (ui.Desk: busy, language, rescans, cancel) live in ui; this
// package is a ui.Renderer: it turns a ui.View (ui.SettingsView) into
// widgets and widget events into model calls. It also builds the windows
// cmd/qoltanba needs around fyne's loop (KeepAlive, Tray.ShowStartError),
// so that the command only wires.
package fyneui
