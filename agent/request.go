package agent

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Origin is who asks: the scheme, host and port of the page, taken only from
// the browser's WebSocket handshake, or a browser extension (scheme
// chrome-extension or moz-extension, Host its id, Port 0) as the browser
// named it to the native messaging host it started. The zero Origin is a
// local program (no Origin header at all).
type Origin struct {
	Scheme string
	Host   string
	Port   int
}

// ErrNullOrigin is returned for "Origin: null" (sandboxed frames, file://).
var ErrNullOrigin = errors.New("origin null is refused")

// ParseOrigin reads a handshake Origin header. An empty header is a local
// program; "null" and anything that is not scheme://host[:port] is refused.
func ParseOrigin(h string) (Origin, error) {
	if h == "" {
		return Origin{}, nil
	}
	if h == "null" {
		return Origin{}, ErrNullOrigin
	}
	if o, ok, err := parseExtensionOrigin(h); ok {
		return o, err
	}
	u, err := url.Parse(h)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Origin{}, fmt.Errorf("bad origin %q", h)
	}
	o := Origin{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Hostname())}
	if !hostChars(o.Host) {
		// Browsers send hosts in ASCII (IDNs as xn-- punycode); anything
		// else comes from a program trying to dress up the prompt.
		return Origin{}, fmt.Errorf("bad origin host in %q", h)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return Origin{}, fmt.Errorf("bad origin port in %q", h)
		}
		o.Port = n
	} else {
		switch o.Scheme {
		case "https", "wss":
			o.Port = 443
		case "http", "ws":
			o.Port = 80
		}
	}
	return o, nil
}

// hostChars: letters, digits, '.', '-', '_' (a DNS name in ASCII) or an
// IP literal.
func hostChars(h string) bool {
	if h == "" {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// IsLocal reports whether the request came from a local program.
func (o Origin) IsLocal() bool { return o.Scheme == "" }

// IsExtension reports whether the request came from a browser extension
// through the native messaging door (never a web site: no look-alike
// rules apply to its id).
func (o Origin) IsExtension() bool {
	return o.Scheme == SchemeChromeExtension || o.Scheme == SchemeMozExtension
}

// String is the canonical origin ("https://egov.kz", "http://localhost:8080"),
// or "local program".
func (o Origin) String() string {
	if o.IsLocal() {
		return "local program"
	}
	if o.IsExtension() {
		return o.Scheme + "://" + o.Host
	}
	def := (o.Scheme == "https" && o.Port == 443) || (o.Scheme == "http" && o.Port == 80)
	h := o.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if def || o.Port == 0 {
		return o.Scheme + "://" + h
	}
	return o.Scheme + "://" + net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
}

// Format is the kind of signature asked for.
type Format string

// Formats.
const (
	FormatCMS Format = "cms"
	FormatXML Format = "xml"
	FormatRaw Format = "raw"
)

// ChainPolicy says which issuers' keys are selectable.
type ChainPolicy int

// Chain policies (a door maps its protocol's own words to these).
const (
	ChainProduction ChainPolicy = iota // issued by a production NCA CA
	ChainAny                           // any issuer (test keys)
	ChainGiven                         // must chain to Filter.CAs
)

// KeyKind is what a request asks a key to be good for.
type KeyKind string

// Key kinds a request can ask for.
const (
	KeyAny  KeyKind = ""     // any key
	KeyAuth KeyKind = "auth" // a login (authentication) key
	KeySign KeyKind = "sign" // a signing key
)

// Filter says which keys qualify. Keys that do not are listed with the
// reason but cannot be chosen.
type Filter struct {
	Storages     []string // allowed storages; empty = all
	Kind         KeyKind  // which keys a site asks for
	EKUs         []string // every OID must be in the certificate
	IIN, BIN     string
	Serial       string // lowercase hex
	Chain        ChainPolicy
	CAs          []*x509.Certificate // for ChainGiven
	AllowExpired bool
	AllowRevoked bool
}

// Request is everything a page (or local program) can ask.
type Request struct {
	Origin Origin
	Method string // for the audit log: the door's name of what was asked ("basics.sign", "native.login", ...)
	Format Format
	// Documents to sign: data, or digests when Digested. For CMS a
	// document that is itself a CMS SignedData is co-signed when CoSign.
	Documents [][]byte
	Digested  bool
	Detached  bool
	CoSign    bool
	Timestamp bool   // CAdES-T
	TBSXPath  string // XML: sign one element...
	Parent    string // ...and put the signature under this one
	Filter    Filter
	Locale    string
	Logo      []byte // optional image for the dialog header
	// KeyOnly asks for a key choice without signing.
	KeyOnly bool
	// FilePath is a file the page names to be signed; it is read
	// only after the user approved it in the dialog.
	FilePath string
	// RSAPSS makes a raw RSA signature RSASSA-PSS (salt as long as the
	// hash) instead of PKCS#1 v1.5 (VGCA SignJson's PS256).
	RSAPSS bool
	// RawInput, for a raw signature of a whole document, makes the bytes
	// signed once the key is chosen (a JWS's signing input names the
	// key's algorithm and certificate): the dialog, the checks and the
	// audit log see the document, the signature is over what RawInput
	// returns for it.
	RawInput func(cert *x509.Certificate, doc []byte) ([]byte, error)
	// Action overrides the dialog's summary (ActionLogin for a native
	// login); empty means it follows from the request.
	Action Action
}

// Errors a transport maps to its protocol's codes.
var (
	ErrCanceled      = errors.New("canceled by the user")
	ErrOriginDenied  = errors.New("this site may not use the signing agent")
	ErrNoMatchingKey = errors.New("no key matches the request")
	ErrBusy          = errors.New("too many requests waiting")
	ErrTimeout       = errors.New("the request waited too long for the user")
	ErrBadRequest    = errors.New("bad request")
	ErrTooLarge      = errors.New("request too large")
	ErrUnknownStore  = errors.New("unknown key store")
)
