package update

// SetStepHook calls f after each step of Apply (nil: none).
func SetStepHook(f func(step string)) { stepHook = f }

// SaveSwapRecord writes the record of a swap in progress (as
// ApplyRecorded does before it swaps).
func SaveSwapRecord(stateDir string, r SwapRecord) error { return saveSwap(stateDir, r) }
