package installer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// nativeHostExe is the program the manifests start: the console
// qoltanba-cli.exe beside the GUI qoltanba.exe. A browser talks to its host
// over standard input and output and starts it without a window (Chrome
// through cmd.exe with its streams redirected), which a console program
// is made for; the GUI program would detach from cmd.exe.
func nativeHostExe(exe string) string {
	if strings.EqualFold(filepath.Base(exe), "qoltanba.exe") {
		cli := filepath.Join(filepath.Dir(exe), "qoltanba-cli.exe")
		if _, err := os.Stat(cli); err == nil {
			return cli
		}
	}
	return exe
}

func nativeDirMode(Options) os.FileMode { return 0o755 }

// nativeDirSafe: for all users the manifests go beside the program
// (Program Files, the administrators') and the keys into HKLM.
func nativeDirSafe(Options, string) error { return nil }

// nativeKeys are the registry keys under which each browser looks for
// hosts, in HKCU (this user) or HKLM (every user). Chrome, Chromium and
// Edge read both the 64- and 32-bit views: the 64-bit one is written.
var nativeKeys = []struct{ browser, key string }{
	{BrowserChrome, `Software\Google\Chrome\NativeMessagingHosts`},
	{BrowserChromium, `Software\Chromium\NativeMessagingHosts`},
	{BrowserEdge, `Software\Microsoft\Edge\NativeMessagingHosts`},
	{BrowserYandex, `Software\Yandex\YandexBrowser\NativeMessagingHosts`},
	{BrowserFirefox, `Software\Mozilla\NativeMessagingHosts`},
}

// nativeTargets: the manifest files go into qoltanba's directory — for
// all users beside the program (the MSI's Program Files\qoltanba), for one
// user into the configuration directory — and each browser's key names
// them.
func nativeTargets(o Options) []nativeTarget {
	dir, hive := filepath.Join(o.ConfigDir, "native-messaging"), "HKCU"
	if o.AllUsers {
		dir, hive = filepath.Dir(o.Exe), "HKLM"
	}
	var out []nativeTarget
	for _, k := range nativeKeys {
		out = append(out, nativeTarget{Browser: k.browser, Dir: dir, Key: hive + `\` + k.key})
	}
	return out
}

// hive splits `HKLM\Software\...` into its root and the rest.
func hive(key string) (registry.Key, string) {
	root, rest, _ := strings.Cut(key, `\`)
	if root == "HKLM" {
		return registry.LOCAL_MACHINE, rest
	}
	return registry.CURRENT_USER, rest
}

// writeNativeHost writes h's manifest (one for the Chromium browsers, one
// for Firefox) and points the browser's key at it; a value of someone
// else's there is recorded to be given back.
func writeNativeHost(o Options, t nativeTarget, h NativeHost, exe string, _ *State) (NativeManifest, error) {
	firefox := t.Browser == BrowserFirefox
	file := filepath.Join(t.Dir, h.Name+".json")
	if firefox {
		file = filepath.Join(t.Dir, h.Name+".firefox.json")
	}
	b, err := nativeManifest(h, firefox, exe)
	if err != nil {
		return NativeManifest{}, err
	}
	aside, err := setManifestAside(file)
	if err != nil {
		return NativeManifest{}, err
	}
	if err := writeFileAtomic(file, b, 0o644); err != nil {
		return NativeManifest{}, err
	}
	m := NativeManifest{Browser: t.Browser, Host: h.Name, File: file, Key: t.Key + `\` + h.Name, Aside: aside}
	root, sub := hive(m.Key)
	k, _, err := registry.CreateKey(root, sub, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return NativeManifest{}, err
	}
	defer k.Close()
	if v, _, err := k.GetStringValue(""); err == nil && v != "" && !strings.EqualFold(v, file) {
		m.Previous = v
	}
	return m, k.SetStringValue("", file)
}

// removeNativeHost takes the key away (or gives back the value it had)
// while it still names install's manifest, and removes the manifest.
func removeNativeHost(m NativeManifest) (bool, error) {
	gone := false
	root, sub := hive(m.Key)
	if k, err := registry.OpenKey(root, sub, registry.QUERY_VALUE|registry.SET_VALUE); err == nil {
		v, _, _ := k.GetStringValue("")
		if strings.EqualFold(v, m.File) {
			if m.Previous != "" {
				err = k.SetStringValue("", m.Previous)
			}
			k.Close()
			if m.Previous == "" {
				err = registry.DeleteKey(root, sub)
			}
			if err != nil && !errors.Is(err, registry.ErrNotExist) {
				return false, err
			}
			gone = true
		} else {
			k.Close()
		}
	}
	if _, err := removeManifestFile(m.File); err != nil { // shared by the Chromium browsers: the first removes it
		return gone, err
	}
	return gone, nil
}

// nativeHostInPlace: the key names the manifest and the manifest is
// there; path is the program it starts.
func nativeHostInPlace(m NativeManifest) (path string, ok bool) {
	root, sub := hive(m.Key)
	k, err := registry.OpenKey(root, sub, registry.QUERY_VALUE)
	if err != nil {
		return "", false
	}
	defer k.Close()
	if v, _, err := k.GetStringValue(""); err != nil || !strings.EqualFold(v, m.File) {
		return "", false
	}
	p := manifestPath(m.File)
	return p, p != ""
}
