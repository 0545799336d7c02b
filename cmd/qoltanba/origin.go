package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"golang.org/x/net/idna"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// Exit codes of `qoltanba origin`.
const (
	exitOriginKnown     = 0
	exitOriginUnknown   = 1
	exitOriginLookalike = 2
	exitOriginFailed    = 3 // the config or the policy cannot be read: no answer
)

// originError carries the exit code of `qoltanba origin` (not a failure).
type originError struct{ code int }

func (e *originError) Error() string { return "" }

// cmdOrigin prints what the agent makes of a site: known (with the
// service's name), unknown, or a look-alike of a known site and why, in
// the dialogs' words; a name in punycode has its letters beside it. The
// known sites are those serve uses: the built-in ones and the machine
// policy's knownOrigins, or the config's when the policy sets none.
func cmdOrigin(e *env, args []string) error {
	fs := newFlags(e, "origin", "[--config FILE] [--policy FILE] ORIGIN")
	configFile := fs.String("config", filepath.Join(agent.ConfigDir(), "config.json"), "configuration `file` (its knownOrigins count as known unless the policy sets its own)")
	policyFile := fs.String("policy", "", "read the machine policy from this `file` instead of "+agent.PolicyPath)
	if err := fs.Parse(args); err != nil {
		return parseFlags(fs, args)
	}
	if fs.NArg() != 1 {
		return usageErr("want one origin, e.g. https://egov.kz")
	}
	o, err := agent.ParseOrigin(asciiOrigin(fs.Arg(0)))
	if err != nil || o.IsLocal() {
		return usageErr("%q is not an origin (scheme://host[:port])", fs.Arg(0))
	}
	// Exit 1 is "unknown": a file that cannot be read gets a code of its
	// own, so a script does not take it for an answer.
	cfg, err := agent.LoadConfig(*configFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "qoltanba origin: %v\n", err)
		return &originError{exitOriginFailed}
	}
	pol, err := agent.LoadMachinePolicy(*policyFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "qoltanba origin: %v\n", err)
		return &originError{exitOriginFailed}
	}
	cfg = pol.Apply(cfg)
	info := agent.Classify(o, cfg.KnownOrigins)
	locale := ui.SystemLocale()
	v := ui.NewSiteView(o, info, locale)
	host := info.Sub + info.Site
	if v.Note != "" {
		host += " · " + v.Note
	}
	switch info.Class {
	case agent.OriginKnown:
		fmt.Fprintf(e.stdout, "known: %s (%s)\n", host, info.Service.Name(locale))
		return nil
	case agent.OriginLookalike:
		fmt.Fprintf(e.stdout, "lookalike of %s: %s — %s\n", info.Service.Domain, host, v.Warning)
		return &originError{exitOriginLookalike}
	}
	fmt.Fprintf(e.stdout, "unknown: %s\n", host)
	return &originError{exitOriginUnknown}
}

// asciiOrigin writes an origin typed with a name in letters
// (https://еgov.kz) as a browser sends it, in punycode; anything else is
// returned as it is, for ParseOrigin to judge.
func asciiOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	h := u.Hostname()
	a, err := idna.Lookup.ToASCII(strings.ToLower(h))
	if err != nil || a == h {
		return s
	}
	if p := u.Port(); p != "" {
		a += ":" + p
	}
	u.Host = a
	return u.String()
}
