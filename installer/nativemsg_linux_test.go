package installer

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// chromeOrigin is what Chrome accepts in allowed_origins: an extension id
// (32 letters a-p) with the trailing slash.
var chromeOrigin = regexp.MustCompile(`^chrome-extension://[a-p]{32}/$`)

// checkManifest: the file is a manifest Chrome (or Firefox) accepts for
// host, starting exe.
func checkManifest(t *testing.T, file, host, exe string, firefox bool) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Error(err)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Errorf("%s: %v", file, err)
		return
	}
	if m["name"] != host || filepath.Base(file) != host+".json" || !hostNamePattern.MatchString(host) {
		t.Errorf("%s: name %v", file, m["name"])
	}
	if p, _ := m["path"].(string); p != exe || !filepath.IsAbs(p) {
		t.Errorf("%s: path %v, want %s", file, m["path"], exe)
	}
	if m["type"] != "stdio" {
		t.Errorf("%s: type %v", file, m["type"])
	}
	origins, _ := m["allowed_origins"].([]any)
	exts, _ := m["allowed_extensions"].([]any)
	if firefox {
		if len(exts) == 0 || origins != nil {
			t.Errorf("%s: Firefox's manifest: allowed_extensions %v, allowed_origins %v", file, exts, origins)
		}
		return
	}
	if len(origins) == 0 || exts != nil {
		t.Errorf("%s: allowed_origins %v, allowed_extensions %v", file, origins, exts)
	}
	for _, o := range origins {
		if s, _ := o.(string); !chromeOrigin.MatchString(s) {
			t.Errorf("%s: origin %q is not one Chrome accepts", file, s)
		}
	}
}

// tree lists every path under root with its kind and, for files, content.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		v := d.Type().String()
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			v = string(b)
		}
		if fi, err := os.Lstat(p); err == nil {
			v += " " + fi.Mode().String()
		}
		out[p] = v
		return nil
	})
	return out
}

func diffTrees(t *testing.T, before, after map[string]string) {
	t.Helper()
	for p, v := range after {
		if w, ok := before[p]; !ok {
			t.Errorf("left behind: %s", p)
		} else if w != v {
			t.Errorf("changed: %s: %q, was %q", p, v, w)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("gone: %s", p)
		}
	}
}

func TestNativeManifest(t *testing.T) {
	for _, h := range NativeHosts {
		for _, ff := range []bool{false, true} {
			b, err := nativeManifest(h, ff, "/usr/bin/qoltanba")
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(t.TempDir(), h.Name+".json")
			os.WriteFile(f, b, 0o644)
			checkManifest(t, f, h.Name, "/usr/bin/qoltanba", ff)
			if ours, err := ourManifest(f); !ours || err != nil {
				t.Errorf("install's own manifest not recognised: %v", err)
			}
		}
	}
	if _, err := nativeManifest(NativeHosts[0], false, "qoltanba"); err == nil {
		t.Error("a relative path was accepted")
	}
	if _, err := nativeManifest(NativeHost{Name: "Ru.Bad-Name"}, false, "/usr/bin/qoltanba"); err == nil {
		t.Error("a name Chrome refuses was accepted")
	}
}

// TestNativeHostsPerUser: install writes the three hosts' manifests for
// every browser into the user's directories (Chrome, Chromium, Edge,
// Yandex Browser under XDG_CONFIG_HOME, Firefox in ~/.mozilla), setting
// aside the official IFCPlugin's; status says each starts this program
// (or not); uninstall leaves the home exactly as it was.
func TestNativeHostsPerUser(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no certutil, no systemctl: quick
	home := t.TempDir()
	config := filepath.Join(home, "xdg")
	exe := filepath.Join(home, "bin", "qoltanba")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	// Firefox and Chrome have run; Chrome has the official IFCPlugin host.
	os.MkdirAll(filepath.Join(home, ".mozilla", "firefox"), 0o700)
	official := filepath.Join(config, "google-chrome", "NativeMessagingHosts", "ru.rtlabs.ifcplugin.json")
	os.MkdirAll(filepath.Dir(official), 0o700)
	officialText := `{"name":"ru.rtlabs.ifcplugin","description":"IFC","path":"/usr/bin/ifc_chrome_host","type":"stdio","allowed_origins":["chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"]}`
	os.WriteFile(official, []byte(officialText), 0o644)
	before := tree(t, home)

	o := Options{Home: home, XDGConfigHome: config, ConfigDir: filepath.Join(home, "qcfg"), Exe: exe, NoAutostart: true}
	st, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{
		BrowserChrome:   filepath.Join(config, "google-chrome", "NativeMessagingHosts"),
		BrowserChromium: filepath.Join(config, "chromium", "NativeMessagingHosts"),
		BrowserEdge:     filepath.Join(config, "microsoft-edge", "NativeMessagingHosts"),
		BrowserYandex:   filepath.Join(config, "yandex-browser", "NativeMessagingHosts"),
		BrowserFirefox:  filepath.Join(home, ".mozilla", "native-messaging-hosts"),
	}
	var want []string
	for b, d := range dirs {
		for _, h := range []string{"ru.rtlabs.ifcplugin", "chrome.gosuslugi.plugin", "gosuslugi.plugin"} {
			f := filepath.Join(d, h+".json")
			want = append(want, f)
			checkManifest(t, f, h, exe, b == BrowserFirefox)
		}
	}
	got := st.NativeHostPlaces()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("recorded %v\nwant %v", got, want)
	}
	i := slices.IndexFunc(st.NativeHosts, func(m NativeManifest) bool { return m.File == official })
	if i < 0 || st.NativeHosts[i].Aside != official+asideSuffix {
		t.Errorf("the official host was not set aside: %+v", st.NativeHosts)
	}
	if b, _ := os.ReadFile(official + asideSuffix); string(b) != officialText {
		t.Errorf("set aside: %q", b)
	}
	if saved, _ := LoadState(o.ConfigDir); saved == nil || len(saved.NativeHosts) != 15 {
		t.Errorf("state file: %+v", saved)
	}
	// Every manifest in place, starting this program.
	checks := NativeChecks(st, exe)
	for _, c := range checks {
		if !c.OK || c.Kind != CheckNative {
			t.Errorf("status: %+v", c)
		}
	}
	if len(checks) != 15 {
		t.Errorf("%d status lines, want 15", len(checks))
	}
	// Installed again: nothing more, the set-aside file still recorded.
	again, err := Install(o)
	if err != nil || len(again.NativeHosts) != 15 || again.NativeHosts[i].Aside == "" {
		t.Fatalf("second install: %v %+v", err, again.NativeHosts)
	}
	// One manifest gone, one pointing elsewhere: status says which.
	os.Remove(filepath.Join(dirs[BrowserEdge], "gosuslugi.plugin.json"))
	other := filepath.Join(dirs[BrowserYandex], "ru.rtlabs.ifcplugin.json")
	b, _ := nativeManifest(NativeHosts[0], false, "/opt/old/qoltanba")
	os.WriteFile(other, b, 0o644)
	kinds := map[CheckKind][]string{}
	for _, c := range NativeChecks(again, exe) {
		kinds[c.Kind] = append(kinds[c.Kind], c.Arg)
		if c.Kind == CheckNativeOther && c.Target != "/opt/old/qoltanba" {
			t.Errorf("other program %q", c.Target)
		}
	}
	if len(kinds[CheckNative]) != 13 || !slices.Equal(kinds[CheckNativeMissing], []string{filepath.Join(dirs[BrowserEdge], "gosuslugi.plugin.json")}) ||
		!slices.Equal(kinds[CheckNativeOther], []string{other}) {
		t.Errorf("status: %v", kinds)
	}
	// A manifest the user put in place of one of install's stays.
	mine := filepath.Join(dirs[BrowserChromium], "gosuslugi.plugin.json")
	os.WriteFile(mine, []byte(`{"name":"gosuslugi.plugin","description":"mine","path":"/x","type":"stdio"}`), 0o644)

	rm, err := Uninstall(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rm.NativeHosts) != 13 || slices.Contains(rm.NativeHosts, mine) {
		t.Errorf("removed %d: %v", len(rm.NativeHosts), rm.NativeHosts)
	}
	if b, _ := os.ReadFile(official); string(b) != officialText {
		t.Errorf("the official host is not back: %q", b)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("uninstall removed the user's own manifest: %v", err)
	}
	os.Remove(mine)
	os.Remove(filepath.Dir(mine))
	os.Remove(filepath.Dir(filepath.Dir(mine)))
	diffTrees(t, before, tree(t, home))
	if again, err := Uninstall(o); err != nil || !again.Nothing() {
		t.Errorf("second uninstall: %+v %v", again, err)
	}
}

// TestNativeHostsAllUsers: for all users the manifests go into the
// system directories (here under a throwaway root), the official
// IFCPlugin package's is set aside and given back, and a directory a
// user could change — owned by a user, writable by others, or reached
// through a link into a user's directory — gets nothing. Unregistering
// leaves the tree as it was.
func TestNativeHostsAllUsers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test makes directories owned by another user: it needs root (CI runs as root)")
	}
	root := t.TempDir()
	os.Chmod(root, 0o755)
	mk := func(rel string, mode os.FileMode) string {
		p := filepath.Join(root, rel)
		os.MkdirAll(p, 0o755)
		os.Chmod(p, mode)
		return p
	}
	mk("usr/lib64", 0o755)
	official := filepath.Join(mk("etc/opt/chrome/native-messaging-hosts", 0o755), "ru.rtlabs.ifcplugin.json")
	os.WriteFile(official, []byte(`{"name":"ru.rtlabs.ifcplugin","path":"/usr/bin/ifc_chrome_host","type":"stdio"}`), 0o644)
	mk("etc/chromium", 0o777)                       // writable by others
	os.Chown(mk("etc/opt/edge", 0o755), 1000, 1000) // a user's
	users := mk("home/u/yandex", 0o755)
	os.Chown(filepath.Dir(users), 1000, 1000)
	os.Symlink(filepath.Join(root, "home/u"), filepath.Join(mk("etc/opt", 0o755), "yandex")) // a link into a user's directory
	before := tree(t, root)

	exe := "/usr/bin/qoltanba"
	o := Options{AllUsers: true, SystemRoot: root, Exe: exe}
	st := &State{}
	if err := registerNativeHosts(o, st); err != nil {
		t.Fatal(err)
	}
	skipped := []string{filepath.Join(root, "etc/chromium/native-messaging-hosts"), filepath.Join(root, "etc/opt/edge/native-messaging-hosts"),
		filepath.Join(root, "etc/opt/yandex/browser/native-messaging-hosts")}
	if !slices.Equal(st.NativeSkipped, skipped) {
		t.Errorf("skipped %v\nwant %v", st.NativeSkipped, skipped)
	}
	for _, d := range skipped {
		if _, err := os.Lstat(filepath.Join(d, "ru.rtlabs.ifcplugin.json")); err == nil {
			t.Errorf("root wrote into %s", d)
		}
	}
	var want []string
	for _, d := range []string{"etc/opt/chrome/native-messaging-hosts", "usr/lib/mozilla/native-messaging-hosts", "usr/lib64/mozilla/native-messaging-hosts"} {
		for _, h := range NativeHosts {
			f := filepath.Join(root, d, h.Name+".json")
			want = append(want, f)
			checkManifest(t, f, h.Name, exe, strings.Contains(d, "mozilla"))
			if fi, err := os.Stat(filepath.Dir(f)); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("%s: %v", filepath.Dir(f), err)
			}
		}
	}
	got := st.NativeHostPlaces()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("recorded %v\nwant %v", got, want)
	}
	if len(NativeChecks(st, exe)) != 9+3 {
		t.Errorf("status lines: %+v", NativeChecks(st, exe))
	}
	removed, err := unregisterNativeHosts(st)
	if err != nil || len(removed) != 9 {
		t.Errorf("removed %v: %v", removed, err)
	}
	diffTrees(t, before, tree(t, root))
}
