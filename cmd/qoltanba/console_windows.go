package main

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// attachParentConsole gives a program built without a console (the GUI
// qoltanba.exe) the console of the cmd.exe or PowerShell that started it,
// so its output shows there; handles already redirected are kept.
func attachParentConsole() {
	if valid(windows.STD_OUTPUT_HANDLE) && valid(windows.STD_ERROR_HANDLE) {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS
	if r, _, _ := attachConsole.Call(attachParentProcess); r == 0 {
		return
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if !valid(windows.STD_OUTPUT_HANDLE) {
			os.Stdout = out
		}
		if !valid(windows.STD_ERROR_HANDLE) {
			os.Stderr = out
		}
	}
}

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

func valid(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	return err == nil && h != 0 && h != windows.InvalidHandle
}

// desktopExe is the program the logon entry starts: the GUI qoltanba.exe
// beside the console qoltanba-cli.exe that ran install (a console program
// at logon would open a console window every time).
func desktopExe(exe string) string {
	if strings.EqualFold(filepath.Base(exe), "qoltanba-cli.exe") {
		gui := filepath.Join(filepath.Dir(exe), "qoltanba.exe")
		if _, err := os.Stat(gui); err == nil {
			return gui
		}
	}
	return exe
}
