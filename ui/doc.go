// Package ui is what the user sees, apart from any toolkit: the signing
// dialog's model (Dialog and its View: who asks, what is signed, the
// stores, the keys and why one cannot be used, the signing phases), the
// consent question (ConsentView), the site line every window shows
// (SiteView) and its colours (Tone), the tray menu (TrayMenu) and icon
// (TrayState), the settings window (Settings: checks, save, what the
// machine policy fixes shown read only with the reason) and the language
// choice (Language), the kk/ru/en/vi catalog, and the terminal prompter (TTY).
//
// Desk is the one desktop Prompter (one dialog at a time, the tray's busy
// signal, the language, Sign's delay, rescans for a token, closing a
// dialog whose request ended) over a small Renderer interface that the
// toolkits implement: ui/fyneui with fyne on Linux and macOS, ui/winui
// with Win32 on Windows. They only draw these models and forward events;
// the TTY draws the same models as lines. ui imports no toolkit and no cgo
// (make lint checks it), so every renderer shows the same states from the
// same rules, and the rules are tested without a display.
package ui
