// Command qoltanba is the local signing agent and its command-line tools.
//
//	qoltanba keys    list the keys of a key file
//	qoltanba sign    make a CMS or XML signature
//	qoltanba verify  check a CMS or XML signature
//	qoltanba version print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// version is set by the linker (see Makefile).
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: qoltanba <command> [flags]

commands:
  keys     list the keys of a key file        (qoltanba keys --p12 FILE)
  sign     make a CMS or XML signature         (qoltanba sign --p12 FILE --format cms|xml ...)
  verify   check a CMS or XML signature        (qoltanba verify --format cms|xml --in FILE ...)
  version  print the version
  run      start the agent (not built yet: the WebSocket agent comes with issue 4)

Run "qoltanba <command> -h" for the flags of a command.
`

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	env := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "qoltanba %s\n", version)
		return 0
	case "run":
		fmt.Fprintf(stdout, "qoltanba %s: the signing agent is not built yet; the working commands are keys, sign and verify.\n\n%s", version, usage)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "qoltanba: unknown command %q\n\n%s", args[0], usage)
	_ = env
	return 2
}

type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}
