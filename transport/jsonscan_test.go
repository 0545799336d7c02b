package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFieldScanner(t *testing.T) {
	for _, c := range []struct {
		msg    string
		want   map[string]string
		absent []string
	}{
		{`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"data":"` + strings.Repeat("QUJD", 1000) + `","uuid":"inner"},"uuid":"u-1"}`,
			map[string]string{"module": `"kz.gov.pki.knca.basics"`, "uuid": `"u-1"`}, nil},
		{` { "uuid" : 42 , "module" : "m\"x" } `, map[string]string{"uuid": "42", "module": `"m\"x"`}, nil},
		{`{"args":["a\"]}","b"],"uuid":{"a":[1,{"b":"}"}]}}`, map[string]string{"uuid": `{"a":[1,{"b":"}"}]}`}, []string{"module"}},
		{`{"uuid":"` + strings.Repeat("x", 300) + `","module":"m"}`, map[string]string{"module": `"m"`}, []string{"uuid"}},
		{`[{"uuid":"x"}]`, nil, []string{"uuid"}},
		{`{"id":7,"jsonrpc":"2.0"}`, map[string]string{"id": "7"}, nil},
	} {
		// Fed in pieces of every size from 1 to 7 bytes.
		for piece := 1; piece <= 7; piece++ {
			s := newFieldScanner("module", "uuid", "id")
			for i := 0; i < len(c.msg); i += piece {
				s.Write([]byte(c.msg[i:min(i+piece, len(c.msg))]))
			}
			for k, v := range c.want {
				if got, ok := s.field(k); !ok || string(got) != v {
					t.Errorf("%.40s (pieces of %d): %s = %q %v, want %q", c.msg, piece, k, got, ok, v)
				}
			}
			for _, k := range c.absent {
				if got, ok := s.field(k); ok {
					t.Errorf("%.40s: %s found: %q", c.msg, k, got)
				}
			}
		}
	}
}

func TestStringArray(t *testing.T) {
	var got []string
	err := stringArray([]byte(` [ "a" , "b\"c" ,"" ] `), 10, func(tok []byte) error { got = append(got, string(tok)); return nil })
	if err != nil || strings.Join(got, "|") != `"a"|"b\"c"|""` {
		t.Fatalf("%q %v", got, err)
	}
	million := "[" + strings.Repeat(`"",`, 1_000_000) + `""]`
	n := 0
	if err := stringArray([]byte(million), 1000, func([]byte) error { n++; return nil }); !errors.Is(err, errTooMany) || n != 1000 {
		t.Fatalf("limit: %v after %d", err, n)
	}
	for _, bad := range []string{`"a"`, `["a",1]`, `[{"a":1}]`, `["a"`, `["a" "b"]`} {
		if err := stringArray([]byte(bad), 10, func([]byte) error { return nil }); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := stringArray([]byte(`[]`), 10, func([]byte) error { t.Fatal("item in []"); return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestUTF8Stream(t *testing.T) {
	for _, s := range []string{"", "ascii", "Қолтаңба ✓ 𝄞 ok", strings.Repeat("ә𝄞", 100), "a\xffb", "\xe2\x82", "x\xf0\x9d\x84", "\xc3\x28", "\xed\xa0\x80"} {
		want := utf8.ValidString(s)
		for piece := 1; piece <= 5; piece++ {
			var u utf8Stream
			for i := 0; i < len(s); i += piece {
				u.Write([]byte(s[i:min(i+piece, len(s))]))
			}
			if u.valid() != want {
				t.Errorf("%q in pieces of %d: valid %v, want %v", s, piece, u.valid(), want)
			}
		}
	}
}

func FuzzFieldScanner(f *testing.F) {
	f.Add([]byte(`{"module":"m","uuid":"u","args":[{"x":"}"}]}`), 3)
	f.Fuzz(func(t *testing.T, msg []byte, piece int) {
		if piece <= 0 || piece > 64 {
			piece = 1
		}
		s := newFieldScanner("module", "uuid")
		for i := 0; i < len(msg); i += piece {
			s.Write(msg[i:min(i+piece, len(msg))])
		}
		// What it finds of a valid object is what encoding/json finds.
		var m map[string]json.RawMessage
		if json.Unmarshal(msg, &m) != nil || !json.Valid(msg) {
			return
		}
		for _, k := range []string{"module", "uuid"} {
			got, ok := s.field(k)
			want, in := m[k]
			if ok && (!in || !bytes.Equal(bytes.TrimSpace(want), got)) {
				// encoding/json keeps the last of duplicate keys; so do we.
				t.Fatalf("%s: %q, json has %q", k, got, want)
			}
			if !ok && in && len(want) <= maxField && !bytes.ContainsAny(msg, "\\") {
				t.Fatalf("%s: missed %q", k, want)
			}
		}
	})
}

// FuzzCheckKeys compares checkKeys with a reference built on
// encoding/json's tokenizer and bytes.EqualFold (how encoding/json
// matches keys to fields): a repetition it finds is refused, and a
// refusal for a repetition is one it finds.
func FuzzCheckKeys(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":{"a":2,"A":3}}`, `{"documents":[],"Documents":[]}`, `{"d\u0061ta":1,"data":2}`,
		`[{"a":1},{"a":1}]`, `{"a":{"b":[{"c":1,"c":2}]}}`, `{"K":1,"\u212a":2}`, `{"a\"":1,"a\\":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := checkKeys(data)
		if !json.Valid(data) {
			return
		}
		dup := refHasDuplicate(data)
		var ke *keysError
		isDup := errors.As(err, &ke) && ke.what == "an object repeats a key"
		if dup && err == nil {
			t.Fatalf("repetition not refused: %q", data)
		}
		if isDup && !dup {
			t.Fatalf("refused as a repetition: %q", data)
		}
	})
}

func refHasDuplicate(data []byte) bool {
	type frame struct {
		obj, wantKey bool
		keys         []string
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var st []frame
	valueDone := func() {
		if n := len(st); n > 0 && st[n-1].obj {
			st[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				st = append(st, frame{obj: true, wantKey: true})
			case '[':
				st = append(st, frame{})
			default:
				st = st[:len(st)-1]
				valueDone()
			}
		case string:
			if n := len(st); n > 0 && st[n-1].obj && st[n-1].wantKey {
				for _, k := range st[n-1].keys {
					if bytes.EqualFold([]byte(k), []byte(v)) {
						return true
					}
				}
				st[n-1].keys = append(st[n-1].keys, v)
				st[n-1].wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}
