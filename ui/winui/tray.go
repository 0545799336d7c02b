//go:build windows

package winui

import (
	"fmt"
	"log/slog"
	"net/url"
	"os/exec"
	"strings"
	"time"

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
	Prefs     *ui.FilePrefs
	// Config is config.json with the machine policy applied (Managed).
	Config agent.Config
	Log    *slog.Logger
	// OnQuit stops the agent.
	OnQuit func()

	ni    *walk.NotifyIcon
	icons [3]*walk.Icon
}

// Tray states (the icon's dot).
const (
	TrayIdle = iota
	TrayWaiting
	TrayError
)

// Locale is the language in force (ui.EffectiveLocale).
func (t *Tray) Locale() string { return ui.EffectiveLocale(t.Config, t.Prefs.String("locale")) }

// Install puts the icon in the notification area.
func (t *Tray) Install() error {
	var err error
	t.UI.Do(func() {
		if t.ni, err = walk.NewNotifyIcon(t.UI.mw); err != nil {
			return
		}
		t.icons[TrayIdle] = t.UI.Icon
		t.icons[TrayWaiting], _ = walk.NewIconFromImageForDPI(icon.WithDot(icon.Waiting), 96)
		t.icons[TrayError], _ = walk.NewIconFromImageForDPI(icon.WithDot(icon.Error), 96)
		t.ni.SetIcon(t.icons[TrayIdle])
		t.ni.SetToolTip("qoltanba")
		t.fill(ui.TrayMenu(t.Locale(), t.Port, t.Version, t.Config.Managed))
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
		t.ni.SetIcon(t.icons[TrayError])
		t.fill(ui.TrayErrorMenu(t.Locale(), reason))
		t.ni.ShowError("qoltanba", reason)
	})
	return nil
}

// SetState changes the icon.
func (t *Tray) SetState(s int) {
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
		if t.Config.Managed["locale"] {
			return // the organisation fixed the language
		}
		t.Prefs.SetString("locale", m.Locale)
		t.fill(ui.TrayMenu(m.Locale, t.Port, t.Version, t.Config.Managed))
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
		c := t.Agent.Config()
		mark := func(key agent.PolicyKey) string {
			if c.Managed[key] {
				return " (" + ui.T(l, "org-set") + ")"
			}
			return ""
		}
		t.textWindow(ui.T(l, "tray-settings"), fmt.Sprintf("%s: %s%s\r\n%s: %s%s", ui.T(l, "set-tsa"), c.TSAURL, mark("tsaURL"),
			ui.T(l, "set-timeout"), time.Duration(c.PromptTimeout), mark("promptTimeout")))
	case ui.TrayAbout:
		walk.MsgBox(t.UI.mw, "qoltanba", "qoltanba "+t.Version+"\r\nGPL-3.0-or-later", walk.MsgBoxIconInformation)
	case ui.TrayQuit:
		t.ni.Dispose()
		if t.OnQuit != nil {
			t.OnQuit()
		}
	}
}

// textWindow shows read-only text in a small window.
func (t *Tray) textWindow(title, text string) {
	dlg, err := walk.NewDialog(t.UI.mw)
	if err != nil {
		return
	}
	dlg.SetTitle(title)
	dlg.SetIcon(t.UI.Icon)
	dlg.SetLayout(walk.NewVBoxLayout())
	te, _ := walk.NewTextEdit(dlg)
	te.SetReadOnly(true)
	te.SetText(text)
	dlg.SetMinMaxSize(walk.Size{Width: 560, Height: 400}, walk.Size{})
	dlg.Show()
	centre(dlg, 0, 0)
}
