package docstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/chromiumtest"
)

// protocolBase64 is the encoding function of docs/protocol.md's JavaScript
// example, as a page would copy it.
func protocolBase64(t *testing.T) string {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := parseBlocks("docs/protocol.md", string(data))
	if err != nil {
		t.Fatal(err)
	}
	var js []string
	for _, b := range bs {
		if b.lang == "js" || b.lang == "javascript" {
			js = append(js, b.body)
		}
	}
	if len(js) == 0 {
		t.Fatal("docs/protocol.md has no JavaScript example")
	}
	all := strings.Join(js, "\n")
	fn := regexp.MustCompile(`(?ms)^function base64OfText\(.*?^}$`).FindString(all)
	if fn == "" {
		t.Fatalf("docs/protocol.md's example defines no base64OfText(text) for documents:\n%s", all)
	}
	// Every document the example sends goes through it: btoa on a string
	// throws on any letter outside Latin-1.
	if rest := strings.Replace(all, fn, "", 1); strings.Contains(rest, "btoa(") {
		t.Errorf("docs/protocol.md's example calls btoa outside base64OfText:\n%s", rest)
	}
	return fn
}

// documents are what base64OfText must carry: Kazakh and Russian text, a
// letter outside the BMP, and a document long enough that one
// String.fromCharCode(...bytes) call would pass too many arguments.
var documents = []string{
	`<?xml version="1.0" encoding="UTF-8"?><өтініш>Қолтаңба: подпись документа ✓ 𝔔</өтініш>`,
	strings.Repeat("Сәлем, әлем! Привет, мир! ", 20000),
}

// checkEncoded: the browser's (or node's) answers decode back to the
// documents' UTF-8 bytes.
func checkEncoded(t *testing.T, where string, got []string) {
	t.Helper()
	if len(got) != len(documents) {
		t.Fatalf("%s: %d answers %.300q", where, len(got), got)
	}
	for i, g := range got {
		b, err := base64.StdEncoding.DecodeString(g)
		if err != nil {
			t.Errorf("%s: document %d: not base64 (%v): %.200q", where, i, err, g)
			continue
		}
		if !bytes.Equal(b, []byte(documents[i])) {
			t.Errorf("%s: document %d decodes to %.200q, want %.200q", where, i, b, documents[i])
		}
	}
}

// TestProtocolSnippetNonASCIIChromium runs the example's encoding in
// headless Chromium on Cyrillic and Kazakh documents; what it gives must
// decode back to their UTF-8 bytes.
func TestProtocolSnippetNonASCIIChromium(t *testing.T) {
	fn := protocolBase64(t)
	docs, _ := json.Marshal(documents)
	page := `<!doctype html><meta charset="utf-8"><script type="module">
` + fn + `
const out = [];
for (const d of ` + string(docs) + `) {
  try { out.push(base64OfText(d)); } catch (e) { out.push("threw: " + e); }
}
await fetch("/result", { method: "POST", body: JSON.stringify(out) });
</script>`
	results := make(chan []byte, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/result" {
			b, _ := io.ReadAll(r.Body)
			select {
			case results <- b:
			default:
			}
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	home := t.TempDir()
	chromiumtest.Start(t, []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, "http://"+l.Addr().String()+"/", 0)
	select {
	case b := <-results:
		var got []string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("browser: %v %.300q", err, b)
		}
		checkEncoded(t, "chromium", got)
	case <-time.After(60 * time.Second):
		t.Fatal("no answer from the browser in 60 s")
	}
}

// TestProtocolSnippetNonASCIINode: the same in Node (a site's own tests, or
// server-side code, may reuse the function).
func TestProtocolSnippetNonASCIINode(t *testing.T) {
	fn := protocolBase64(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is required (Debian nodejs, installed by .ci/run)")
	}
	docs, _ := json.Marshal(documents)
	c := exec.Command("node", "--input-type=module", "-e", fn+`
const out = [];
let input = "";
for await (const chunk of process.stdin) input += chunk;
for (const d of JSON.parse(input)) {
  try { out.push(base64OfText(d)); } catch (e) { out.push("threw: " + e); }
}
process.stdout.write(JSON.stringify(out));
`)
	c.Stdin = bytes.NewReader(docs)
	b, err := c.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("node: %v %.300q", err, b)
	}
	checkEncoded(t, "node", got)
}
