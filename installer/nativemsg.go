package installer

// Native messaging registration: Russian state sites (Gosuslugi/ESIA and
// everything behind "Войти через Госуслуги") reach the signing program
// through an official browser extension, which starts a native messaging
// host by name. install registers qoltanba itself as those hosts (the
// binary tells host mode from the arguments the browser passes), for
// Chrome, Chromium, Edge, Yandex Browser and Firefox: a manifest file in
// each browser's directory (Linux, macOS), or the manifest in qoltanba's
// directory and a registry key naming it (Windows). What was written is
// recorded in the state file; uninstall removes exactly that, and gives
// back a manifest of someone else's (the official IFCPlugin's) that
// install set aside.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// NativeHost is one native messaging host name qoltanba answers as, and
// the official extensions allowed to start it.
type NativeHost struct {
	Name      string   // what the extension passes to connectNative
	Extension string   // the extension's name, for people
	ChromeIDs []string // Chrome Web Store ids (Chrome, Chromium, Edge and Yandex Browser install from it)
	// FirefoxIDs are the add-on ids (Firefox's allowed_extensions).
	FirefoxIDs []string
}

// NativeHosts is the one table of host names and extension ids; where
// each id comes from, and which are not confirmed, is in docs/admin.md
// ("Russia: the Gosuslugi plug-in hosts"). Change it here only.
var NativeHosts = []NativeHost{
	// Rostelecom's IFCPlugin ("Плагин пользователя систем электронного
	// правительства"): the Chrome id is the one the official page library
	// names; the Firefox id is the signed add-on's manifest id.
	{Name: "ru.rtlabs.ifcplugin", Extension: "IFCPlugin",
		ChromeIDs: []string{"pbefkdcndngodfeigfdgiodgnmbgcfha"}, FirefoxIDs: []string{"pbafkdcnd@ngodfeigfdgiodgnmbgcfha.ru"}},
	// Gosplugin ("Госплагин"): the extension connects to
	// chrome.gosuslugi.plugin and falls back to gosuslugi.plugin.
	{Name: "chrome.gosuslugi.plugin", Extension: "Gosplugin",
		ChromeIDs: []string{"jabjbhgjaidecageckilhonbggakppme"}, FirefoxIDs: []string{"gosuslugi@plugin"}},
	{Name: "gosuslugi.plugin", Extension: "Gosplugin",
		ChromeIDs: []string{"jabjbhgjaidecageckilhonbggakppme"}, FirefoxIDs: []string{"gosuslugi@plugin"}},
}

// The browsers a manifest is registered for (the state file records them).
const (
	BrowserChrome   = "chrome"
	BrowserChromium = "chromium"
	BrowserEdge     = "edge"
	BrowserYandex   = "yandex"
	BrowserFirefox  = "firefox"
)

// NativeManifest is one registration install made: the manifest of Host
// for Browser in File, and on Windows the registry key naming it.
type NativeManifest struct {
	Browser string `json:"browser"`
	Host    string `json:"host"`
	File    string `json:"file"`
	// Key (Windows) is the registry key, `HKCU\Software\...\<host>`, whose
	// default value is File.
	Key string `json:"key,omitempty"`
	// Aside is where install moved someone else's manifest that was at
	// File; uninstall puts it back.
	Aside string `json:"aside,omitempty"`
	// Previous (Windows) is the key's default value before install (someone
	// else's manifest); uninstall sets it back.
	Previous string `json:"previous,omitempty"`
}

// Where is what status and uninstall name: the registry key on Windows,
// else the manifest file.
func (m NativeManifest) Where() string {
	if m.Key != "" {
		return m.Key
	}
	return m.File
}

// nativeTarget is one place a browser looks for hosts: a directory of
// <name>.json files, or (Windows) a registry key whose subkeys name them.
type nativeTarget struct {
	Browser string
	Dir     string // where the manifest files go
	Key     string // Windows: `HKCU\Software\Google\Chrome\NativeMessagingHosts`
}

// nativeMarker is in the description of every manifest install writes: a
// manifest without it is someone else's.
const nativeMarker = "written by qoltanba install; qoltanba uninstall removes it"

// hostNamePattern is Chrome's rule for a host name.
var hostNamePattern = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// manifestJSON is a native messaging host manifest.
type manifestJSON struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

// nativeManifest is the manifest of h for a browser (Firefox's lists
// add-on ids, the others' extension origins with the trailing slash
// Chrome requires), starting exe.
func nativeManifest(h NativeHost, firefox bool, exe string) ([]byte, error) {
	if !hostNamePattern.MatchString(h.Name) {
		return nil, fmt.Errorf("installer: %q is not a valid native messaging host name", h.Name)
	}
	if !filepath.IsAbs(exe) {
		return nil, fmt.Errorf("installer: the native messaging host must be an absolute path, not %q", exe)
	}
	m := manifestJSON{Name: h.Name, Type: "stdio", Path: exe,
		Description: "qoltanba in place of " + h.Extension + " (" + nativeMarker + ")"}
	if firefox {
		m.AllowedExtensions = slices.Clone(h.FirefoxIDs)
	} else {
		for _, id := range h.ChromeIDs {
			m.AllowedOrigins = append(m.AllowedOrigins, "chrome-extension://"+id+"/")
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// readManifest reads a manifest file: nil when it is not a regular file of
// at most 64 KB holding a manifest.
func readManifest(path string) (*manifestJSON, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifestJSON
	if json.Unmarshal(b, &m) != nil {
		return nil, nil
	}
	return &m, nil
}

// ourManifest reports whether the file at path is a manifest install wrote.
func ourManifest(path string) (bool, error) {
	m, err := readManifest(path)
	if m == nil || err != nil {
		return false, err
	}
	return strings.Contains(m.Description, nativeMarker), nil
}

// setManifestAside makes room for install's manifest at path: someone
// else's there moves to path+asideSuffix (the browsers read only
// <name>.json), which it returns.
func setManifestAside(path string) (string, error) {
	ours, err := ourManifest(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("installer: native messaging: %w", err)
	case ours:
		return "", nil
	}
	aside := path + asideSuffix
	if _, err := os.Lstat(aside); err == nil {
		return "", fmt.Errorf("installer: %s is not one qoltanba wrote, and %s is taken too: move one of them away", path, aside)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("installer: native messaging: %w", err)
	}
	return aside, nil
}

// mkdirRecorded makes dir and the missing directories above it (mode
// perm), and returns those it made, the outermost first.
func mkdirRecorded(dir string, perm os.FileMode) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(missing)
	var made []string
	for _, d := range missing {
		if err := os.Mkdir(d, perm); err != nil && !os.IsExist(err) {
			return made, err
		}
		made = append(made, d)
	}
	return made, nil
}

// registerNativeHosts writes the manifests (and on Windows the keys) for
// every browser and host, recording them in st. A place a user could
// change is left alone (Options.AllUsers: nativeDirSafe) and listed in
// st.NativeSkipped.
func registerNativeHosts(o Options, st *State) error {
	exe := nativeHostExe(o.Exe)
	st.NativeSkipped = nil
	var errs []error
	for _, t := range nativeTargets(o) {
		if o.AllUsers {
			if err := nativeDirSafe(o, t.Dir); err != nil {
				st.NativeSkipped = append(st.NativeSkipped, t.Dir)
				continue
			}
		}
		made, err := mkdirRecorded(t.Dir, nativeDirMode(o))
		for _, d := range made {
			if !slices.Contains(st.NativeDirs, d) {
				st.NativeDirs = append(st.NativeDirs, d)
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if o.AllUsers { // the directories just made, too
			if err := nativeDirSafe(o, t.Dir); err != nil {
				st.NativeSkipped = append(st.NativeSkipped, t.Dir)
				continue
			}
		}
		for _, h := range NativeHosts {
			m, err := writeNativeHost(o, t, h, exe, st)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if i := slices.IndexFunc(st.NativeHosts, func(r NativeManifest) bool { return r.File == m.File && r.Key == m.Key }); i >= 0 {
				// Installed again: what was set aside the first time stays recorded.
				if m.Aside == "" {
					m.Aside = st.NativeHosts[i].Aside
				}
				if m.Previous == "" {
					m.Previous = st.NativeHosts[i].Previous
				}
				st.NativeHosts[i] = m
			} else {
				st.NativeHosts = append(st.NativeHosts, m)
			}
		}
	}
	return errors.Join(errs...)
}

// unregisterNativeHosts removes the manifests and keys st records (only
// install's own: one the user or a vendor put in their place since
// stays), gives back what install set aside, and removes the directories
// install made when they are empty. It returns what it removed.
func unregisterNativeHosts(st *State) ([]string, error) {
	var removed []string
	var errs []error
	for _, m := range st.NativeHosts {
		gone, err := removeNativeHost(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if gone {
			removed = append(removed, m.Where())
		}
		if m.Aside != "" {
			errs = append(errs, restoreAside(m.File, m.Aside))
		}
	}
	for i := len(st.NativeDirs) - 1; i >= 0; i-- {
		os.Remove(st.NativeDirs[i]) // only when empty
	}
	return removed, errors.Join(errs...)
}

// removeManifestFile removes the manifest at path if install wrote it.
func removeManifestFile(path string) (bool, error) {
	ours, err := ourManifest(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && !ours) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return false, err
	}
	return true, nil
}

// NativeChecks are the status lines of the native messaging hosts a state
// records: each manifest in place and starting exe (this program).
func NativeChecks(st *State, exe string) []Check {
	exe = nativeHostExe(exe)
	var out []Check
	for _, m := range st.NativeHosts {
		c := Check{What: "native host " + m.Where(), Arg: m.Where()}
		switch path, ok := nativeHostInPlace(m); {
		case !ok:
			c.Kind, c.Detail = CheckNativeMissing, "missing: run qoltanba install again"
		case !sameFile(path, exe):
			c.Kind, c.Target, c.Detail = CheckNativeOther, path, "starts another program, "+path+": run qoltanba install again"
		default:
			c.Kind, c.OK, c.Detail = CheckNative, true, m.Host+" for "+m.Browser
		}
		out = append(out, c)
	}
	for _, d := range st.NativeSkipped {
		out = append(out, Check{What: "native host " + d, Kind: CheckNativeSkipped, Arg: d, Detail: "not registered: a user could change this directory"})
	}
	return out
}

// manifestPath is the program the manifest at file starts ("" when there
// is no manifest there).
func manifestPath(file string) string {
	m, err := readManifest(file)
	if m == nil || err != nil {
		return ""
	}
	return m.Path
}

// sameFile: a and b name the same program.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// NativeHostPlaces are the manifest files (Windows: registry keys) the
// state records.
func (s *State) NativeHostPlaces() []string {
	var out []string
	for _, m := range s.NativeHosts {
		out = append(out, m.Where())
	}
	return out
}
