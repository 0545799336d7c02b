package main

import (
	"errors"
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
        disableKeyFiles disableUnattended locale promptTimeout auditDir (docs/admin.md)
`

// cmdPolicy shows and edits the machine policy (the file or, on Windows,
// the registry that Group Policy writes). The MSI calls `policy set --msi`
// with its properties and `policy unset --msi` on removal.
func cmdPolicy(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, policyUsage)
		return usageErr("a policy command is needed")
	}
	switch args[0] {
	case "show":
		fs := newFlags(e, "policy show", "[--policy FILE]")
		policyFile := fs.String("policy", "", "read this `file` instead of "+agent.PolicyPath)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		cfg, err := agent.LoadConfig(filepath.Join(agent.ConfigDir(), "config.json"))
		if err != nil {
			return err
		}
		pol, polErr := agent.LoadMachinePolicy(*policyFile)
		printSettings(e.stdout, cfg, pol, polErr)
		if polErr != nil {
			return &invalidError{polErr}
		}
		return nil
	case "set", "unset":
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, policyUsage)
		return nil
	default:
		fmt.Fprint(e.stderr, policyUsage)
		return usageErr("unknown policy command %q", args[0])
	}
	fs := newFlags(e, "policy "+args[0], "[--skip-empty] KEY=VALUE... | KEY...")
	skipEmpty := fs.Bool("skip-empty", false, "set: ignore KEY= with an empty value (an installer's unset property)")
	msi := fs.Bool("msi", false, "Windows installer: record what it sets, so that unset --msi removes exactly that")
	file := fs.String("policy", "", "edit this policy `file` instead of the machine's (to prepare one, tests)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	write := agent.SetMachinePolicy
	if *file != "" {
		if *msi {
			return usageErr("--msi edits the machine's policy, not a file")
		}
		write = func(v map[string]any, unset []string) error { return agent.SetPolicyFile(*file, v, unset) }
	} else if !privileged() {
		return usageErr("policy %s needs %s", args[0], privilegeName)
	}
	if args[0] == "unset" {
		keys := fs.Args()
		if *msi {
			keys = slices.Concat(keys, msiPolicyKeys())
		}
		if len(keys) == 0 && !*msi {
			return usageErr("name the keys to remove")
		}
		if err := write(nil, keys); err != nil {
			return err
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
			return usageErr("%q: want KEY=VALUE", a)
		}
		if v == "" && *skipEmpty {
			continue
		}
		val, err := agent.PolicyValue(k, v)
		if err != nil {
			return err
		}
		values[k] = val
		names = append(names, k)
	}
	if len(values) == 0 {
		if *skipEmpty {
			return nil // the installer was given no policy
		}
		return usageErr("give KEY=VALUE")
	}
	if err := write(values, nil); err != nil {
		return err
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
	fmt.Fprintf(e.stdout, "policy %s: set %s\n", where, strings.Join(names, ", "))
	return nil
}

var errNotWindows = errors.New("--msi is for the Windows installer")
