// Package icon is qoltanba's application icon (window, tray, .desktop
// entry and the Windows executable all use this one picture).
package icon

import _ "embed"

// PNG is the icon, 64x64.
//
//go:embed qoltanba.png
var PNG []byte
