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
	tr := &Tray{App: app, Port: 13579, Version: "test", Locale: &LocaleSetting{App: app}, OnQuit: func() { quit = true }}
	for _, l := range ui.Locales {
		tr.Locale.Set(l)
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
	if tr.Locale.Get() != "ru" {
		t.Errorf("language kept: %s", tr.Locale.Get())
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
	if string(trayIcons[TrayIdle].Content()) == string(trayIcons[TrayWaiting].Content()) || string(trayIcons[TrayIdle].Content()) == string(trayIcons[TrayError].Content()) {
		t.Error("states share an icon")
	}
}

func TestTrayErrorMenu(t *testing.T) {
	app := test.NewTempApp(t)
	tr := &Tray{App: app, Locale: &LocaleSetting{App: app}}
	m := tr.errorMenu("The agent could not start: port already in use")
	if len(m.Items) != 3 || !m.Items[0].Disabled || !strings.Contains(m.Items[0].Label, "port already in use") || !m.Items[2].IsQuit {
		t.Errorf("error menu %+v", m.Items)
	}
}

func TestTraySettings(t *testing.T) {
	app := test.NewTempApp(t)
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &ui.TTY{}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"allowedOrigins":["https://egov.kz"]}`), 0o600)
	tr := &Tray{App: app, Agent: a, Locale: &LocaleSetting{App: app}}
	closed := false
	f := tr.settingsForm("en", path, func() { closed = true })
	tsa := f.Items[0].Widget.(*widget.Entry)
	timeout := f.Items[1].Widget.(*widget.Entry)
	tsa.SetText("ftp://nope")
	f.OnSubmit()
	if closed {
		t.Fatal("saved an invalid TSA URL")
	}
	tsa.SetText("http://test.pki.gov.kz/tsp/")
	timeout.SetText("2m")
	f.OnSubmit()
	c, err := agent.LoadConfig(path)
	if err != nil || !closed || c.TSAURL != "http://test.pki.gov.kz/tsp/" || c.PromptTimeout.String() != "2m0s" || len(c.AllowedOrigins) != 1 {
		t.Errorf("saved %+v %v", c, err)
	}
}

// TestTraySettingsManaged: what the machine policy fixes is greyed, marked,
// and never copied into the user's config.json; the rest still saves.
func TestTraySettingsManaged(t *testing.T) {
	app := test.NewTempApp(t)
	pol, err := agent.ParsePolicy([]byte(`{"tsaURL":"http://tsa.corp.kz","locale":"kk"}`), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := pol.Apply(agent.DefaultConfig())
	a, err := agent.New(agent.Options{Config: cfg, Prompter: &ui.TTY{}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	tr := &Tray{App: app, Agent: a, Locale: &LocaleSetting{App: app, Config: cfg}}
	f := tr.settingsForm("ru", path, nil)
	tsa, timeout := f.Items[0].Widget.(*widget.Entry), f.Items[1].Widget.(*widget.Entry)
	if !tsa.Disabled() || f.Items[0].HintText != "задано вашей организацией" || tsa.Text != "http://tsa.corp.kz" {
		t.Errorf("tsa field: disabled %v hint %q text %q", tsa.Disabled(), f.Items[0].HintText, tsa.Text)
	}
	if timeout.Disabled() || f.Items[1].HintText != "" {
		t.Error("the timeout is not managed but greyed")
	}
	timeout.SetText("3m")
	f.OnSubmit()
	c, err := agent.LoadConfig(path)
	if err != nil || c.TSAURL != agent.DefaultConfig().TSAURL || c.PromptTimeout.String() != "3m0s" {
		t.Errorf("saved %+v %v (the policy's TSA must not be written to config.json)", c, err)
	}
	// The language is fixed: the menu greys it, a click changes nothing.
	tr.Locale.Set("en")
	if tr.Locale.Get() != "kk" {
		t.Errorf("locale %q, want the policy's kk", tr.Locale.Get())
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
	if tr.Locale.Get() != "kk" {
		t.Error("a greyed language item changed the language")
	}
}
