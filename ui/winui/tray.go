//go:build windows

package winui

import (
	"fmt"
	"log/slog"
	"net/url"
	"os/exec"
	"strings"

	"github.com/lxn/walk"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/icon"
	"github.com/qoltanba/qoltanba/ui"
)

// Tray is the notification-area icon and its menu (ui.TrayMenu).
type Tray struct {
	UI        *UI
	Agent     *agent.Agent
	Port      int
	Version   string
	AuditPath string
	// Language is the user's language choice (the machine policy may fix
	// it).
	Language *ui.Language
	// ConfigPath is the config file Settings writes.
	ConfigPath string
	Log        *slog.Logger
	// OnQuit stops the agent.
	OnQuit func()
	// Update, if set, is the menu's line on updates (ui.TrayUpdate).
	Update func() ui.TrayUpdate

	ni    *walk.NotifyIcon
	icons [3]*walk.Icon
}

// Locale is the language in force.
func (t *Tray) Locale() string { return t.Language.Get() }

// menu is the tray menu in the language in force (ui.TrayMenu).
func (t *Tray) menu() []ui.MenuItem {
	var upd ui.TrayUpdate
	if t.Update != nil {
		upd = t.Update()
	}
	return ui.TrayMenu(t.Locale(), t.Port, t.Version, t.Language.Config.Managed, upd)
}

// Refresh redraws the menu (the update line changed); safe from any
// goroutine.
func (t *Tray) Refresh() {
	if t.ni == nil {
		return
	}
	t.UI.Go(func() { t.fill(t.menu()) })
}

// Install puts the icon in the notification area.
func (t *Tray) Install() error {
	var err error
	t.UI.Do(func() {
		if t.ni, err = walk.NewNotifyIcon(t.UI.mw); err != nil {
			return
		}
		t.icons[ui.TrayIdle] = t.UI.Icon
		t.icons[ui.TrayWaiting], _ = walk.NewIconFromImageForDPI(icon.WithDot(icon.Waiting), 96)
		t.icons[ui.TrayError], _ = walk.NewIconFromImageForDPI(icon.WithDot(icon.Error), 96)
		t.ni.SetIcon(t.icons[ui.TrayIdle])
		t.ni.SetToolTip("qoltanba")
		t.fill(t.menu())
		err = t.ni.SetVisible(true)
	})
	return err
}

// InstallError shows the icon in the error state with the reason and Quit.
func (t *Tray) InstallError(reason string) error {
	if err := t.Install(); err != nil {
		return err
	}
	t.UI.Do(func() {
		t.ni.SetIcon(t.icons[ui.TrayError])
		t.fill(ui.TrayErrorMenu(t.Locale(), reason))
		t.ni.ShowError("qoltanba", reason)
	})
	return nil
}

// SetState changes the icon.
func (t *Tray) SetState(s ui.TrayState) {
	if t.ni == nil {
		return
	}
	t.UI.Go(func() { t.ni.SetIcon(t.icons[s]) })
}

// fill rebuilds the menu from the model.
func (t *Tray) fill(items []ui.MenuItem) {
	actions := t.ni.ContextMenu().Actions()
	actions.Clear()
	t.add(actions, items)
}

func (t *Tray) add(actions *walk.ActionList, items []ui.MenuItem) {
	for _, m := range items {
		if m.Separator {
			actions.Add(walk.NewSeparatorAction())
			continue
		}
		if len(m.Children) > 0 {
			menu, _ := walk.NewMenu()
			t.add(menu.Actions(), m.Children)
			a, _ := actions.AddMenu(menu)
			a.SetText(m.Label)
			continue
		}
		a := walk.NewAction()
		a.SetText(m.Label)
		a.SetEnabled(!m.Disabled)
		if m.Checked {
			a.SetCheckable(true)
			a.SetChecked(true)
		}
		item := m
		a.Triggered().Attach(func() { t.do(item) })
		actions.Add(a)
	}
}

func (t *Tray) do(m ui.MenuItem) {
	l := t.Locale()
	switch m.Action {
	case ui.TrayLanguage:
		if t.Language.Set(m.Locale) { // not when the organisation fixed it
			t.fill(t.menu())
		}
	case ui.TrayTrust:
		u := (&url.URL{Scheme: "https", Host: fmt.Sprintf("127.0.0.1:%d", t.Port), Path: "/"}).String()
		exec.Command("rundll32", "url.dll,FileProtocolHandler", u).Start()
	case ui.TrayRecent:
		t.textWindow(ui.T(l, "tray-recent"), strings.Join(ui.RecentActivity(t.AuditPath, 200, l), "\r\n"))
	case ui.TraySites:
		var lines []string
		for _, p := range t.Agent.Permissions().List() {
			lines = append(lines, p.Origin+" — "+string(p.Decision))
		}
		t.textWindow(ui.T(l, "tray-sites"), strings.Join(lines, "\r\n"))
	case ui.TraySettings:
		t.UI.Go(t.showSettings)
	case ui.TrayAbout:
		walk.MsgBox(t.UI.mw, "qoltanba", "qoltanba "+t.Version+"\r\nGPL-3.0-or-later", walk.MsgBoxIconInformation)
	case ui.TrayQuit:
		t.ni.Dispose()
		if t.OnQuit != nil {
			t.OnQuit()
		}
	}
}

// showSettings shows the settings window (ui.Settings) until it closes: a
// language saved is in the menu at once.
func (t *Tray) showSettings() {
	m := ui.NewSettings(t.Agent.Config(), t.ConfigPath, t.Language)
	sd, err := newSettingsDlg(t.UI.Icon, m, func() { t.fill(t.menu()) })
	if err != nil {
		t.Log.Warn("the settings window cannot be shown", "err", err)
		return
	}
	runDialog(sd.dlg, func() {
		centre(sd.dlg, 0, 0)
		if sd.first != nil {
			sd.first.SetFocus()
		}
	})
}

// textWindow shows read-only text in a small window.
func (t *Tray) textWindow(title, text string) {
	dlg, _, err := newDialog(t.UI.mw, t.UI.Icon, title)
	if err != nil {
		return
	}
	te, _ := walk.NewTextEdit(dlg)
	te.SetReadOnly(true)
	te.SetText(text)
	dlg.SetMinMaxSize(walk.Size{Width: 560, Height: 400}, walk.Size{})
	dlg.Show()
	centre(dlg, 0, 0)
}
