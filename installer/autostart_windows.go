package installer

import (
	"golang.org/x/sys/windows/registry"
)

const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// installAutostart starts `qoltanba run` at logon: the user's Run key, or
// the machine's for all users (home and systemDir are not used here).
func installAutostart(_, exe string, allUsers bool, _ string) (kind, path, aside string, err error) {
	root, rootName := registry.CURRENT_USER, `HKCU`
	if allUsers {
		root, rootName = registry.LOCAL_MACHINE, `HKLM`
	}
	k, _, err := registry.CreateKey(root, runKey, registry.SET_VALUE)
	if err != nil {
		return "", "", "", err
	}
	defer k.Close()
	if err := k.SetStringValue("qoltanba", `"`+exe+`" run`); err != nil {
		return "", "", "", err
	}
	return AutostartWinRun, rootName + `\` + runKey + `\qoltanba`, "", nil
}

func removeAutostart(_, path, _ string) error {
	root := registry.CURRENT_USER
	if len(path) > 4 && path[:4] == "HKLM" {
		root = registry.LOCAL_MACHINE
	}
	k, err := registry.OpenKey(root, runKey, registry.SET_VALUE)
	if err != nil {
		return nil // nothing to remove
	}
	defer k.Close()
	if err := k.DeleteValue("qoltanba"); err != nil && err != registry.ErrNotExist {
		return err
	}
	return nil
}

// autostartPresent reports whether the Run value is still there.
func autostartPresent(_, path string) bool {
	root := registry.CURRENT_USER
	if len(path) > 4 && path[:4] == "HKLM" {
		root = registry.LOCAL_MACHINE
	}
	k, err := registry.OpenKey(root, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue("qoltanba")
	return err == nil
}
