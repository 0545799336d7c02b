package fyneui

import (
	"fmt"
	"image/color"
	"log/slog"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/icon"
	"github.com/qoltanba/qoltanba/ui"
)

// trayIcon is the application icon with the state's dot (icon.WithDot).
func trayIcon(dot color.Color) fyne.Resource {
	return fyne.NewStaticResource("qoltanba-tray.png", icon.WithDotPNG(dot))
}

var trayIcons = map[ui.TrayState]fyne.Resource{
	ui.TrayIdle:    Icon,
	ui.TrayWaiting: trayIcon(icon.Waiting),
	ui.TrayError:   trayIcon(icon.Error),
}

// Tray is the system tray icon and menu.
type Tray struct {
	App       fyne.App
	Agent     *agent.Agent
	Port      int
	Version   string
	AuditPath string
	Log       *slog.Logger
	// Language is the user's language choice (the machine policy may fix
	// it).
	Language *ui.Language
	// OnQuit stops the agent.
	OnQuit func()
	// ConfigPath is the config file Settings writes.
	ConfigPath string
	// Update, if set, is the menu's line on updates (ui.TrayUpdate).
	Update func() ui.TrayUpdate

	desk desktop.App
}

// TrayAvailable reports whether a system tray can be shown: a desktop
// driver and a tray host.
func TrayAvailable(a fyne.App) bool {
	if _, ok := a.(desktop.App); !ok {
		return false
	}
	return trayHost()
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
	t.SetState(ui.TrayIdle)
	return true
}

// SetState changes the icon.
func (t *Tray) SetState(s ui.TrayState) {
	if t.desk != nil {
		fyne.Do(func() { t.desk.SetSystemTrayIcon(trayIcons[s]) })
	}
}

// Menu builds the tray menu in the current language (ui.TrayMenu).
func (t *Tray) Menu() *fyne.Menu {
	var upd ui.TrayUpdate
	if t.Update != nil {
		upd = t.Update()
	}
	return fyne.NewMenu("qoltanba", t.items(ui.TrayMenu(t.Language.Get(), t.Port, t.Version, t.Language.Config.Managed, upd))...)
}

// Refresh redraws the menu (the update line changed); safe from any
// goroutine.
func (t *Tray) Refresh() { fyne.Do(t.redrawMenu) }

func (t *Tray) items(model []ui.MenuItem) []*fyne.MenuItem {
	var out []*fyne.MenuItem
	for _, m := range model {
		if m.Separator {
			out = append(out, fyne.NewMenuItemSeparator())
			continue
		}
		it := fyne.NewMenuItem(m.Label, t.action(m))
		it.Disabled, it.Checked = m.Disabled, m.Checked
		if len(m.Children) > 0 {
			it.ChildMenu = fyne.NewMenu("", t.items(m.Children)...)
		}
		if m.Action == ui.TrayQuit {
			it.IsQuit = true
		}
		out = append(out, it)
	}
	return out
}

func (t *Tray) action(m ui.MenuItem) func() {
	switch m.Action {
	case ui.TraySites:
		return t.showSites
	case ui.TrayRecent:
		return t.showRecent
	case ui.TrayLanguage:
		return func() {
			if t.Language.Set(m.Locale) { // not when the organisation fixed it
				t.redrawMenu()
			}
		}
	case ui.TrayTrust:
		return func() {
			u, _ := url.Parse(fmt.Sprintf("https://127.0.0.1:%d/", t.Port))
			t.App.OpenURL(u)
		}
	case ui.TraySettings:
		return t.showSettings
	case ui.TrayAbout:
		return t.showAbout
	case ui.TrayQuit:
		return func() {
			if t.OnQuit != nil {
				t.OnQuit()
			}
			t.App.Quit()
		}
	}
	return nil
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
	l := t.Language.Get()
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
	t.window(ui.T(l, "tray-sites"), container.NewVScroll(list))
}

// showRecent shows the audit log, newest first.
func (t *Tray) showRecent() {
	l := t.Language.Get()
	t.window(ui.T(l, "tray-recent"), container.NewVScroll(widget.NewLabel(strings.Join(ui.RecentActivity(t.AuditPath, 200, l), "\n"))))
}

// redrawMenu rebuilds the tray menu (in a language just chosen).
func (t *Tray) redrawMenu() {
	if t.desk != nil {
		t.desk.SetSystemTrayMenu(t.Menu())
	}
}

// showSettings shows the settings window (ui.Settings): the language, the
// TSA URL, the prompt timeout and the token modules, what the machine
// policy fixes greyed with the reason.
func (t *Tray) showSettings() {
	w := t.App.NewWindow("")
	f := t.settingsForm(w.Close)
	w.SetTitle(f.m.View().Title)
	w.SetIcon(Icon)
	w.SetContent(container.NewVScroll(f.box))
	w.Resize(fyne.NewSize(600, 460))
	w.CenterOnScreen()
	w.Show()
}

// settingsForm is the settings of the configuration the agent runs with,
// saved to ConfigPath; a language saved is in the menu at once.
func (t *Tray) settingsForm(done func()) *settingsForm {
	return newSettingsForm(ui.NewSettings(t.Agent.Config(), t.ConfigPath, t.Language), t.redrawMenu, done)
}

func (t *Tray) showAbout() {
	t.window(ui.T(t.Language.Get(), "tray-about"), widget.NewLabel("qoltanba "+t.Version+"\nGPL-3.0-or-later"))
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
	t.desk.SetSystemTrayIcon(trayIcons[ui.TrayError])
	return true
}

func (t *Tray) errorMenu(reason string) *fyne.Menu {
	return fyne.NewMenu("qoltanba", t.items(ui.TrayErrorMenu(t.Language.Get(), reason))...)
}
