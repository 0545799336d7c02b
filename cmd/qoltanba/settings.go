package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/update"
)

// printSettings writes the machine policy in force (or why it cannot be
// read) and the settings the agent runs with, each with where its value
// comes from: the policy, config.json or the default (qoltanba status).
func printSettings(e *env, user agent.Config, pol *agent.Policy, polErr error) {
	w := e.stdout
	switch {
	case polErr != nil:
		fmt.Fprintf(w, "FAIL %s\n", e.T("cli-settings-policy-error", errText(e.locale, polErr)))
		return
	case pol == nil:
		fmt.Fprintln(w, e.T("cli-settings-no-policy", agent.PolicyPath))
	default:
		fmt.Fprintln(w, e.T("cli-settings-policy", pol.Source))
	}
	eff := pol.Apply(user)
	def := agent.DefaultConfig()
	from := func(key agent.PolicyKey, u, d any) string {
		switch {
		case eff.Managed[key]:
			return "policy"
		case !reflect.DeepEqual(u, d):
			return "config.json"
		}
		return "default"
	}
	show := func(v any) string {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
			return "[]"
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	rows := []struct {
		key       agent.PolicyKey // "port" is config.json's alone
		value     any
		user, def any
	}{
		{"port", eff.Port, user.Port, def.Port},
		{agent.PolicyAllowedOrigins, eff.AllowedOrigins, user.AllowedOrigins, def.AllowedOrigins},
		{agent.PolicyDeniedOrigins, eff.DeniedOrigins, user.DeniedOrigins, def.DeniedOrigins},
		{agent.PolicyOnlyAllowedOrigins, eff.OnlyAllowedOrigins, false, false},
		{agent.PolicyKnownOrigins, eff.KnownOrigins, user.KnownOrigins, def.KnownOrigins},
		{agent.PolicyTSAURL, eff.TSAURL, user.TSAURL, def.TSAURL},
		{agent.PolicyPKCS11Modules, eff.PKCS11Modules, user.PKCS11Modules, def.PKCS11Modules},
		{agent.PolicyDisableKeyFiles, eff.DisableKeyFiles, false, false},
		{agent.PolicyDisableUnattended, eff.DisableUnattended, false, false},
		{agent.PolicyLocale, eff.Locale, user.Locale, def.Locale},
		{agent.PolicyPromptTimeout, eff.PromptTimeout, user.PromptTimeout, def.PromptTimeout},
		{agent.PolicyAuditDir, eff.AuditDir, "", ""},
		{agent.PolicyProtocols, eff.Protocols, user.Protocols, def.Protocols},
		{agent.PolicyUpdateURL, cmp.Or(eff.UpdateURL, update.DefaultURL), user.UpdateURL, def.UpdateURL},
		{agent.PolicyUpdateChecks, cmp.Or(eff.UpdateChecks, "on"), user.UpdateChecks, def.UpdateChecks},
	}
	// The keys and where each value comes from are config.json's and the
	// policy's own words: they stay as they are.
	fmt.Fprintln(w, e.T("cli-settings"))
	for _, r := range rows {
		fmt.Fprintf(w, "  %-18s = %s  [%s]\n", r.key, show(r.value), from(r.key, r.user, r.def))
	}
}
