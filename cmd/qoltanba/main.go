// Command qoltanba is the local signing agent and its command-line tools.
//
//	qoltanba run       the agent for a desktop session: dialogs and tray
//	qoltanba serve     the agent in a terminal (or --unattended, without a dialog)
//	qoltanba install   local certificate, browser trust, start at login
//	qoltanba uninstall remove all that install added
//	qoltanba status    what is and is not in place, and the machine policy
//	qoltanba policy    show or set the machine policy (show|set|unset)
//	qoltanba service   the agent as a headless system service (unattended)
//	qoltanba keys      list the keys of a key file or token; "my keys" (--add, --forget, --known)
//	qoltanba sign      make a CMS or XML signature
//	qoltanba verify    check a CMS or XML signature
//	qoltanba tokens    list PKCS#11 modules, tokens and PIN states
//	qoltanba origin    what the agent makes of a site (known, unknown, look-alike, denied)
//	qoltanba native-host the native messaging host browsers start for Gosuslugi's extensions
//	qoltanba update    check for and install a signed update (--check: only say)
//	qoltanba version   print the version
//
// Everything a person reads comes from the kk/ru/en/vi catalog (ui), in the
// language of LC_ALL/LC_MESSAGES/LANG or the config.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/qoltanba/qoltanba/internal/localefix"
	"github.com/qoltanba/qoltanba/transport"
)

// version is set by the linker (see Makefile).
var version = "dev"

// guiBinary is set by the linker ("1") for the Windows build without a
// console (qoltanba.exe, -H windowsgui): started with no arguments — a
// double click, the logon Run key — it runs the agent; given a command, it
// prints to the console it was started from, if any (qoltanba-cli.exe is
// the console build for scripts).
var guiBinary = ""

func main() {
	localefix.Restore()
	args := os.Args[1:]
	if guiBinary != "" {
		if len(args) == 0 {
			args = []string{"run"}
		} else {
			attachParentConsole()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: qoltanba <command> [flags]

commands:
  keys     list the keys of a key file or token (qoltanba keys --p12 FILE | --pkcs11 MODULE);
           remember a key file in "my keys" (--add FILE, --forget FILE, --known)
  sign     make a CMS or XML signature         (qoltanba sign --p12 FILE|--pkcs11 MODULE --format cms|xml ...)
  verify   check a CMS or XML signature        (qoltanba verify --format cms|xml --in FILE ...)
  tokens   list PKCS#11 modules, tokens and PIN state
  origin   say what the agent makes of a site: known, unknown, a look-alike or denied (exit 0, 1, 2, 4)
  install  set up the local certificate, browser trust and start at login ([--all-users] [--no-autostart])
  uninstall remove all of it again ([--purge] also deletes settings and logs)
  status   say what is and is not in place, and the machine policy (exit 0 only when browsers can connect)
  policy   show or set the machine policy an organisation locks settings with (show|set|unset)
  service  a system service that signs for chosen sites WITHOUT a dialog (kiosks, servers): install|uninstall|start|stop|status
  update   check for a newer signed version and install it ([--check] only says; a package's copy only says)
  version  print the version
  native-host the native messaging host browsers start for Gosuslugi's extensions (qoltanba native-host ORIGIN)
  serve    run the agent on wss://127.0.0.1:13579 (prompts in this terminal; --unattended for tests)
  run      the agent for a desktop session: dialogs and tray (terminal prompts without a display)

Run "qoltanba <command> -h" for the flags of a command.
`

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // verify: the signature is not valid; other commands: the operation failed
	exitUsage   = 2
)

// errUsage marks errors that are the caller's wording, not a failure.
var errUsage = errors.New("usage")

// env is what a subcommand may touch: no globals.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	// tty opens the terminal for password prompts (replaced in tests).
	tty func() (terminal, error)
	// defaultUI is serve's --ui default: "tty" for serve, "auto" for run.
	defaultUI string
	// requireAudit: serve refuses to answer a request whose audit line
	// cannot be written (service run).
	requireAudit bool
	// locale is the language of what a person reads (cliLocale).
	locale string
	// nativeKeys lists the keys native messaging pages may see before
	// any PIN (serve --unattended: its key; nativehost_agent.go).
	nativeKeys transport.KeyLister
	// updates is run's update watch (tray line, restart into an update);
	// nil for serve.
	updates *updateWatch
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, tty: openTTY, defaultUI: "tty", locale: cliLocale()}
	if origin, ok := nativeHostArgs(args); ok { // a browser started us as its native messaging host
		if err := runNativeHost(e, origin); err != nil {
			fmt.Fprintf(stderr, "qoltanba native-host: %s\n", errText(e.locale, err))
			return exitInvalid
		}
		return exitOK
	}
	var cmd func(*env, []string) error
	switch args[0] {
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "qoltanba %s\n", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "serve":
		cmd = cmdServe
	case "run":
		e.defaultUI = "auto"
		cmd = cmdServe
	case "keys":
		cmd = cmdKeys
	case "sign":
		cmd = cmdSign
	case "verify":
		cmd = cmdVerify
	case "tokens":
		cmd = cmdTokens
	case "origin":
		cmd = cmdOrigin
	case "install":
		cmd = cmdInstall
	case "uninstall":
		cmd = cmdUninstall
	case "status":
		cmd = cmdStatus
	case "service":
		cmd = cmdService
	case "policy":
		cmd = cmdPolicy
	case "native-host": // what the native messaging manifests run (docs/russia.md)
		cmd = cmdNativeHost
	case "update":
		cmd = cmdUpdate
	case untrustMachineCACommand: // not in the usage: uninstall --all-users runs it as each user
		cmd = cmdUntrustMachineCA
	default:
		fmt.Fprintf(stderr, "qoltanba: %s\n\n%s", e.T("cli-unknown-command", args[0]), usage)
		return exitUsage
	}
	err := cmd(e, args[1:])
	var oe *originError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &oe):
		return oe.code
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "qoltanba %s: %s\n", args[0], errText(e.locale, err))
		return exitUsage
	}
	// INVALID: is verify's word for a signature that is not valid, and
	// only that: scripts grep it.
	var inv *invalidError
	if errors.As(err, &inv) {
		fmt.Fprintf(stderr, "INVALID: %s\n", invalidReason(e.locale, inv.err))
		return exitInvalid
	}
	fmt.Fprintf(stderr, "qoltanba %s: %s\n", args[0], errText(e.locale, err))
	return exitInvalid
}

// invalidError is a signature that is not valid (verify only: exit 1,
// "INVALID: reason").
type invalidError struct{ err error }

func (e *invalidError) Error() string { return e.err.Error() }
func (e *invalidError) Unwrap() error { return e.err }

// usageErr is a usage error in English (serve's and run's; the other
// commands' come from the catalog: usageMsg).
func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// newFlags makes a FlagSet that reports to stderr and returns errors.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own English error line is not printed: run
	// prints it from the catalog (flagError). The usage goes to stderr.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: qoltanba %s %s\n\nflags:\n", name, synopsis)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return flagError(fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usageMsg("cli-unexpected-arg", fs.Arg(0))
	}
	return nil
}
