package main

import (
	"errors"
	"flag"
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
	exitOriginFailed    = 3  // the config or the policy cannot be read: no answer
	exitOriginDenied    = 4  // the policy, the config or the user blocks the site
	exitOriginUsage     = 64 // not an origin or URL (2 means look-alike here)
)

// originError carries the exit code of `qoltanba origin` (not a failure).
type originError struct{ code int }

func (e *originError) Error() string { return "" }

// cmdOrigin prints what the agent makes of a site: known (with the
// service's name), unknown, or a look-alike of a known site and why, in
// the dialogs' words; a name in punycode has its letters beside it. The
// known sites are those serve uses: the built-in ones and the machine
// policy's knownOrigins, or, when the policy sets none, the config's and
// the update's known-sites.json.
func cmdOrigin(e *env, args []string) error {
	fs := newFlags(e, "origin", "[--config FILE] [--policy FILE] ORIGIN|URL")
	configFile := fs.String("config", filepath.Join(agent.ConfigDir(), "config.json"), "configuration `file` (its knownOrigins count as known unless the policy sets its own)")
	policyFile := fs.String("policy", "", "read the machine policy from this `file` instead of "+agent.PolicyPath)
	// A usage error has a code of its own: 2 is "look-alike" here.
	usage := func(err error) error {
		fmt.Fprintf(e.stderr, "qoltanba origin: %s\n", errText(e.locale, err))
		return &originError{exitOriginUsage}
	}
	// fail: a file that cannot be read gets a code of its own (exit 1
	// is "unknown"), so a script does not take it for an answer.
	fail := func(err error) error {
		fmt.Fprintf(e.stderr, "qoltanba origin: %s\n", errText(e.locale, err))
		return &originError{exitOriginFailed}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usage(flagError(fs.Name(), err))
	}
	if fs.NArg() != 1 {
		return usage(usageMsg("cli-origin-one-site"))
	}
	o, err := agent.ParseOrigin(originOf(fs.Arg(0)))
	if err != nil || o.IsLocal() {
		return usage(usageMsg("cli-origin-not-site", fs.Arg(0)))
	}
	cfg, err := loadConfig(*configFile)
	if err != nil {
		return fail(err)
	}
	pol, err := loadPolicy(*policyFile)
	if err != nil {
		return fail(err)
	}
	cfg = pol.Apply(cfg)
	cfg = agent.LoadDataFiles(agent.UpdateDataDir(), nil).Apply(cfg) // known-sites.json of the update
	perms, err := agent.LoadPermissions(filepath.Join(agent.DataDir(), "permissions.json"), cfg.AllowedOrigins, cfg.DeniedOrigins)
	if err != nil {
		return fail(err)
	}
	info := agent.Classify(o, cfg.KnownOrigins)
	locale := e.locale
	v := ui.NewSiteView(o, info, locale)
	host := info.Sub + info.Site
	if v.Note != "" {
		host += " · " + v.Note
	}
	if perms.Get(o.String()) == agent.Denied {
		fmt.Fprintf(e.stdout, "denied: %s — %s\n", host, ui.T(locale, "outcome-denied"))
		return &originError{exitOriginDenied}
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

// originOf turns what a person pastes — an origin or a page's address
// (https://egov.kz/ru/services?x=1), with a name in letters (https://еgov.kz)
// or punycode — into the origin a browser would send: scheme://host[:port],
// the name in punycode. Anything else is returned as it is, for
// ParseOrigin to refuse.
func originOf(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil {
		return s
	}
	h := u.Hostname()
	if a, err := idna.Lookup.ToASCII(strings.ToLower(h)); err == nil {
		h = a
	}
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if p := u.Port(); p != "" {
		h += ":" + p
	}
	return u.Scheme + "://" + h
}
