package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/windows/registry"
)

// SetMachinePolicy writes values (from PolicyValue) into
// HKLM\Software\Policies\qoltanba as Group Policy would: booleans and
// promptTimeout (seconds) as REG_DWORD, origin lists as REG_MULTI_SZ,
// knownOrigins and pkcs11Modules as JSON in a REG_SZ, the rest as REG_SZ;
// unset removes values. The result must read back as a valid policy.
func SetMachinePolicy(values map[string]any, unset []string) error {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, `Software\Policies\qoltanba`, registry.ALL_ACCESS)
	if err != nil {
		return fmt.Errorf("policy %s: %w", PolicyPath, err)
	}
	defer k.Close()
	for name, v := range values {
		switch v := v.(type) {
		case bool:
			d := uint32(0)
			if v {
				d = 1
			}
			err = k.SetDWordValue(name, d)
		case int:
			err = k.SetDWordValue(name, uint32(v))
		case string:
			if PolicyKey(name) == PolicyPromptTimeout { // "2m": as seconds
				var d Duration
				if err = json.Unmarshal([]byte(`"`+v+`"`), &d); err == nil {
					err = k.SetDWordValue(name, uint32(time.Duration(d).Seconds()))
				}
				break
			}
			err = k.SetStringValue(name, v)
		case []string:
			err = k.SetStringsValue(name, v)
		case json.RawMessage:
			err = k.SetStringValue(name, string(v))
		default:
			err = fmt.Errorf("a %T", v)
		}
		if err != nil {
			return fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
		}
	}
	for _, name := range unset {
		if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf("policy %s\\%s: %w", PolicyPath, name, err)
		}
	}
	if _, err := machinePolicy(); err != nil {
		return fmt.Errorf("written, but it does not read back: %w", err)
	}
	return nil
}
