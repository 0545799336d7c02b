// Package ifcext holds a test browser extension of the project's own that
// takes the official IFCPlugin extension's path (page message → content
// script → background → connectNative("ru.rtlabs.ifcplugin")), and a test
// page that runs Gosuslugi's sign-in sequence through it. The extension's
// fixed key gives it the id in ExtensionID. Test assets only.
package ifcext

import (
	"path/filepath"
	"runtime"
)

// ExtensionID is the test extension's id (from its manifest's key).
const ExtensionID = "bhmfhfdifcphjhchmoimpdeboblmmbji"

// Dir is the extension's directory (for --load-extension); the page is in
// Dir()/page.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}
