// Package localefix keeps the desktop toolkit quiet about a C locale.
//
// fyne reads the locale in a package initialiser, so every run of the
// binary — a `qoltanba keys` in a script included — went through it, and
// with LC_ALL or LANG set to "C.UTF-8" (containers, CI, minimal systems) its
// locale library reports the language "C", which fyne cannot parse and
// logs three "Fyne error" lines about. A C/POSIX locale means English; for
// the time of package initialisation this package says so in LANGUAGE
// (which the locale library consults for anything but a bare "C"), and
// Restore puts the environment back before main does anything, so child
// processes see the user's environment unchanged.
//
// It must initialise before fyne's lang package: it imports only syscall,
// and the Go spec initialises packages in import-path order among those
// whose imports are done, so this package (github.com/...) runs before the
// golang.org/x/text packages fyne's lang waits for. A test of the command
// checks the result.
package localefix

import "syscall"

var set bool

func init() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l, ok := syscall.Getenv(v)
		if !ok || l == "" {
			continue
		}
		if _, has := syscall.Getenv("LANGUAGE"); !has && isC(l) {
			set = syscall.Setenv("LANGUAGE", "en") == nil
		}
		return
	}
}

// isC reports a C or POSIX locale with a codeset ("C.UTF-8", "POSIX.utf8");
// the bare names are handled by the locale library itself.
func isC(l string) bool {
	for _, p := range []string{"C.", "POSIX."} {
		if len(l) > len(p) && l[:len(p)] == p {
			return true
		}
	}
	return false
}

// Restore undoes what init set; main calls it first.
func Restore() {
	if set {
		syscall.Unsetenv("LANGUAGE")
		set = false
	}
}
