package agent

// PolicyPath is where the machine's policy lives.
const PolicyPath = "/etc/qoltanba/policy.json"

func machinePolicy() (*Policy, error) { return LoadPolicyFile(PolicyPath) }
