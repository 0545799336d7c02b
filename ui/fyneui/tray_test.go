package fyneui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// TestTrayMenu: every item in every language, the language choice is
// kept, and Quit stops the agent. The rendered menu is written to
// QOLTANBA_SCREENSHOTS_DIR when set (a headless X server has no tray host
// to photograph).
func TestTrayMenu(t *testing.T) {
	app := test.NewTempApp(t)
	quit := false
	tr := &Tray{App: app, Port: 13579, Version: "test", Language: &ui.Language{Prefs: app.Preferences()}, OnQuit: func() { quit = true }}
	for _, l := range ui.Locales {
		tr.Language.Set(l)
		m := tr.Menu()
		var labels []string
		for _, it := range m.Items {
			if !it.IsSeparator {
				labels = append(labels, it.Label)
			}
		}
		want := []string{ui.T(l, "tray-status", 13579, "test"), ui.T(l, "tray-sites"), ui.T(l, "tray-recent"), ui.T(l, "tray-language"),
			ui.T(l, "tray-trust"), ui.T(l, "tray-settings"), ui.T(l, "tray-about"), ui.T(l, "tray-quit")}
		if strings.Join(labels, "|") != strings.Join(want, "|") {
			t.Errorf("%s menu: %q", l, labels)
		}
		if !m.Items[0].Disabled {
			t.Error("the status line is clickable")
		}
		if dir := os.Getenv("QOLTANBA_SCREENSHOTS_DIR"); dir != "" {
			w := app.NewWindow("menu")
			w.SetContent(widget.NewMenu(m))
			w.Resize(fyne.NewSize(360, 350))
			f, err := os.Create(filepath.Join(dir, "tray-"+l+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, w.Canvas().Capture())
			f.Close()
		}
	}
	// The language submenu keeps the choice.
	lang := tr.Menu().Items[4].ChildMenu // status, separator, sites, recent, language
	lang.Items[1].Action()               // Русский
	if tr.Language.Get() != "ru" {
		t.Errorf("language kept: %s", tr.Language.Get())
	}
	items := tr.Menu().Items
	items[len(items)-1].Action()
	if !quit {
		t.Error("Quit did not stop the agent")
	}
}

func TestTrayIcons(t *testing.T) {
	for s, r := range trayIcons {
		img, err := png.Decode(strings.NewReader(string(r.Content())))
		if err != nil || img.Bounds().Dx() != 64 {
			t.Errorf("icon %d: %v", s, err)
		}
	}
	if string(trayIcons[ui.TrayIdle].Content()) == string(trayIcons[ui.TrayWaiting].Content()) || string(trayIcons[ui.TrayIdle].Content()) == string(trayIcons[ui.TrayError].Content()) {
		t.Error("states share an icon")
	}
}

func TestTrayErrorMenu(t *testing.T) {
	app := test.NewTempApp(t)
	tr := &Tray{App: app, Language: &ui.Language{Prefs: app.Preferences()}}
	m := tr.errorMenu("The agent could not start: port already in use")
	if len(m.Items) != 3 || !m.Items[0].Disabled || !strings.Contains(m.Items[0].Label, "port already in use") || !m.Items[2].IsQuit {
		t.Errorf("error menu %+v", m.Items)
	}
}

// TestTraySettings: the settings window draws ui.Settings and forwards
// its edits; a wrong value is refused with its error under the field, a
// right one is written to config.json and the language chosen is in the
// menu at once.
func TestTraySettings(t *testing.T) {
	app := test.NewTempApp(t)
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &ui.TTY{}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"allowedOrigins":["https://egov.kz"]}`), 0o600)
	tr := &Tray{App: app, Agent: a, Language: &ui.Language{Prefs: app.Preferences()}, ConfigPath: path}
	tr.Language.Set("en")
	closed := false
	f := tr.settingsForm(func() { closed = true })
	w := test.NewWindow(f.box)
	defer w.Close()
	language := f.items[ui.SettingLanguage].Widget.(*widget.Select)
	tsa := f.items[ui.SettingTSA].Widget.(*widget.Entry)
	timeout := f.items[ui.SettingTimeout].Widget.(*widget.Entry)
	if language.Selected != "English" || tsa.Text != agent.DefaultConfig().TSAURL || timeout.Text != "5m0s" {
		t.Errorf("shown: %q %q %q", language.Selected, tsa.Text, timeout.Text)
	}
	tsa.SetText("ftp://nope")
	f.form.OnSubmit()
	if f.items[ui.SettingTSA].HintText != ui.T("en", "set-tsa-invalid") || f.status.Text != ui.T("en", "set-invalid") {
		t.Errorf("an invalid TSA URL: hint %q status %q", f.items[ui.SettingTSA].HintText, f.status.Text)
	}
	if c, _ := agent.LoadConfig(path); c.TSAURL != agent.DefaultConfig().TSAURL {
		t.Fatal("saved an invalid TSA URL")
	}
	tsa.SetText("http://test.pki.gov.kz/tsp/")
	timeout.SetText("2m")
	language.SetSelected("Русский")
	f.form.OnSubmit()
	c, err := agent.LoadConfig(path)
	if err != nil || c.TSAURL != "http://test.pki.gov.kz/tsp/" || c.PromptTimeout.String() != "2m0s" || len(c.AllowedOrigins) != 1 {
		t.Errorf("saved %+v %v", c, err)
	}
	if f.status.Text != ui.T("en", "set-saved") || f.items[ui.SettingTSA].HintText != ui.T("en", "set-tsa-note") {
		t.Errorf("after saving: status %q hint %q", f.status.Text, f.items[ui.SettingTSA].HintText)
	}
	if tr.Language.Get() != "ru" || tr.Menu().Items[2].Label != ui.T("ru", "tray-sites") {
		t.Errorf("language saved: %q", tr.Language.Get())
	}
	f.form.OnCancel()
	if !closed {
		t.Error("Close did not close the window")
	}
}

// TestTraySettingsManaged: what the machine policy fixes is greyed, marked,
// and never copied into the user's config.json; the rest still saves.
func TestTraySettingsManaged(t *testing.T) {
	app := test.NewTempApp(t)
	pol, err := agent.ParsePolicy([]byte(`{"tsaURL":"http://tsa.corp.kz","locale":"ru"}`), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := pol.Apply(agent.DefaultConfig())
	a, err := agent.New(agent.Options{Config: cfg, Prompter: &ui.TTY{}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	tr := &Tray{App: app, Agent: a, Language: &ui.Language{Prefs: app.Preferences(), Config: cfg}, ConfigPath: path}
	f := tr.settingsForm(nil)
	tsa, timeout := f.items[ui.SettingTSA].Widget.(*widget.Entry), f.items[ui.SettingTimeout].Widget.(*widget.Entry)
	if !tsa.Disabled() || f.items[ui.SettingTSA].HintText != "задано вашей организацией" || tsa.Text != "http://tsa.corp.kz" {
		t.Errorf("tsa field: disabled %v hint %q text %q", tsa.Disabled(), f.items[ui.SettingTSA].HintText, tsa.Text)
	}
	if language := f.items[ui.SettingLanguage].Widget.(*widget.Select); !language.Disabled() || language.Selected != "Русский" {
		t.Errorf("language field: disabled %v, %q", language.Disabled(), language.Selected)
	}
	if timeout.Disabled() || f.items[ui.SettingTimeout].HintText != "от 10s до 1h, например 5m" {
		t.Error("the timeout is not managed but greyed")
	}
	if !f.managed.Visible() || f.managed.Text != "Управляется вашей организацией" {
		t.Errorf("managed line %q", f.managed.Text)
	}
	timeout.SetText("3m")
	f.form.OnSubmit()
	c, err := agent.LoadConfig(path)
	if err != nil || c.TSAURL != agent.DefaultConfig().TSAURL || c.PromptTimeout.String() != "3m0s" {
		t.Errorf("saved %+v %v (the policy's TSA must not be written to config.json)", c, err)
	}
	// The language is fixed (kk): the menu greys it, a click changes nothing.
	pol, _ = agent.ParsePolicy([]byte(`{"tsaURL":"http://tsa.corp.kz","locale":"kk"}`), "policy.json")
	cfg = pol.Apply(agent.DefaultConfig())
	tr.Language = &ui.Language{Prefs: app.Preferences(), Config: cfg}
	tr.Language.Set("en")
	if tr.Language.Get() != "kk" {
		t.Errorf("locale %q, want the policy's kk", tr.Language.Get())
	}
	m := tr.Menu()
	if m.Items[1].Label != "Ұйымыңыз басқарады" || !m.Items[1].Disabled {
		t.Errorf("managed line: %q", m.Items[1].Label)
	}
	lang := m.Items[5].ChildMenu // status, managed, separator, sites, recent, language
	if lang == nil || !lang.Items[2].Disabled {
		t.Fatalf("language submenu not greyed: %+v", m.Items[5])
	}
	lang.Items[2].Action()
	if tr.Language.Get() != "kk" {
		t.Error("a greyed language item changed the language")
	}
}

// TestShowStartError: the agent could not start: a window says why, in
// lines of at most 80 characters, with Quit; the tray says so too.
func TestShowStartError(t *testing.T) {
	app := test.NewTempApp(t)
	tr := &Tray{App: app, Language: &ui.Language{Prefs: app.Preferences()}}
	tr.Language.Set("en")
	msg := ui.T("en", "port-taken", strings.Repeat("the reason is long ", 10))
	tr.ShowStartError(msg)
	wins := app.Driver().AllWindows()
	box := wins[len(wins)-1].Content().(*fyne.Container)
	text := box.Objects[0].(*widget.Label).Text
	for _, line := range strings.Split(text, "\n") {
		if len([]rune(line)) > 80 {
			t.Errorf("a line of %d characters: %q", len([]rune(line)), line)
		}
	}
	if strings.Join(strings.Fields(text), " ") != strings.Join(strings.Fields(msg), " ") {
		t.Errorf("the reason changed: %q", text)
	}
	quit := box.Objects[1].(*fyne.Container).Objects[1].(*widget.Button)
	if quit.Text != "Quit" {
		t.Errorf("button %q", quit.Text)
	}
}

// TestTrayMenuUpdate: the tray draws the model's update line, read anew
// each time the menu is built.
func TestTrayMenuUpdate(t *testing.T) {
	app := test.NewTempApp(t)
	upd := ui.TrayUpdate{}
	tr := &Tray{App: app, Port: 13579, Version: "v1.0.0", Language: &ui.Language{Prefs: app.Preferences()}, Update: func() ui.TrayUpdate { return upd }}
	tr.Language.Set("en")
	if l := tr.Menu().Items[1]; !l.IsSeparator {
		t.Fatalf("a line without an update: %q", l.Label)
	}
	upd = ui.TrayUpdate{Note: ui.UpdateInstalled, Version: "v1.1.0"}
	l := tr.Menu().Items[1]
	if l.Label != "Updated to v1.1.0 — restarts when no dialog is open" || !l.Disabled {
		t.Errorf("update line: %q disabled %v", l.Label, l.Disabled)
	}
	tr.Refresh() // no tray host: nothing to redraw, and no panic
}
