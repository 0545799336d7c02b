package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

var gostFL = ncatest.GOST2015FL

// en is the configured language of most tests here.
func en() string { return "en" }

// syncBuf is a goroutine-safe output buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// after waits (up to 5 s) for the output to show text — the page's answer
// leaves before the prompter prints "Signed ✓" — and returns the output.
func (s *syncBuf) after(text string) string {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if o := s.String(); strings.Contains(o, text) {
			return o
		}
	}
	return s.String()
}

func newAgent(t *testing.T, p agent.Prompter) *agent.Agent {
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: p,
		Now: func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTTYDialog(t *testing.T) {
	in := strings.NewReader(strings.Join([]string{
		"x",        // not an answer: asked again
		"o",        // allow once
		"1",        // key file
		gostFL,     // path
		"wrong",    // password: wrong
		"Qwerty12", // password
		"7",        // no such key
		"1",        // the key
		"no",       // not approved: asked again
		"1", "yes", // approved
	}, "\n") + "\n")
	out := &syncBuf{}
	tty := &TTY{In: in, Out: out, Fd: -1, Locale: en}
	a := newAgent(t, tty)
	origin, _ := agent.ParseOrigin("https://egov.kz")
	res, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatXML,
		Documents: [][]byte{[]byte("<payment><amount>100</amount></payment>")}, Filter: agent.Filter{Chain: agent.ChainAny}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := signer.VerifyXML(res.Signatures[0], signer.VerifyOptions{NoChain: true}); err != nil {
		t.Fatal(err)
	}
	o := out.after("Signed ✓")
	for _, want := range []string{"==== HTTPS://EGOV.KZ ====", "Sign data for egov.kz", "│ payment\n    │   amount: 100",
		"Wrong password", "ТЕСТОВ ТЕСТ, IIN 123456789011", "Known site: eGov", "This key cannot be chosen", "Signed ✓"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "Qwerty12") {
		t.Error("password echoed")
	}
}

func TestTTYGreyedKeyAndCancel(t *testing.T) {
	in := strings.NewReader(strings.Join([]string{"a", "1", gostFL, "Qwerty12", "1", "c"}, "\n") + "\n")
	out := &syncBuf{}
	a := newAgent(t, &TTY{In: in, Out: out, Fd: -1, Locale: en})
	origin, _ := agent.ParseOrigin("https://egov.kz")
	_, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatCMS,
		Documents: [][]byte{[]byte("x")}}) // production chain: the test key is greyed
	if !errors.Is(err, agent.ErrCanceled) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(out.String(), "Cannot be chosen: not issued by a production NCA (a test key)") {
		t.Errorf("greyed key not explained:\n%s", out)
	}
}

func TestTTYFastApprovalIgnored(t *testing.T) {
	in := strings.NewReader(strings.Join([]string{"o", "1", gostFL, "Qwerty12", "1", "yes", "c"}, "\n") + "\n")
	out := &syncBuf{}
	a := newAgent(t, &TTY{In: in, Out: out, Fd: -1, Delay: time.Hour, Locale: en})
	origin, _ := agent.ParseOrigin("https://egov.kz")
	if _, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatCMS,
		Documents: [][]byte{[]byte("x")}, Filter: agent.Filter{Chain: agent.ChainAny}}); !errors.Is(err, agent.ErrCanceled) {
		t.Fatalf("an instant approval signed: %v", err)
	}
	if !strings.Contains(out.String(), "Too fast: read the request") {
		t.Errorf("output:\n%s", out)
	}
}

func TestTTYCancelledByContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	tty := &TTY{In: pr, Out: io.Discard, Fd: -1, Locale: en}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := tty.Consent(ctx, agent.ConsentQuestion{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

// TestTTYPunycodeSite: a look-alike in another alphabet is named in
// punycode, with its letters beside it, in the consent question and in
// the signing dialog.
func TestTTYPunycodeSite(t *testing.T) {
	in := strings.NewReader("a\no\n")
	out := &syncBuf{}
	tty := &TTY{In: in, Out: out, Fd: -1, Locale: en}
	a := newAgent(t, tty)
	origin, _ := agent.ParseOrigin("https://xn--e1as9n8w.kz")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = a.Handle(ctx, &agent.Request{Origin: origin, Format: agent.FormatCMS, Documents: [][]byte{[]byte("x")}, Filter: agent.Filter{Chain: agent.ChainAny}})
	o := out.String()
	for _, want := range []string{"==== HTTPS://XN--E1AS9N8W.KZ ====", "(the address is shown in punycode; in letters: еԍоѵ.kz)",
		"This is NOT egov.kz", "!! letters from another alphabet that look like egov.kz (xn--e1as9n8w.kz)", "1) Allow once", "2) Block"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "Always allow") {
		t.Errorf("a look-alike offered \"always\":\n%s", o)
	}
	if strings.Count(o, "in letters: еԍоѵ.kz") < 2 {
		t.Errorf("the signing dialog does not show the letters beside the punycode:\n%s", o)
	}
}

// TestTTYSpeaksTheDialogsLanguage: the terminal says what the desktop
// dialog says, in the configured language (Russian here) or the page's
// (Kazakh), from the same catalog — no English table of its own.
func TestTTYSpeaksTheDialogsLanguage(t *testing.T) {
	for _, c := range []struct {
		locale, page string
		input        []string
		want         []string
	}{
		{"ru", "", []string{"1", "1", gostFL, "x", "Qwerty12", "1", "да"}, []string{
			"Разрешить сайту egov.kz запрашивать вашу подпись?", "1) Разрешить один раз — Только для этого запроса",
			"Подпись данных для egov.kz", "Что подписывается:", "Хранилище ключей:", "1) Файл ключа (PKCS#12)",
			"Номер хранилища ключей (0 — отмена): ", "Путь к файлу ключа: ", "Пароль: ", "Неверный пароль", "Ключи:",
			"ТЕСТОВ ТЕСТ, ИИН 123456789011", "подписывает для egov.kz", "Подписать? Введите «да» и нажмите Enter: ", "Подписано ✓"}},
		{"ru", "kz", []string{"1", "1", gostFL, "Qwerty12", "1", "иә"}, []string{
			"egov.kz сайтына қолтаңбаңызды сұрауға рұқсат етесіз бе?", "Кілт қоймасы:", "Құпиясөз: ",
			"Қол қою? «иә» деп жазып, Enter басыңыз: ", "Қол қойылды ✓"}},
	} {
		t.Run(c.locale+"/"+c.page, func(t *testing.T) {
			out := &syncBuf{}
			tty := &TTY{In: strings.NewReader(strings.Join(c.input, "\n") + "\n"), Out: out, Fd: -1, Locale: func() string { return c.locale }}
			a := newAgent(t, tty)
			origin, _ := agent.ParseOrigin("https://egov.kz")
			res, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatCMS, Locale: c.page,
				Documents: [][]byte{[]byte("x")}, Filter: agent.Filter{Chain: agent.ChainAny}})
			if err != nil || len(res.Signatures) != 1 {
				t.Fatalf("%v\n%s", err, out)
			}
			o := out.after("✓")
			for _, w := range c.want {
				if !strings.Contains(o, w) {
					t.Errorf("output lacks %q:\n%s", w, o)
				}
			}
			for _, en := range []string{"Key store", "Password", "Signed", "Type"} {
				if strings.Contains(o, en) {
					t.Errorf("English %q in a %s dialog:\n%s", en, c.locale, o)
				}
			}
		})
	}
}
