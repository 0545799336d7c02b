package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// PolicyPath is where the machine's policy lives: values named as the JSON
// keys (REG_SZ strings, REG_DWORD booleans and seconds, REG_MULTI_SZ
// lists of origins; knownOrigins and pkcs11Modules as JSON in a REG_SZ),
// as Group Policy or the MSI writes them.
const PolicyPath = `HKLM\Software\Policies\qoltanba`

func machinePolicy() (*Policy, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `Software\Policies\qoltanba`, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", PolicyPath, err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", PolicyPath, err)
	}
	m := map[string]any{}
	for _, name := range names {
		_, typ, err := k.GetValue(name, nil)
		if err != nil {
			return nil, fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
		}
		switch typ {
		case registry.DWORD, registry.QWORD:
			v, _, err := k.GetIntegerValue(name)
			if err != nil {
				return nil, fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
			}
			switch name {
			case string(PolicyPromptTimeout):
				m[name] = v // seconds
			default:
				m[name] = v != 0
			}
		case registry.MULTI_SZ:
			v, _, err := k.GetStringsValue(name)
			if err != nil {
				return nil, fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
			}
			m[name] = v
		case registry.SZ, registry.EXPAND_SZ:
			v, _, err := k.GetStringValue(name)
			if err != nil {
				return nil, fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
			}
			if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") {
				m[name] = json.RawMessage(t)
			} else {
				m[name] = v
			}
		default:
			return nil, fmt.Errorf("policy %s\\%s: registry type %d is not one a policy uses", PolicyPath, name, typ)
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", PolicyPath, err)
	}
	return ParsePolicy(b, PolicyPath)
}
