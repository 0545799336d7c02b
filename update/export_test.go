package update

// SetStepHook calls f after each step of Apply (nil: none).
func SetStepHook(f func(step string)) { stepHook = f }
