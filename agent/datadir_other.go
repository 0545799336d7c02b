//go:build !linux

package agent

// DataDir is where the audit log and remembered permissions live: beside
// the configuration (%AppData%\qoltanba on Windows, ~/Library/Application
// Support/qoltanba on macOS).
func DataDir() string { return ConfigDir() }
