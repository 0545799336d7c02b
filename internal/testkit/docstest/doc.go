// Package docstest checks that the documentation runs as written. Its
// tests (make check-docs; part of make test) take every command block of
// README.md and docs/*.md and run it on a fresh copy of the repository's
// tracked files, after `make build`, with a throwaway HOME; and they run
// the JavaScript of docs/protocol.md in headless Chromium.
//
// A block is a fenced code block whose language is a shell's (sh, bash,
// shell, console) or Windows' (bat, cmd, powershell). The HTML comment on
// the line right before its fence says how it is checked:
//
//	(none)                       the block runs as one bash -e -o pipefail script and exits 0
//	<!-- run: exits 0 1 0 … -->  each command runs on its own and exits with its number, in order
//	<!-- run: daemons until "TEXT" … -->
//	                             each command is started, prints TEXT (say "listening"), and
//	                             stops on Ctrl-C (SIGINT to its process group)
//	<!-- not run: REASON -->     not run here (installs into the system, needs root,
//	                             Windows, production CAs…); the reason is required
//
// Windows blocks must be marked not run, and a block that uses sudo must
// be marked too: nothing here installs into this machine. A fence needs a
// language (text for a program's output), so that no command block hides
// untagged. The placeholders the README uses for the reader's own key file
// and password file, key.p12 and pw, are an NCA test key and its password.
package docstest
