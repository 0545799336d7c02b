package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
)

// TrayState is what the tray icon shows.
type TrayState int

// Tray states.
const (
	TrayIdle TrayState = iota
	TrayWaiting
	TrayError
)

// circleIcon draws the tray icon: a filled circle in the state's colour.
func circleIcon(c color.Color) fyne.Resource {
	const n = 64
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			dx, dy := float64(x)-n/2+0.5, float64(y)-n/2+0.5
			if dx*dx+dy*dy <= (n/2-2)*(n/2-2) {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return fyne.NewStaticResource("qoltanba.png", b.Bytes())
}

var trayIcons = map[TrayState]fyne.Resource{
	TrayIdle:    circleIcon(color.NRGBA{0x1b, 0x6e, 0xc2, 0xff}), // blue
	TrayWaiting: circleIcon(color.NRGBA{0xf0, 0xa0, 0x00, 0xff}), // amber: a request waits
	TrayError:   circleIcon(color.NRGBA{0xc6, 0x28, 0x28, 0xff}), // red
}

// Tray is the system tray icon and menu.
type Tray struct {
	App       fyne.App
	Agent     *agent.Agent
	Port      int
	Version   string
	AuditPath string
	Log       *slog.Logger
	// Locale is the kept language choice.
	Locale *LocaleSetting
	// OnQuit stops the agent.
	OnQuit func()
	// ConfigPath is the config file Settings writes.
	ConfigPath string

	desk desktop.App
}

// LocaleSetting is the user's language, kept in the app's preferences.
type LocaleSetting struct{ App fyne.App }

// Get returns the chosen language, else the system's.
func (l *LocaleSetting) Get() string {
	if v := NormalizeLocale(l.App.Preferences().String("locale")); v != "" {
		return v
	}
	return SystemLocale()
}

// Set keeps a choice.
func (l *LocaleSetting) Set(v string) { l.App.Preferences().SetString("locale", v) }

// TrayAvailable reports whether a system tray can be shown: a desktop
// driver and, on Linux, a D-Bus session (fyne.io/systray panics without).
func TrayAvailable(a fyne.App) bool {
	if _, ok := a.(desktop.App); !ok {
		return false
	}
	if runtime.GOOS != "linux" {
		return true
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return true
	}
	_, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid()))
	return err == nil
}

// Install puts the icon in the tray; it reports false (and logs why) when
// there is no tray, and the agent runs on without it.
func (t *Tray) Install() bool {
	if !TrayAvailable(t.App) {
		t.Log.Warn("no system tray (no D-Bus session): running without the tray icon")
		return false
	}
	t.desk = t.App.(desktop.App)
	t.desk.SetSystemTrayMenu(t.Menu())
	t.SetState(TrayIdle)
	return true
}

// SetState changes the icon.
func (t *Tray) SetState(s TrayState) {
	if t.desk != nil {
		fyne.Do(func() { t.desk.SetSystemTrayIcon(trayIcons[s]) })
	}
}

// Menu builds the tray menu in the current language.
func (t *Tray) Menu() *fyne.Menu {
	l := t.Locale.Get()
	status := fyne.NewMenuItem(T(l, "tray-status", t.Port, t.Version), nil)
	status.Disabled = true
	var langs []*fyne.MenuItem
	for _, code := range Locales {
		it := fyne.NewMenuItem(map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}[code], func() {
			t.Locale.Set(code)
			if t.desk != nil {
				t.desk.SetSystemTrayMenu(t.Menu())
			}
		})
		it.Checked = code == l
		langs = append(langs, it)
	}
	language := fyne.NewMenuItem(T(l, "tray-language"), nil)
	language.ChildMenu = fyne.NewMenu("", langs...)
	quit := fyne.NewMenuItem(T(l, "tray-quit"), func() {
		if t.OnQuit != nil {
			t.OnQuit()
		}
		t.App.Quit()
	})
	quit.IsQuit = true
	return fyne.NewMenu("qoltanba",
		status,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(T(l, "tray-sites"), t.showSites),
		fyne.NewMenuItem(T(l, "tray-recent"), t.showRecent),
		language,
		fyne.NewMenuItem(T(l, "tray-trust"), func() {
			u, _ := url.Parse(fmt.Sprintf("https://127.0.0.1:%d/", t.Port))
			t.App.OpenURL(u)
		}),
		fyne.NewMenuItem(T(l, "tray-settings"), t.showSettings),
		fyne.NewMenuItem(T(l, "tray-about"), t.showAbout),
		fyne.NewMenuItemSeparator(),
		quit,
	)
}

func (t *Tray) window(title string, content fyne.CanvasObject) {
	w := t.App.NewWindow(title)
	w.SetContent(content)
	w.Resize(fyne.NewSize(560, 400))
	w.CenterOnScreen()
	w.Show()
}

// showSites lists remembered site decisions with a Revoke button each.
func (t *Tray) showSites() {
	l := t.Locale.Get()
	list := container.NewVBox()
	var fill func()
	fill = func() {
		list.RemoveAll()
		for _, p := range t.Agent.Permissions().List() {
			origin := p.Origin
			list.Add(container.NewBorder(nil, nil, nil, widget.NewButton("✕", func() {
				t.Agent.Permissions().Set(origin, agent.Unknown)
				fill()
			}), widget.NewLabel(fmt.Sprintf("%s — %s", origin, p.Decision))))
		}
		list.Refresh()
	}
	fill()
	t.window(T(l, "tray-sites"), container.NewVScroll(list))
}

// showRecent shows the audit log, newest first.
func (t *Tray) showRecent() {
	l := t.Locale.Get()
	t.window(T(l, "tray-recent"), container.NewVScroll(widget.NewLabel(strings.Join(recentAudit(t.AuditPath, 200), "\n"))))
}

// recentAudit returns up to n audit lines, newest first, as short text.
func recentAudit(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), agent.MaxAuditLine+1)
	for sc.Scan() {
		lines = append(lines, agent.Inert(sc.Text()))
	}
	slices.Reverse(lines)
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

// showSettings edits the TSA URL and the prompt timeout, and lists the
// token modules; saving writes the config file (used from the next start).
func (t *Tray) showSettings() {
	l := t.Locale.Get()
	w := t.App.NewWindow(T(l, "tray-settings"))
	w.SetContent(t.settingsForm(l, t.ConfigPath, w.Close))
	w.Resize(fyne.NewSize(560, 320))
	w.CenterOnScreen()
	w.Show()
}

func (t *Tray) settingsForm(l, path string, done func()) *widget.Form {
	c := t.Agent.Config()
	tsa := widget.NewEntry()
	tsa.SetText(c.TSAURL)
	timeout := widget.NewEntry()
	timeout.SetText(c.PromptTimeout.String())
	var mods []string
	for _, m := range c.PKCS11Modules {
		mods = append(mods, m.Name+" ("+m.Storage+"): "+m.Path)
	}
	modules := widget.NewLabel(strings.Join(mods, "\n"))
	status := widget.NewLabel("")
	f := widget.NewForm(
		widget.NewFormItem(T(l, "set-tsa"), tsa),
		widget.NewFormItem(T(l, "set-timeout"), timeout),
		widget.NewFormItem(T(l, "set-modules"), modules),
		widget.NewFormItem("", status),
	)
	f.SubmitText = T(l, "set-save")
	f.OnSubmit = func() {
		d, err := time.ParseDuration(strings.TrimSpace(timeout.Text))
		u, uerr := url.Parse(strings.TrimSpace(tsa.Text))
		if err != nil || d < 10*time.Second || uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			status.SetText(T(l, "set-invalid"))
			return
		}
		c, err := agent.LoadConfig(path) // keep the fields not shown here
		if err != nil {
			status.SetText(err.Error())
			return
		}
		c.TSAURL, c.PromptTimeout = u.String(), agent.Duration(d)
		if err := agent.SaveConfig(path, c); err != nil {
			status.SetText(err.Error())
			return
		}
		status.SetText(T(l, "set-saved"))
		if done != nil {
			done()
		}
	}
	return f
}

func (t *Tray) showAbout() {
	t.window(T(t.Locale.Get(), "tray-about"), widget.NewLabel("qoltanba "+t.Version+"\nGPL-3.0-or-later"))
}

// InstallError shows the tray in the error state (the agent could not
// start, e.g. the port is taken) with the reason and Quit. It reports
// false when there is no tray.
func (t *Tray) InstallError(reason string) bool {
	if !TrayAvailable(t.App) {
		return false
	}
	t.desk = t.App.(desktop.App)
	t.desk.SetSystemTrayMenu(t.errorMenu(reason))
	t.desk.SetSystemTrayIcon(trayIcons[TrayError])
	return true
}

func (t *Tray) errorMenu(reason string) *fyne.Menu {
	status := fyne.NewMenuItem(reason, nil)
	status.Disabled = true
	quit := fyne.NewMenuItem(T(t.Locale.Get(), "tray-quit"), func() { t.App.Quit() })
	quit.IsQuit = true
	return fyne.NewMenu("qoltanba", status, fyne.NewMenuItemSeparator(), quit)
}
