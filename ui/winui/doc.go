// Package winui draws qoltanba's dialogs and tray with native Win32
// controls (github.com/lxn/walk; common controls v6, DPI aware, no
// OpenGL): the consent question, the signing dialog, the tray menu and the
// settings window (editable, through ui.Settings), each a thin rendering of
// package ui's model, as ui/fyneui is on Linux and macOS: Desktop is a
// ui.Renderer under ui.Desk, the one desktop Prompter. It works on any
// Windows desktop, RDP sessions and VMs without 3D included, where fyne's
// OpenGL cannot start.
//
// walk runs on one GUI thread with its own message loop; Start creates it
// (a hidden main window that owns the dialogs and the tray icon), and
// everything else reaches it through UI.Do.
package winui
