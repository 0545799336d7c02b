package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/qoltanba/qoltanba/token"
	"github.com/qoltanba/qoltanba/ui"
)

// terminal is where a password is typed with echo off.
type terminal interface {
	io.Writer
	ReadPassword() ([]byte, error)
	Close() error
}

// ttyFile is the terminal: one file for both directions (/dev/tty), or the
// console's input and output (Windows).
type ttyFile struct{ in, out *os.File }

func (t ttyFile) Write(p []byte) (int, error) { return t.out.Write(p) }
func (t ttyFile) Close() error {
	if t.out != t.in {
		t.out.Close()
	}
	return t.in.Close()
}
func (t ttyFile) ReadPassword() ([]byte, error) {
	return term.ReadPassword(int(t.in.Fd()))
}

var errNotTerminal = errors.New("not a terminal")

// maxPasswordFile bounds a password file (a password, not a document).
const maxPasswordFile = 4096

// readPassword returns the password from file (first line) or asks on the
// terminal with echo off. Passwords are never flag values. The caller must
// wipe the result.
func readPassword(e *env, file, prompt string) ([]byte, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, failMsg("cli-password-file", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
		if err != nil {
			return nil, failMsg("cli-password-file", failMsg("cli-read-failed", file, err))
		}
		if len(b) > maxPasswordFile {
			clear(b)
			return nil, failMsg("cli-password-file-large", file)
		}
		line := b
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		pw := bytes.Clone(line)
		clear(b)
		return pw, nil
	}
	t, err := e.tty()
	if err != nil {
		return nil, usageMsg("cli-password-no-terminal")
	}
	defer t.Close()
	fmt.Fprint(t, prompt)
	pw, err := t.ReadPassword()
	fmt.Fprintln(t)
	if err != nil {
		return nil, failMsg("cli-password-read", err)
	}
	return pw, nil
}

// maxKeyFile bounds what is read of a --p12 file.
const maxKeyFile = token.MaxPKCS12Size

// openP12 reads a key file and opens it with a password from file or
// terminal. The password is wiped before returning.
func openP12(e *env, path, passwordFile string) ([]*token.Key, error) {
	data, err := readLimited(path, maxKeyFile)
	if err != nil {
		return nil, err
	}
	pw, err := readPassword(e, passwordFile, e.T("cli-password-prompt", path))
	if err != nil {
		return nil, err
	}
	defer clear(pw)
	keys, err := token.ParsePKCS12(data, pw)
	if err != nil {
		// The dialog's reading of the error (ui.StoreErrorKey), said with
		// the file's name; not the parser's jargon (ber: length of 88
		// octets...).
		if key, ok := ui.StoreErrorKey(err); ok && cliKeyFileWords[key] != "" {
			return nil, failMsg(cliKeyFileWords[key], path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}

// cliKeyFileWords are the command line's words, naming the file, for
// what ui.StoreErrorKey says of a key file.
var cliKeyFileWords = map[string]string{
	"wrong-password": "cli-wrong-password",
	"not-key-file":   "cli-not-key-file",
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(path, limit)
	}
	return b, nil
}

// tooLarge says a file is over a limit, in megabytes when it is that big.
func tooLarge(path string, limit int64) error {
	if limit >= 1<<20 {
		return failMsg("cli-file-too-large-mb", path, limit>>20)
	}
	return failMsg("cli-file-too-large", path, limit)
}
