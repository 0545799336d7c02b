package main

import (
	"fmt"
	"path/filepath"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// Exit codes of `qoltanba origin`.
const (
	exitOriginKnown     = 0
	exitOriginUnknown   = 1
	exitOriginLookalike = 2
)

// whyText says in plain words why a site imitates a known one.
var whyText = map[agent.LookalikeWhy]string{
	agent.WhyNotHTTPS:    "the known site, but without https on its usual port",
	agent.WhyContains:    "the known name is only part of the address",
	agent.WhyPrefix:      "a name built on the known one",
	agent.WhyOneEdit:     "one letter away from the known name",
	agent.WhyConfusable:  "letters that look like the known name's",
	agent.WhyOtherSuffix: "the known name under another ending",
}

// originError carries the exit code of `qoltanba origin` (not a failure).
type originError struct{ code int }

func (e *originError) Error() string { return "" }

// cmdOrigin prints what the agent makes of a site: known (with the
// service's name), unknown, or a look-alike of a known site and why.
func cmdOrigin(e *env, args []string) error {
	fs := newFlags(e, "origin", "[--config FILE] ORIGIN")
	configFile := fs.String("config", filepath.Join(agent.ConfigDir(), "config.json"), "configuration `file` (its knownOrigins count as known)")
	if err := fs.Parse(args); err != nil {
		return parseFlags(fs, args)
	}
	if fs.NArg() != 1 {
		return usageErr("want one origin, e.g. https://egov.kz")
	}
	o, err := agent.ParseOrigin(fs.Arg(0))
	if err != nil || o.IsLocal() {
		return usageErr("%q is not an origin (scheme://host[:port])", fs.Arg(0))
	}
	cfg, err := agent.LoadConfig(*configFile)
	if err != nil {
		return err
	}
	info := agent.Classify(o, cfg.KnownOrigins)
	host := info.Sub + info.Site
	switch info.Class {
	case agent.OriginKnown:
		fmt.Fprintf(e.stdout, "known: %s (%s)\n", host, info.Service.Name(ui.SystemLocale()))
		return nil
	case agent.OriginLookalike:
		fmt.Fprintf(e.stdout, "lookalike of %s: %s — %s\n", info.Service.Domain, host, whyText[info.Why])
		return &originError{exitOriginLookalike}
	}
	note := ""
	if info.MixedScripts {
		note = " (mixes alphabets: shown in punycode)"
	}
	fmt.Fprintf(e.stdout, "unknown: %s%s\n", host, note)
	return &originError{exitOriginUnknown}
}
