package installer

import (
	"os"
	"path/filepath"
)

// nativeTargets are the directories where Linux browsers look for native
// messaging hosts: each user's (in the home), or for all users the
// system's (Options.SystemRoot prefixes them in tests). Every browser's
// directory gets the manifests, whether the browser is installed yet or
// not: one installed later finds them, and uninstall removes the
// directories install made.
func nativeTargets(o Options) []nativeTarget {
	if o.AllUsers {
		root := o.SystemRoot
		if root == "" {
			root = "/"
		}
		out := []nativeTarget{
			{Browser: BrowserChrome, Dir: filepath.Join(root, "etc/opt/chrome/native-messaging-hosts")},
			{Browser: BrowserChromium, Dir: filepath.Join(root, "etc/chromium/native-messaging-hosts")},
			{Browser: BrowserEdge, Dir: filepath.Join(root, "etc/opt/edge/native-messaging-hosts")},
			{Browser: BrowserYandex, Dir: filepath.Join(root, "etc/opt/yandex/browser/native-messaging-hosts")},
			{Browser: BrowserFirefox, Dir: filepath.Join(root, "usr/lib/mozilla/native-messaging-hosts")},
		}
		// 64-bit Fedora and RHEL's Firefox looks in /usr/lib64 (where it is
		// a link to /usr/lib, that is the same directory).
		if fi, err := os.Lstat(filepath.Join(root, "usr/lib64")); err == nil && fi.IsDir() {
			out = append(out, nativeTarget{Browser: BrowserFirefox, Dir: filepath.Join(root, "usr/lib64/mozilla/native-messaging-hosts")})
		}
		return out
	}
	config := o.XDGConfigHome
	if config == "" || !filepath.IsAbs(config) {
		config = filepath.Join(o.Home, ".config")
	}
	return []nativeTarget{
		{Browser: BrowserChrome, Dir: filepath.Join(config, "google-chrome", "NativeMessagingHosts")},
		{Browser: BrowserChromium, Dir: filepath.Join(config, "chromium", "NativeMessagingHosts")},
		{Browser: BrowserEdge, Dir: filepath.Join(config, "microsoft-edge", "NativeMessagingHosts")},
		{Browser: BrowserYandex, Dir: filepath.Join(config, "yandex-browser", "NativeMessagingHosts")},
		{Browser: BrowserFirefox, Dir: filepath.Join(o.Home, ".mozilla", "native-messaging-hosts")},
	}
}
