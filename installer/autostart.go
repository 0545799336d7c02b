package installer

// Autostart kinds (what the state file records; each OS's file makes its
// own).
const (
	AutostartSystemd     = "systemd-user"
	AutostartXDG         = "xdg"
	AutostartXDGSystem   = "xdg-system"   // every user of the machine (/etc/xdg/autostart)
	AutostartWinRun      = "windows-run"  // HKCU (or, for all users, HKLM) ...\CurrentVersion\Run
	AutostartLaunchAgent = "launch-agent" // macOS: ~/Library/LaunchAgents (or /Library/LaunchAgents for all users)
)
