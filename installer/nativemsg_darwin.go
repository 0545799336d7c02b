package installer

import "path/filepath"

// nativeTargets are the directories where macOS browsers look for native
// messaging hosts: the user's (~/Library/Application Support/...) or, for
// all users, the system's (/Library/...; Options.SystemRoot prefixes them
// in tests). Yandex Browser's system directory is not known: for all
// users it gets none (each user can run qoltanba install).
func nativeTargets(o Options) []nativeTarget {
	if o.AllUsers {
		root := o.SystemRoot
		if root == "" {
			root = "/"
		}
		return []nativeTarget{
			{Browser: BrowserChrome, Dir: filepath.Join(root, "Library/Google/Chrome/NativeMessagingHosts")},
			{Browser: BrowserChromium, Dir: filepath.Join(root, "Library/Application Support/Chromium/NativeMessagingHosts")},
			{Browser: BrowserEdge, Dir: filepath.Join(root, "Library/Microsoft/Edge/NativeMessagingHosts")},
			{Browser: BrowserFirefox, Dir: filepath.Join(root, "Library/Application Support/Mozilla/NativeMessagingHosts")},
		}
	}
	as := filepath.Join(o.Home, "Library", "Application Support")
	return []nativeTarget{
		{Browser: BrowserChrome, Dir: filepath.Join(as, "Google", "Chrome", "NativeMessagingHosts")},
		{Browser: BrowserChromium, Dir: filepath.Join(as, "Chromium", "NativeMessagingHosts")},
		{Browser: BrowserEdge, Dir: filepath.Join(as, "Microsoft Edge", "NativeMessagingHosts")},
		{Browser: BrowserYandex, Dir: filepath.Join(as, "Yandex", "YandexBrowser", "NativeMessagingHosts")},
		{Browser: BrowserFirefox, Dir: filepath.Join(as, "Mozilla", "NativeMessagingHosts")},
	}
}
