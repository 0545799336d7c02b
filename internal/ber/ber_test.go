package ber

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestToDER(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "already DER", in: "300602010102012a", want: "300602010102012a"},
		{name: "indefinite sequence", in: "3080020101020102 0000", want: "3006020101020102"},
		{name: "nested indefinite", in: "30803080020101000000 00", want: "30053003020101"},
		{name: "constructed octet string", in: "2480040201020401030000", want: "0403010203"},
		{name: "constructed definite octet string", in: "240704020102040103", want: "0403010203"},
		{name: "context tag constructed keeps tag", in: "a080040101 0000", want: "a003040101"},
		{name: "non-minimal length", in: "048200020102", want: "04020102"},
		{name: "long form kept long", in: "04818001" + repeat("00", 127), want: "048180" + "01" + repeat("00", 127)},
		{name: "high tag number", in: "9f8a3b0201ff", want: "9f8a3b0201ff"},
		{name: "truncated", in: "3005020101", wantErr: true},
		{name: "missing EOC", in: "3080020101", wantErr: true},
		{name: "indefinite primitive", in: "048001020000", wantErr: true},
		{name: "trailing", in: "050000", wantErr: true},
		{name: "bad segment tag", in: "24800201010000", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToDER(unhex(t, tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %x", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Fatalf("got %x\nwant %x", got, want)
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	in := bytes.Repeat([]byte{0x30, 0x80}, MaxDepth+2)
	in = append(in, bytes.Repeat([]byte{0, 0}, MaxDepth+2)...)
	if _, err := ToDER(in); err == nil {
		t.Fatal("deep nesting accepted")
	}
}

// TestRealKeyFile normalises a real NCA key file's BER AuthenticatedSafe and
// checks encoding/asn1 can then read it.
func TestRealKeyFile(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/nca/official-gost2015-bundle/*/FL/valid/*.p12")
	if len(files) == 0 {
		t.Fatal("no NCA test files found")
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var pfx struct {
		Version  int
		AuthSafe struct {
			Type    asn1.ObjectIdentifier
			Content []byte `asn1:"explicit,tag:0"`
		}
		Mac asn1.RawValue
	}
	if _, err := asn1.Unmarshal(raw, &pfx); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content, new([]asn1.RawValue)); err == nil {
		t.Fatal("expected encoding/asn1 to reject the BER authSafe; the test file changed?")
	}
	der, err := ToDER(pfx.AuthSafe.Content)
	if err != nil {
		t.Fatal(err)
	}
	var bags []struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,optional,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &bags); err != nil {
		t.Fatalf("DER output not readable: %v", err)
	}
	if len(bags) != 2 {
		t.Fatalf("got %d content infos, want 2", len(bags))
	}
	if !IsDER(der) {
		t.Fatal("output is not stable under a second conversion")
	}
}

func FuzzToDER(f *testing.F) {
	for _, s := range []string{"3080020101020102 0000", "2480040201020401030000", "300602010102012a", "a080040101 0000"} {
		f.Add(unhexF(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ToDER(in)
		if err != nil {
			return
		}
		again, err := ToDER(out)
		if err != nil {
			t.Fatalf("DER output rejected: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("not idempotent: %x -> %x", out, again)
		}
	})
}

func repeat(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }

func unhexF(s string) []byte {
	b, err := hex.DecodeString(string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)))
	if err != nil {
		panic(err)
	}
	return b
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	return unhexF(s)
}
