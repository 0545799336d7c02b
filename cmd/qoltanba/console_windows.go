package main

import (
	"os"

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
