// Package ui is what the user sees, apart from any toolkit: the signing
// dialog's model (Dialog and its View: who asks, what is signed, the
// stores, the keys and why one cannot be used, the signing phases), the
// consent question (ConsentView), the site line every window shows
// (SiteView), the tray menu (TrayMenu), the kk/ru/en catalog, and the
// terminal prompter (TTY).
//
// Renderers draw these models: ui/fyneui with fyne on Linux and macOS,
// and the Win32 one on Windows. ui imports no toolkit and no cgo (make
// lint checks it), so every renderer shows the same states from the same
// rules, and the rules are tested without a display.
package ui
