package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/ui"
)

// inLocale runs the built binary with only the given locale variables set
// (and HOME and the XDG directories in a throwaway home, so no config.json
// of this machine chooses the language).
func inLocale(t *testing.T, home string, locale []string, stdin []byte, args ...string) result {
	t.Helper()
	env := append(withoutLocale(os.Environ()), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	return runBinary(t, append(env, locale...), stdin, args...)
}

// TestCLISpeaksTheUsersLanguage: what a person reads from the command line
// follows LANG (LC_ALL first), C is English, and a shell without a
// language reads English unless config.json names one; the keywords
// scripts read (VALID:, INVALID:, ok/FAIL, field=value) stay as they are.
func TestCLISpeaksTheUsersLanguage(t *testing.T) {
	home := t.TempDir()
	pw := passwordFile(t)
	wrongPW := tempFile(t, "pw", []byte("nope\n"))
	doc := tempFile(t, "doc.txt", []byte("Договор № 1\n"))
	sig := filepath.Join(t.TempDir(), "d.cms")
	qoltanba(t, nil, "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--detached", "--in", doc, "--out", sig).mustOK(t)
	other := tempFile(t, "other.txt", []byte("Договор № 2\n"))

	type check struct {
		args   []string
		code   int
		stderr string // in that language
	}
	for _, c := range []struct {
		locale []string
		checks []check
	}{
		{[]string{"LANG=ru_RU.UTF-8"}, []check{
			{[]string{"keys", "--p12", rsaKey, "--password-file", wrongPW}, 1, "неверный пароль"},
			{[]string{"keys", "--p12", filepath.Join(home, "nope.p12"), "--password-file", pw}, 1, "нет: проверьте путь"},
			{[]string{"keys"}, 2, "укажите --p12 ФАЙЛ или --pkcs11 МОДУЛЬ"},
			{[]string{"verify", "--format", "pdf"}, 2, "--format должен быть cms или xml"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--at", "15.01.2026"}, 2, "укажите дату вида 2026-01-15"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", other}, 1, "INVALID: подписавший 1 (ТЕСТОВ ТЕСТ): содержимое не совпадает с подписанным"},
			{[]string{"verify", "--format", "cms", "--in", sig}, 2, "отделённая подпись: укажите подписанное содержимое через --data"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", doc}, 0, "ВНИМАНИЕ: не указаны ни --ca, ни --trust"},
			{[]string{"sign", "--bogus"}, 2, "флага -bogus нет"},
			{[]string{"sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--tsa", "http://127.0.0.1:1/", "--in", doc, "--out", sig + ".t"}, 1, "не удалось получить метку времени от службы http://127.0.0.1:1/"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", doc, "--trust", "production", "--ca-dir", home}, 1, "нет рабочих сертификатов УЦ НУЦ: скачайте их с pki.gov.kz/cert/"},
			{[]string{"origin", "egov"}, 64, "не адрес сайта"},
			{[]string{"serve", "--unattended", "--p12", rsaKey, "--password-file", pw}, 2, "для --unattended нужен хотя бы один --allow-origin"},
			{[]string{"serve", "--ui", "bogus"}, 2, "--ui должен быть desktop, tty или auto"},
			{[]string{"uninstall"}, 0, ""},
			{[]string{"frobnicate"}, 2, "неизвестная команда \"frobnicate\""},
		}},
		{[]string{"LANG=kk_KZ.UTF-8"}, []check{
			{[]string{"keys", "--p12", rsaKey, "--password-file", wrongPW}, 1, "құпиясөз қате"},
			{[]string{"keys", "--p12", tempFile(t, "x.p12", []byte("hello")), "--password-file", pw}, 1, "кілт файлы емес немесе ол бүлінген"},
			{[]string{"verify", "--format", "pdf"}, 2, "--format мәні cms немесе xml болуы керек"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", other}, 1, "INVALID: 1-қол қоюшы (ТЕСТОВ ТЕСТ): мазмұн қол қойылғанға сәйкес емес"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", doc}, 0, "НАЗАР АУДАРЫҢЫЗ"},
			{[]string{"sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--profile", "ru", "--in", doc, "--out", sig + ".2"}, 2, "--profile тек ГОСТ кілттеріне қолданылады"},
		}},
		// LC_ALL wins over LANG; C is English.
		{[]string{"LC_ALL=kk_KZ.UTF-8", "LANG=ru_RU.UTF-8"}, []check{{[]string{"verify", "--format", "pdf"}, 2, "--format мәні cms немесе xml"}}},
		{[]string{"LANG=C"}, []check{
			{[]string{"keys", "--p12", rsaKey, "--password-file", wrongPW}, 1, "wrong password"},
			{[]string{"verify", "--format", "pdf"}, 2, "--format must be cms or xml"},
			{[]string{"verify", "--format", "cms", "--in", sig, "--data", other}, 1, "INVALID: the content does not match what was signed"},
			{[]string{"sign", "--bogus"}, 2, "there is no flag -bogus"},
		}},
		// No language at all: English, not Kazakh.
		{nil, []check{{[]string{"verify", "--format", "pdf"}, 2, "--format must be cms or xml"}}},
	} {
		for _, ch := range c.checks {
			r := inLocale(t, home, c.locale, nil, ch.args...)
			if r.code != ch.code || !strings.Contains(r.stderr, ch.stderr) {
				t.Errorf("%v %v: exit %d, stderr %q; want %d and %q", c.locale, ch.args, r.code, r.stderr, ch.code, ch.stderr)
			}
			if c.locale != nil && c.locale[len(c.locale)-1] != "LANG=C" {
				// No English sentence is left in a translated answer (the
				// usage and the flags' help, which stay English, aside).
				for _, line := range strings.Split(r.stderr, "\n") {
					if strings.HasPrefix(line, "usage:") || strings.HasPrefix(line, "  ") {
						break
					}
					for _, en := range []string{"wrong password", "must be", "give ", "unknown command", "does not", "no --ca", "WARNING", "is not"} {
						if strings.Contains(line, en) {
							t.Errorf("%v %v: English %q in %q", c.locale, ch.args, en, line)
						}
					}
				}
			}
		}
	}
	// The machine-readable words stay: VALID: and the signer's fields.
	r := inLocale(t, home, []string{"LANG=ru_RU.UTF-8"}, nil, "verify", "--format", "cms", "--in", sig, "--data", doc)
	if !strings.Contains(r.stdout, "VALID: 1 signer(s)") || !strings.Contains(r.stdout, "iin=123456789011") {
		t.Errorf("ru verify stdout: %q", r.stdout)
	}
	// config.json's locale, when the shell names no language.
	os.MkdirAll(filepath.Join(home, ".config", "qoltanba"), 0o700)
	os.WriteFile(filepath.Join(home, ".config", "qoltanba", "config.json"), []byte(`{"locale":"ru"}`), 0o600)
	if r := inLocale(t, home, nil, nil, "verify", "--format", "pdf"); !strings.Contains(r.stderr, "--format должен быть cms или xml") {
		t.Errorf("config.json locale ru, no LANG: %q", r.stderr)
	}
	if r := inLocale(t, home, []string{"LANG=C"}, nil, "verify", "--format", "pdf"); !strings.Contains(r.stderr, "--format must be cms or xml") {
		t.Errorf("config.json locale ru, LANG=C: %q", r.stderr)
	}
}

// TestInvalidOnlyForSignatures: INVALID: is verify's word for a signature
// that is not valid; a file that cannot be read, a bad flag, a missing CA,
// a failing status or service say what is wrong without it.
func TestInvalidOnlyForSignatures(t *testing.T) {
	home := t.TempDir()
	missing := filepath.Join(home, "missing")
	for _, args := range [][]string{
		{"verify", "--format", "cms", "--in", missing},
		{"verify", "--format", "cms", "--in", missing, "--ca", missing},
		{"verify", "--format", "cms", "--in", rsaKey, "--ca", tempFile(t, "notca.pem", []byte("hello"))},
		{"verify", "--format", "cms", "--in", rsaKey, "--crl", tempFile(t, "notcrl.crl", []byte("hello"))},
		{"verify", "--format", "cms", "--trust", "production", "--in", rsaKey},
		{"verify", "--format", "cms", "--trust", "production", "--ca-dir", missing, "--in", rsaKey},
		{"verify", "--format", "cms", "--nope"},
		{"status", "--policy", tempFile(t, "policy.json", []byte(`{"locale": 5}`))},
		{"status"},
	} {
		for _, locale := range []string{"LANG=C", "LANG=ru_RU.UTF-8"} {
			r := inLocale(t, home, []string{locale}, nil, args...)
			if r.code == 0 || strings.Contains(r.stdout+r.stderr, "INVALID") || strings.TrimSpace(r.stderr) == "" {
				t.Errorf("%s %v: exit %d\nstdout %q\nstderr %q", locale, args, r.code, r.stdout, r.stderr)
			}
		}
	}
}

// TestConfigAndPolicyErrorsNameFileLineKey: a config.json or policy that
// is not JSON, or has a value of the wrong kind, is named with its file,
// line and key and what to do, without encoding/json's words.
func TestConfigAndPolicyErrorsNameFileLineKey(t *testing.T) {
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	cfg := filepath.Join(cfgDir, "config.json")
	for _, c := range []struct {
		name, config, policy string
		want                 []string // in English, then in Russian
	}{
		{"config syntax", "{\n  \"port\": 13579,\n}\n", "", []string{cfg + ", line 3: this is not valid JSON", cfg + ", строка 3: это не правильный JSON"}},
		{"config type", "{\n  \"locale\": \"en\",\n  \"port\": \"x\"\n}\n", "", []string{cfg + `, line 3: the value of "port" is of the wrong kind`, cfg + `, строка 3: у ключа "port" значение не того вида`}},
		{"policy type", "{}", "{\n\"disableKeyFiles\": \"yes\"}", []string{`line 2: the value of "disableKeyFiles" is of the wrong kind: it must be true or false`, `строка 2: у ключа "disableKeyFiles" значение не того вида: нужно true или false`}},
		{"policy list", "{}", "{\"locale\": \"ru\",\n\n\"allowedOrigins\": [\"https://a.kz\", 7]}", []string{`line 3: the value of "allowedOrigins" is of the wrong kind`, `строка 3: у ключа "allowedOrigins"`}},
		{"policy syntax", "{}", "{\"allowedOrigins\": [\"https://a.kz\"\n}", []string{`line 2: this is not valid JSON`, `строка 2: это не правильный JSON`}},
		{"policy unknown key", "{}", "{\"locale\": \"ru\",\n \"alowedOrigins\": []}", []string{`line 2: key "alowedOrigins" is not a setting this version knows`, `строка 2: "alowedOrigins" — не настройка, известная этой версии`}},
		{"policy twice", "{}", "{\"disableKeyFiles\": true,\n\n \"disableKeyFiles\": false}", []string{`line 3: key "disableKeyFiles" is given twice`, `строка 3: ключ "disableKeyFiles" указан дважды: оставьте один`}},
		{"policy locale", "{}", "{\"disableKeyFiles\": true,\n \"locale\": \"fr\"}", []string{`line 2: locale "fr": write kk, ru, en or vi`, `строка 2: locale "fr": напишите kk, ru, en или vi`}},
		{"policy origin", "{}", "{\"locale\": \"ru\",\n\n \"allowedOrigins\": [\"egov.kz\"]}", []string{`line 3: "egov.kz" is not a site's origin: write it as https://host[:port]`, `строка 3: "egov.kz" — не адрес сайта: напишите в виде https://хост[:порт]`}},
		{"policy duration", "{}", "{\"locale\": \"ru\",\n\"promptTimeout\": \"zz\"}", []string{`line 2: promptTimeout must be a duration like "5m"`, `строка 2: promptTimeout должен быть промежутком времени`}},
	} {
		os.WriteFile(cfg, []byte(c.config), 0o600)
		args := []string{"status"}
		if c.policy != "" {
			args = append(args, "--policy", tempFile(t, "policy.json", []byte(c.policy)))
		}
		for i, locale := range []string{"LANG=C", "LANG=ru_RU.UTF-8"} {
			r := inLocale(t, home, []string{locale}, nil, args...)
			out := r.stdout + r.stderr
			if r.code != 1 || !strings.Contains(out, c.want[i]) {
				t.Errorf("%s %s: exit %d, want %q in\n%s", c.name, locale, r.code, c.want[i], out)
			}
			for _, jargon := range []string{"invalid character", "cannot unmarshal", "Go struct", "time: invalid duration", "looking for"} {
				if strings.Contains(out, jargon) {
					t.Errorf("%s %s: %q in\n%s", c.name, locale, jargon, out)
				}
			}
		}
	}
}

// TestStatusAfterInstallAndUninstallTwice: right after install, status
// says the agent is installed but not running and how to start it;
// uninstall lists what it removed; a second one says nothing was
// installed and lists nothing.
func TestStatusAfterInstallAndUninstallTwice(t *testing.T) {
	if _, err := exec.LookPath("certutil"); err != nil {
		t.Fatal("certutil is required (libnss3-tools)")
	}
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "qoltanba")
	os.MkdirAll(cfgDir, 0o700)
	// A port nobody listens on: the machine's own agent does not answer.
	os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"port":`+strconv.Itoa(freePort(t))+`}`), 0o600)
	run := func(locale string, args ...string) result { return inLocale(t, home, []string{locale}, nil, args...) }
	if r := run("LANG=C", "install"); r.code != 0 || !strings.Contains(r.stdout, "start it now with qoltanba run") {
		t.Fatalf("install: %+v", r)
	}
	r := run("LANG=C", "status")
	if r.code != 1 || !strings.Contains(r.stderr, "installed, not running — start it with qoltanba run") || strings.Contains(r.stderr, "INVALID") {
		t.Errorf("status after install: %+v", r)
	}
	if r := run("LANG=ru_RU.UTF-8", "status"); r.code != 1 || !strings.Contains(r.stderr, "установлен, но не запущен — запустите его командой qoltanba run") {
		t.Errorf("ru status after install: %+v", r)
	}
	r = run("LANG=C", "uninstall")
	if r.code != 0 || !strings.Contains(r.stdout, "removed the local CA and server certificate: "+filepath.Join(cfgDir, "tls")) ||
		!strings.Contains(r.stdout, "removed the start at login: ") || strings.Contains(r.stdout, "nothing") {
		t.Errorf("uninstall: %+v", r)
	}
	for _, c := range []struct{ locale, want string }{
		{"LANG=C", "qoltanba was not installed: nothing to remove"},
		{"LANG=ru_RU.UTF-8", "qoltanba не установлен: удалять нечего"},
		{"LANG=kk_KZ.UTF-8", "qoltanba орнатылмаған: өшіретін ештеңе жоқ"},
	} {
		if r := run(c.locale, "uninstall"); r.code != 0 || strings.TrimSpace(r.stdout) != c.want || r.stderr != "" {
			t.Errorf("second uninstall %s: %+v", c.locale, r)
		}
	}
}

// TestCLIKeysExist: every catalog key the command line's code names is in
// the catalog (ui.T would print the bare key otherwise).
func TestCLIKeysExist(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(cli-[a-z0-9-]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, l := range ui.Locales {
				if ui.T(l, m[1]) == m[1] {
					t.Errorf("%s: %s has no %s text", f, m[1], l)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d catalog keys found in the code", n)
	}
}
