package fyneui

import (
	"fmt"
	"os"
)

// trayHost reports whether the session can show a tray icon:
// fyne.io/systray talks to the StatusNotifier host over the D-Bus session
// bus, and panics without one.
func trayHost() bool {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return true
	}
	_, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid()))
	return err == nil
}
