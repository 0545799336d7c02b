package transport

// The NCALayer protocol, answer for answer as docs/spec/ncalayer-protocol.md
// describes it: the connection and the envelope here, the two modules in
// ncalayer_common.go (kz.gov.pki.knca.commonUtils) and ncalayer_basics.go
// (kz.gov.pki.knca.basics). Details the spec marks *open* are kept in one
// place each (greeting version, raw outputCert shape, key info formats).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

const (
	ncaGreeting  = `{"result":{"version":"1.4"}}`
	ncaHeartbeat = "--heartbeat--"

	moduleCommonUtils = "kz.gov.pki.knca.commonUtils"
	moduleBasics      = "kz.gov.pki.knca.basics"

	// maxUnanswered bounds the messages of one connection waiting for
	// their answers (pages send one request at a time; the rest of these
	// are busy answers waiting for their turn). Past it the connection
	// is closed.
	maxUnanswered = 16
)

// Fixed answers.
var (
	ansModuleNotFound = []byte(`{"success":false,"errorCode":"MODULE_NOT_FOUND"}`)
	ansNoModule       = []byte(`{"result":null,"errorCode":"COMMON"}`)
	ansNotJSON        = []byte(`{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}`)
	ansBasicsCanceled = []byte(`{"body":{},"status":true}`)
)

// ncaStorage reports whether a page may name the storage: one NCALayer
// knows (token.Storages; JKS is a Java key store, we offer the key-file
// store for it).
func ncaStorage(name string) bool { return token.NCALayerStorage(name) }

// storageFilter is the agent's filter for the storage a page names.
func storageFilter(name string) []string {
	if name == token.StorageJKS {
		return []string{token.StoragePKCS12}
	}
	return []string{name}
}

// ncaActiveStorages is getActiveTokens' answer: the plugged-in tokens'
// storages that NCALayer has names for (a page can ask only for those).
func ncaActiveStorages(all []string) []string {
	out := []string{}
	for _, s := range all {
		if ncaStorage(s) {
			out = append(out, s)
		}
	}
	return out
}

// serveNCALayer serves one NCALayer page: the version hello, heartbeat
// echoes, and its requests in order on the shared orderedLoop.
func (s *Server) serveNCALayer(w http.ResponseWriter, r *http.Request, origin agent.Origin) {
	h := &ncaHandler{s: s, origin: origin, locale: "kk"}
	loop := orderedLoop[answer]{
		name:      "ncalayer",
		greeting:  ncaGreeting,
		keys:      []string{"module", "uuid"}, // a busy answer's format and uuid
		heartbeat: ncaHeartbeat,
		handle:    h.handle,
		busy:      h.busy,
		write:     func(c *conn, a answer) error { return c.writeAnswer(a) },
	}
	loop.serve(s, w, r, origin)
}

// busy answers a refused message in the format of the module it asked,
// with its uuid (as far as they could be read while it streamed past).
func (h *ncaHandler) busy(f *fieldScanner) answer {
	msg := agent.OutcomeBusy.Message()
	if f == nil {
		f = newFieldScanner()
	}
	if mod, _ := f.field("module"); string(mod) == `"`+moduleBasics+`"` {
		return bytesAnswer(basicsError("SIGNING_FAILURE", msg, ""))
	}
	a := commonAnswer{Code: "500", Message: msg}
	if u, ok := f.field("uuid"); ok && json.Valid(u) && string(u) != "null" {
		a.UUID = json.RawMessage(u)
	}
	return bytesAnswer(mustJSON(a))
}

type ncaHandler struct {
	s      *Server
	origin agent.Origin
	locale string
}

// rawRef keeps a JSON value as a slice of the message instead of a copy
// (json.RawMessage copies): a 50 MB document must not be duplicated on its
// way in. It is safe because json.Unmarshal decodes from the message
// itself, which nobody modifies while the request is handled.
type rawRef []byte

// UnmarshalJSON keeps b without copying.
func (r *rawRef) UnmarshalJSON(b []byte) error { *r = b; return nil }

type envelope struct {
	Module     *string `json:"module"`
	Method     string  `json:"method"`
	Args       rawRef  `json:"args"`
	UUID       rawRef  `json:"uuid"`
	APIVersion rawRef  `json:"apiVersion"`
}

// answer writes one answer frame.
type answer func(io.Writer) error

func bytesAnswer(b []byte) answer {
	return func(w io.Writer) error { _, err := w.Write(b); return err }
}

func (h *ncaHandler) handle(ctx context.Context, m *message) answer {
	msg := m.data
	if t := bytes.TrimLeft(msg, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return bytesAnswer(ansNotJSON)
	}
	var env envelope
	keysErr := checkKeys(msg)
	if ke := (*keysError)(nil); errors.As(keysErr, &ke) && ke.top {
		// The envelope itself repeats a key: which module is meant is
		// not known (NCALayer's JSON reader refuses such text too).
		return bytesAnswer(ansNotJSON)
	}
	if err := json.Unmarshal(msg, &env); err != nil {
		return bytesAnswer(ansNotJSON)
	}
	if env.Module == nil {
		return bytesAnswer(ansNoModule)
	}
	if keysErr != nil {
		return h.malformed(&env, keysErr)
	}
	apiOK := len(env.APIVersion) == 0 || string(env.APIVersion) == "2" || string(env.APIVersion) == "null"
	if !chargeEscapes(env.Args, m.lease) && (*env.Module == moduleCommonUtils || *env.Module == moduleBasics) {
		f := newFieldScanner()
		f.found["module"] = []byte(`"` + *env.Module + `"`)
		if len(env.UUID) > 0 {
			f.found["uuid"] = env.UUID
		}
		return h.busy(f)
	}
	switch *env.Module {
	case moduleCommonUtils:
		var a commonAnswer
		if apiOK {
			a = h.commonUtils(ctx, env.Method, json.RawMessage(env.Args), m.lease)
		} else {
			a = commonAnswer{Code: "500", Message: "unsupported apiVersion"}
		}
		if len(env.UUID) > 0 && len(env.UUID) <= maxField && string(env.UUID) != "null" {
			a.UUID = json.RawMessage(env.UUID)
		}
		return bytesAnswer(mustJSON(a))
	case moduleBasics:
		if !apiOK {
			return bytesAnswer(basicsError("GENERAL_ERROR", "unsupported apiVersion", ""))
		}
		if env.Method != "sign" {
			return bytesAnswer(basicsError("GENERAL_ERROR", "unknown method "+short(env.Method), ""))
		}
		return h.basicsSign(ctx, env.Args, m.lease)
	}
	return bytesAnswer(ansModuleNotFound)
}

// malformed answers a request whose arguments repeat a key (or nest too
// deep) in its module's words for bad arguments.
func (h *ncaHandler) malformed(env *envelope, err error) answer {
	switch *env.Module {
	case moduleCommonUtils:
		a := commonAnswer{Code: "500", Message: "java.lang.IllegalArgumentException: argument type mismatch. Method: " + short(env.Method)}
		if len(env.UUID) > 0 && len(env.UUID) <= maxField && string(env.UUID) != "null" {
			a.UUID = json.RawMessage(env.UUID)
		}
		return bytesAnswer(mustJSON(a))
	case moduleBasics:
		return bytesAnswer(basicsError("INVOCATION_ERROR", "args: "+err.Error(), ""))
	}
	return bytesAnswer(ansModuleNotFound)
}

// short cuts a page's word that an answer echoes (a method name) to 64
// bytes: an answer is never a copy of a large input.
func short(s string) string {
	if len(s) <= 64 {
		return s
	}
	s = s[:64]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"code":"500","message":"internal error"}`)
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// chargeEscapes reserves in the lease the copies that decoding raw will
// make: strings with escapes (an XML document's \" and \n) are decoded
// into copies (see jsonStringBytes), at most raw's length in all. False
// when the budget has no room for them.
func chargeEscapes(raw []byte, l *lease) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return true
	}
	return l.grow(int64(len(raw)))
}

// jsonStringBytes returns the bytes of a JSON string token: a view into
// the message when it has no escapes (base64 never does), else a decoded
// copy.
func jsonStringBytes(tok []byte) ([]byte, bool) {
	tok = bytes.TrimSpace(tok)
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return nil, false
	}
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}
