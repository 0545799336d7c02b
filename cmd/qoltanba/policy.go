package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
)

const policyUsage = `usage: qoltanba policy <command>

  show [--policy FILE]                 the machine policy and where each setting comes from
  set [--skip-empty] [--policy FILE] KEY=VALUE...   write settings into the machine policy
                                       (needs admin rights), or into FILE
  unset [--policy FILE] KEY...         remove settings from it
  keys: allowedOrigins deniedOrigins onlyAllowedOrigins knownOrigins tsaURL pkcs11Modules
        disableKeyFiles disableUnattended locale promptTimeout auditDir updateURL updateChecks
        (docs/admin.md)
`

// cmdPolicy shows and edits the machine policy (the file or, on Windows,
// the registry that Group Policy writes). The MSI calls `policy set --msi`
// with its properties and `policy unset --msi` on removal.
func cmdPolicy(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, policyUsage)
		return usageMsg("cli-policy-command-needed")
	}
	switch args[0] {
	case "show":
		fs := newFlags(e, "policy show", "[--policy FILE]")
		policyFile := fs.String("policy", "", "read this `file` instead of "+agent.PolicyPath)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		cfg, err := loadConfig(filepath.Join(agent.ConfigDir(), "config.json"))
		if err != nil {
			return err
		}
		pol, polErr := loadPolicy(*policyFile)
		printSettings(e, cfg, pol, polErr)
		if polErr != nil {
			return failMsg("cli-policy-unreadable")
		}
		return nil
	case "set", "unset":
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, policyUsage)
		return nil
	default:
		fmt.Fprint(e.stderr, policyUsage)
		return usageMsg("cli-policy-unknown-command", args[0])
	}
	fs := newFlags(e, "policy "+args[0], "[--skip-empty] KEY=VALUE... | KEY...")
	skipEmpty := fs.Bool("skip-empty", false, "set: ignore KEY= with an empty value (an installer's unset property)")
	msi := fs.Bool("msi", false, "Windows installer: record what it sets, so that unset --msi removes exactly that")
	file := fs.String("policy", "", "edit this policy `file` instead of the machine's (to prepare one, tests)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return flagError(fs.Name(), err)
	}
	write := agent.SetMachinePolicy
	if *file != "" {
		if *msi {
			return usageMsg("cli-policy-msi-file")
		}
		write = func(v map[string]any, unset []string) error { return agent.SetPolicyFile(*file, v, unset) }
	} else if !privileged() {
		return usageMsg("cli-needs-privilege", "policy "+args[0], failMsg(privilegeName))
	}
	if args[0] == "unset" {
		keys := fs.Args()
		if *msi {
			keys = slices.Concat(keys, msiPolicyKeys())
		}
		if len(keys) == 0 && !*msi {
			return usageMsg("cli-policy-unset-keys")
		}
		if err := write(nil, keys); err != nil {
			return policyWords(err)
		}
		if *msi {
			return forgetMSIPolicy()
		}
		return nil
	}
	values := map[string]any{}
	var names []string
	for _, a := range fs.Args() {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return usageMsg("cli-policy-want-kv", a)
		}
		if v == "" && *skipEmpty {
			continue
		}
		val, err := agent.PolicyValue(k, v)
		if err != nil {
			return policyWords(err)
		}
		values[k] = val
		names = append(names, k)
	}
	if len(values) == 0 {
		if *skipEmpty {
			return nil // the installer was given no policy
		}
		return usageMsg("cli-policy-give-kv")
	}
	if err := write(values, nil); err != nil {
		return policyWords(err)
	}
	if *msi {
		if err := recordMSIPolicy(names); err != nil {
			return err
		}
	}
	slices.Sort(names)
	where := agent.PolicyPath
	if *file != "" {
		where = *file
	}
	fmt.Fprintln(e.stdout, e.T("cli-policy-set", where, strings.Join(names, ", ")))
	return nil
}

var errNotWindows = errors.New("--msi is for the Windows installer")
