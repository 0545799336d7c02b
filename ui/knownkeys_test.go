package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/dialogtest"
	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/token"
)

// TestDialogPreselectsLastUsedKey: the key file signed with last ("my
// keys", the agent's list) is the dialog's path, before the files opened
// lately; signing with another file puts that one first next time.
func TestDialogPreselectsLastUsedKey(t *testing.T) {
	kk := agent.OpenKnownKeys(filepath.Join(t.TempDir(), agent.KnownKeysFile))
	data, _ := os.ReadFile(ncatest.RSASign)
	keys, err := token.ParsePKCS12(data, []byte(ncatest.Password))
	if err != nil {
		t.Fatal(err)
	}
	defer token.CloseAll(keys)
	if err := kk.Used(ncatest.RSASign, keys[0]); err != nil {
		t.Fatal(err)
	}
	recent := &RecentFiles{Prefs: &memPrefs{}}
	recent.Add("/somewhere/else.p12")
	run := dialogtest.Start(t, xmlRequest(t, agent.ChainAny), dialogtest.Options{KnownKeys: kk})
	clk := &clock{t: ncatest.Time2026}
	d := NewDialog(context.Background(), run.Session, DialogOptions{Locale: "ru", Delay: time.Second, Now: clk.now, Recent: recent})
	v := d.View()
	if v.Path != ncatest.RSASign || len(v.Recent) != 2 || v.Recent[1] != "/somewhere/else.p12" {
		t.Fatalf("path %q, recent %q", v.Path, v.Recent)
	}
	// Sign with another file: it is the one used last now.
	d.SetPath(ncatest.GOST2015FL)
	d.Load(context.Background(), []byte(ncatest.Password))
	clk.add(2 * time.Second)
	d.Sign(context.Background())
	if _, err := run.Answer(t); err != nil {
		t.Fatal(err)
	}
	d.Cancel()
	run.End(nil)
	list, err := kk.List()
	if err != nil || len(list) < 2 || list[0].Path != ncatest.GOST2015FL {
		t.Fatalf("my keys after signing: %+v %v", list, err)
	}
}

type memPrefs struct{ m map[string][]string }

func (p *memPrefs) StringList(k string) []string { return p.m[k] }
func (p *memPrefs) SetStringList(k string, v []string) {
	if p.m == nil {
		p.m = map[string][]string{}
	}
	p.m[k] = v
}
