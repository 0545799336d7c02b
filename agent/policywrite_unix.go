//go:build !windows

package agent

// SetMachinePolicy writes values (from PolicyValue) into the machine's
// policy file (SetPolicyFile on PolicyPath).
func SetMachinePolicy(values map[string]any, unset []string) error {
	return SetPolicyFile(PolicyPath, values, unset)
}
