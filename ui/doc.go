// Package ui holds the agent.Prompter implementations: the terminal
// prompter (TTY) now; the desktop dialogs and tray come with the fyne UI.
package ui
