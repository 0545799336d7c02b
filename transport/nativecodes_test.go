package transport

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestNativeCodesAsDocumented: the codes the native door sends are the
// table of docs/protocol.md, name and number, both ways; every outcome it
// maps goes to a named code.
func TestNativeCodesAsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]int{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (-\\d+) \\|").FindAllSubmatch(doc, -1) {
		n, _ := strconv.Atoi(string(m[2]))
		documented[string(m[1])] = n
	}
	if len(documented) == 0 {
		t.Fatal("no error table in docs/protocol.md")
	}
	for code, name := range nativeCodeNames {
		if documented[name] != int(code) {
			t.Errorf("%s is %d here, %d in docs/protocol.md", name, code, documented[name])
		}
	}
	for name, n := range documented {
		if nativeCode(n).String() != name {
			t.Errorf("docs/protocol.md documents %s (%d), which the door does not send", name, n)
		}
	}
	for o, c := range outcomeCodes {
		if c.String() == "" {
			t.Errorf("outcome %s maps to the unnamed code %d", o, c)
		}
	}
}
