// Package verify is the relying party's half of a signature login: given
// what the browser sent (a CMS or XML signature from qoltanba's own
// protocol or, when the site allows it, the NCALayer protocol), the
// challenge the site issued and the site's configured origin, it checks
// the signature, that it is a login (the login mark, not a document
// signature), that the signed content is exactly that challenge (and, for
// qoltanba's protocol, that origin), the
// certificate chain, validity, key kind and revocation, and returns who
// logged in. Chain links that verified once are remembered (LinkCache), so
// a login with a known chain costs one signature verification; validity
// and revocation are checked every time.
package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/qoltanba/qoltanba/signer"
)

// Protocol says how the page produced the login signature.
type Protocol int

// Protocols.
const (
	// NCALayer: basics.sign / createCAdESFromBase64 over the challenge; the
	// page chose the data, so no origin is bound: a phishing page that
	// relays the site's challenge gets a valid login. Refused unless
	// Login.AllowNCALayer.
	NCALayer Protocol = iota
	// Qoltanba: the native login, whose content binds challenge and origin
	// and whose signature carries the login mark (signer.LoginAttribute,
	// signer.LoginReferenceType) that no document signature has.
	Qoltanba
)

// Errors a site maps to its messages.
var (
	ErrBadSignature   = errors.New("the signature is not valid")
	ErrWrongChallenge = errors.New("the signature is not over the challenge this site issued")
	ErrWrongOrigin    = errors.New("the login was signed for another site")
	ErrReplayed       = errors.New("the challenge was already used or has expired")
	ErrExpired        = errors.New("the certificate is expired or not yet valid")
	ErrRevoked        = errors.New("the certificate is revoked")
	ErrUntrusted      = errors.New("the certificate is not issued by a trusted CA")
	ErrNotAuthKey     = errors.New("the key is not an authentication key")
	ErrStale          = errors.New("the login is too old")
	ErrMalformedLogin = errors.New("the login signature is malformed")
	// ErrNotALogin: a valid signature that is not a qoltanba login (no
	// login mark: a document signature over login-looking content, or a
	// bare NCALayer login when the site requires the bound one).
	ErrNotALogin       = errors.New("the signature is not a qoltanba login")
	ErrRevocationCheck = errors.New("revocation could not be checked")
)

// Login is one login to check.
type Login struct {
	Protocol  Protocol
	Format    string // "cms" or "xml"
	Signature []byte // CMS (DER, PEM or base64) or signed XML
	Challenge []byte // the challenge the site issued for this session
	// Origin is the site's own origin (Qoltanba protocol), from the site's
	// configuration, never from the request (its Host header is the
	// client's word); Origins are further origins of the same site.
	Origin  string
	Origins []string
	// AllowNCALayer accepts Protocol NCALayer (a signed bare challenge, no
	// origin bound). Off, only the qoltanba login passes: a site that
	// allows both lets an attacker choose the unbound one.
	AllowNCALayer bool
	// Roots are the CA certificates trusted (roots and intermediates).
	Roots []*x509.Certificate
	// CRLs are checked when given, each only for the certificates of its
	// own issuer and only until its nextUpdate (signer.ChainOptions.CRLs);
	// CRLURLs are the URLs they were fetched from: a certificate naming
	// one of them needs a current CRL of its issuer, or the login is
	// refused with ErrRevocationCheck.
	CRLs    []*x509.RevocationList
	CRLURLs []string
	// Time of the check (zero: now); MaxAge bounds how old a Qoltanba
	// login may be (zero: 5 minutes).
	Time   time.Time
	MaxAge time.Duration
	// CertTime, when set, is the time at which certificates must be valid
	// instead of Time (demos and tests with expired test keys).
	CertTime time.Time
	// Challenges, when set, makes each challenge single use.
	Challenges Challenges
	// OCSP, when set, asks the certificate's OCSP responder (fail closed
	// unless OCSP.FailOpen).
	OCSP *OCSPOptions
	// LinkCache remembers the chain links (certificate signed by its
	// issuer) that verified, so that a login with a known chain costs one
	// signature verification; nil: a cache shared by all logins of the
	// process (DefaultLinkCacheSize links). Validity and revocation are
	// checked on every login whatever it holds.
	LinkCache *LinkCache
}

// Identity is who logged in.
type Identity struct {
	signer.Identity
	Certificate *x509.Certificate
}

// VerifyLogin checks a login and returns the identity.
func VerifyLogin(ctx context.Context, l Login) (*Identity, error) {
	switch {
	case l.Protocol == NCALayer && !l.AllowNCALayer:
		return nil, fmt.Errorf("%w: this site requires the qoltanba login (origin-bound); an NCALayer signature of the challenge is not accepted", ErrNotALogin)
	case l.Protocol != NCALayer && l.Protocol != Qoltanba:
		return nil, fmt.Errorf("%w: unknown protocol", ErrMalformedLogin)
	}
	at := l.Time
	if at.IsZero() {
		at = time.Now()
	}
	certAt := at
	if !l.CertTime.IsZero() {
		certAt = l.CertTime
	}
	links := l.LinkCache
	if links == nil {
		links = sharedLinks
	}
	opts := signer.VerifyOptions{Chain: signer.ChainOptions{Roots: l.Roots, CRLs: l.CRLs, CRLURLs: l.CRLURLs, Time: certAt,
		CheckLink: links.CheckLink}}
	var cert *x509.Certificate
	var chain []*x509.Certificate
	var content []byte
	var id signer.Identity // the signer's, as VerifyCMS/VerifyXML read it from cert
	switch l.Format {
	case "cms":
		// Parsed once, by VerifyCMS: an NCALayer page may sign the
		// challenge detached (Data is used only then); a qoltanba login
		// carries its content, so without Data a detached one is refused
		// with ErrContentMissing before any signature is checked.
		if l.Protocol == NCALayer {
			opts.Data = bytes.NewReader(expectedContent(l))
		}
		res, err := signer.VerifyCMS(signer.DecodeCMSText(l.Signature), opts)
		if errors.Is(err, signer.ErrContentMissing) {
			return nil, fmt.Errorf("%w: a qoltanba login carries its content", ErrNotALogin)
		}
		if err != nil {
			return nil, mapErr(err)
		}
		if len(res.Signers) != 1 {
			return nil, fmt.Errorf("%w: %d signers", ErrMalformedLogin, len(res.Signers))
		}
		if l.Protocol == Qoltanba && res.Detached {
			return nil, fmt.Errorf("%w: a qoltanba login carries its content", ErrNotALogin)
		}
		cert, chain, id = res.Signers[0].Certificate, res.Signers[0].Chain, res.Signers[0].Identity
		if l.Protocol == Qoltanba && !res.Signers[0].IsLogin() {
			return nil, fmt.Errorf("%w: no login attribute (%s)", ErrNotALogin, signer.LoginAttributeOID)
		}
		content = res.Content
		if res.Detached {
			content = expectedContent(l) // verified against the digest above
		}
	case "xml":
		res, err := signer.VerifyXML(l.Signature, opts)
		if err != nil {
			return nil, mapErr(err)
		}
		if len(res.Signers) != 1 {
			return nil, fmt.Errorf("%w: %d signatures", ErrMalformedLogin, len(res.Signers))
		}
		cert, chain, id = res.Signers[0].Certificate, res.Signers[0].Chain, res.Signers[0].Identity
		if l.Protocol == Qoltanba && !res.Signers[0].IsLogin() {
			return nil, fmt.Errorf("%w: not one whole-document reference of type %s", ErrNotALogin, signer.LoginReferenceType)
		}
		content = l.Signature
	default:
		return nil, fmt.Errorf("%w: format %q", ErrMalformedLogin, l.Format)
	}
	if err := checkContent(l, content, at); err != nil {
		return nil, err
	}
	if id.Kind != signer.KindAuth && id.Kind != signer.KindBoth {
		return nil, ErrNotAuthKey
	}
	if l.OCSP != nil {
		if len(chain) < 2 {
			return nil, fmt.Errorf("%w: the issuer is not known", ErrRevocationCheck)
		}
		if err := checkOCSP(ctx, l.OCSP, cert, chain[1], at); err != nil {
			return nil, err
		}
	}
	if l.Challenges != nil {
		ok, err := l.Challenges.Consume(ctx, l.Challenge)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrChallengeStore, err)
		}
		if !ok {
			return nil, ErrReplayed
		}
	}
	return &Identity{Identity: id, Certificate: cert}, nil
}

// expectedContent is what an NCALayer page signs for a login: the
// challenge itself (the common client signs its base64 text when decode is
// off; both are accepted in checkContent).
func expectedContent(l Login) []byte { return l.Challenge }

func checkContent(l Login, content []byte, at time.Time) error {
	switch l.Protocol {
	case NCALayer:
		if l.Format == "xml" {
			return checkXMLChallenge(content, l.Challenge)
		}
		b64 := base64.StdEncoding.EncodeToString(l.Challenge)
		if !bytes.Equal(content, l.Challenge) && string(content) != b64 {
			return ErrWrongChallenge
		}
		return nil
	case Qoltanba:
		var c struct{ Challenge, Origin, Time string }
		if l.Format == "xml" {
			d := etree.NewDocument()
			if err := d.ReadFromBytes(content); err != nil || d.Root() == nil || d.Root().Tag != "login" ||
				d.Root().NamespaceURI() != loginNS {
				return fmt.Errorf("%w: not a login document", ErrMalformedLogin)
			}
			get := func(tag string) string {
				if e := d.Root().SelectElement(tag); e != nil {
					return e.Text()
				}
				return ""
			}
			c.Challenge, c.Origin, c.Time = get("challenge"), get("origin"), get("time")
		} else if err := json.Unmarshal(content, &c); err != nil {
			return fmt.Errorf("%w: login content: %v", ErrMalformedLogin, err)
		}
		if c.Challenge != base64.StdEncoding.EncodeToString(l.Challenge) {
			return ErrWrongChallenge
		}
		if c.Origin == "" || (c.Origin != l.Origin && !slices.Contains(l.Origins, c.Origin)) {
			return fmt.Errorf("%w: signed for %q", ErrWrongOrigin, c.Origin)
		}
		t, err := time.Parse(time.RFC3339, c.Time)
		if err != nil {
			return fmt.Errorf("%w: time %q", ErrMalformedLogin, c.Time)
		}
		// The content is exactly what the agent writes (LoginContent), not
		// just something that decodes to the same fields.
		if l.Format != "xml" && !bytes.Equal(content, LoginContent(c.Origin, l.Challenge, t)) {
			return fmt.Errorf("%w: login content is not in canonical form", ErrMalformedLogin)
		}
		maxAge := l.MaxAge
		if maxAge == 0 {
			maxAge = 5 * time.Minute
		}
		if at.Sub(t) > maxAge || t.Sub(at) > time.Minute {
			return ErrStale
		}
		return nil
	}
	return fmt.Errorf("%w: unknown protocol", ErrMalformedLogin)
}

// checkXMLChallenge: an NCALayer XML login signs a document that carries
// the challenge; the document element's text must be exactly it.
func checkXMLChallenge(doc, challenge []byte) error {
	d := etree.NewDocument()
	if err := d.ReadFromBytes(doc); err != nil || d.Root() == nil {
		return fmt.Errorf("%w: %v", ErrMalformedLogin, err)
	}
	want := base64.StdEncoding.EncodeToString(challenge)
	for _, e := range d.Root().ChildElements() {
		if e.Tag != "Signature" && strings.TrimSpace(e.Text()) == want {
			return nil
		}
	}
	if strings.TrimSpace(d.Root().Text()) == want {
		return nil
	}
	return ErrWrongChallenge
}

func mapErr(err error) error {
	switch {
	case errors.Is(err, signer.ErrRevoked):
		return fmt.Errorf("%w: %v", ErrRevoked, err)
	case errors.Is(err, signer.ErrStaleRevocation):
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	case errors.Is(err, signer.ErrExpired):
		return fmt.Errorf("%w: %v", ErrExpired, err)
	case errors.Is(err, signer.ErrUntrusted):
		return fmt.Errorf("%w: %v", ErrUntrusted, err)
	case errors.Is(err, signer.ErrMessageDigest):
		return fmt.Errorf("%w: %v", ErrWrongChallenge, err)
	case errors.Is(err, signer.ErrMalformed), errors.Is(err, signer.ErrXML):
		return fmt.Errorf("%w: %v", ErrMalformedLogin, err)
	}
	return fmt.Errorf("%w: %v", ErrBadSignature, err)
}

// LoginContent is what a qoltanba login signs (CMS): canonical JSON (sorted
// keys, no spaces) of the challenge, the origin the browser reported, and
// the time. The agent writes it and VerifyLogin reads it.
// It is signer.LoginContent, named here for sites.
func LoginContent(origin string, challenge []byte, t time.Time) []byte {
	return signer.LoginContent(origin, challenge, t)
}

// loginNS is the namespace of the XML login's root element.
const loginNS = signer.LoginNamespace

// LoginXML is the XML form of the same content (signer.LoginXML).
func LoginXML(origin string, challenge []byte, t time.Time) []byte {
	return signer.LoginXML(origin, challenge, t)
}

// CanonicalOrigin reads a site's configured origin ("https://Login.Example.kz:443/")
// into the form the agent signs ("https://login.example.kz"): http or https,
// lower-case host, no default port, no path, query or user.
func CanonicalOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.Path != "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an origin such as https://login.example.kz", s)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", fmt.Errorf("%q: bad port", s)
		}
		return u.Scheme + "://" + net.JoinHostPort(host, port), nil
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return u.Scheme + "://" + host, nil
}
