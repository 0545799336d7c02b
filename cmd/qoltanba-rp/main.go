// Command qoltanba-rp is a demo relying party: a login site that accepts a
// signature login through qoltanba's protocol or the classic NCALayer
// basics.sign flow, verifies it with signer/verify, and shows who logged in.
//
//	qoltanba-rp --listen 127.0.0.1:8080 --trust test --ca-dir ../shared/testdata/nca
package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify"
	"github.com/qoltanba/qoltanba/web"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	trust := flag.String("trust", "test", "which NCA CAs to trust: production, test or both")
	caDir := flag.String("ca-dir", "", "directory with the CA certificates (*.cer, *.crt, *.pem); production and test CAs are told apart by the TEST in their names")
	at := flag.String("verify-time", "", "verify certificates at this RFC 3339 time instead of now (the NCA test keys have expired)")
	otp := flag.Bool("otp", false, "ask for a one-time code after the signature (printed to the log)")
	agentPort := flag.Int("agent-port", 13579, "the signing agent's port the login page connects to")
	useOCSP := flag.Bool("ocsp", false, "check revocation with the OCSP responder named in each certificate (fail closed)")
	failOpen := flag.Bool("ocsp-fail-open", false, "with --ocsp: accept logins when the responder cannot be asked")
	crlDir := flag.String("crl-dir", "", "directory of CRL files (*.crl) to check certificates against")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	roots, err := loadCAs(*caDir, *trust)
	if err != nil {
		log.Error("CA certificates", "err", err)
		os.Exit(2)
	}
	var vt time.Time
	if *at != "" {
		if vt, err = time.Parse(time.RFC3339, *at); err != nil {
			log.Error("--verify-time", "err", err)
			os.Exit(2)
		}
	}
	s := &site{roots: roots, verifyTime: vt, otp: *otp, log: log, sessions: map[string]*session{}, agentPort: *agentPort}
	if *crlDir != "" {
		if s.crls, err = loadCRLs(*crlDir); err != nil {
			log.Error("CRLs", "err", err)
			os.Exit(2)
		}
	}
	if *useOCSP {
		s.ocsp = &verify.OCSPOptions{Timeout: 5 * time.Second, FailOpen: *failOpen}
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Error("listen", "err", err)
		os.Exit(1)
	}
	fmt.Printf("qoltanba-rp on http://%s/ (%d trusted CA certificates)\n", l.Addr(), len(roots))
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}

// loadCAs reads the CA certificates of a directory, keeping production
// ones, test ones, or both.
func loadCAs(dir, trust string) ([]*x509.Certificate, error) {
	if trust != "production" && trust != "test" && trust != "both" {
		return nil, fmt.Errorf("--trust must be production, test or both")
	}
	if dir == "" {
		return nil, fmt.Errorf("--ca-dir is required (NCA publishes its certificates at pki.gov.kz/cert/)")
	}
	var out []*x509.Certificate
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".cer", ".crt", ".pem":
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if blk, _ := pem.Decode(b); blk != nil {
			b = blk.Bytes
		} else if d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err == nil {
			b = d
		}
		c, err := x509.ParseCertificate(b)
		if err != nil || !c.IsCA {
			return nil // signer certificates and other files are not trust anchors
		}
		test := strings.Contains(strings.ToUpper(c.Subject.CommonName), "TEST")
		if trust == "both" || (trust == "test") == test {
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// loadCRLs reads every *.crl of a directory (DER or PEM); each CRL's
// signature is checked against its issuer when a certificate is verified.
func loadCRLs(dir string) ([]*x509.RevocationList, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.crl"))
	if err != nil {
		return nil, err
	}
	var out []*x509.RevocationList
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		crl, err := signer.ParseCRL(b, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, crl)
	}
	return out, nil
}

type session struct {
	challenges map[string]time.Time // issued, unused
	user       *verify.Identity     // after the signature
	otp        string               // pending second factor
	loggedIn   bool
}

type site struct {
	roots      []*x509.Certificate
	verifyTime time.Time
	otp        bool
	log        *slog.Logger
	agentPort  int
	ocsp       *verify.OCSPOptions
	crls       []*x509.RevocationList

	mu       sync.Mutex
	sessions map[string]*session
}

const challengeTTL = 5 * time.Minute

// sessionOf returns the browser's session (HttpOnly, SameSite=Strict cookie).
func (s *site) sessionOf(w http.ResponseWriter, r *http.Request) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := r.Cookie("rp_session"); err == nil {
		if ss := s.sessions[c.Value]; ss != nil {
			return ss
		}
	}
	id := randomB64(24)
	ss := &session{challenges: map[string]time.Time{}}
	s.sessions[id] = ss
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return ss
}

func randomB64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// challengeStore makes a session's challenges single use and short lived.
type challengeStore struct {
	s  *site
	ss *session
}

func (c challengeStore) Consume(ch []byte) bool {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k := string(ch)
	t, ok := c.ss.challenges[k]
	delete(c.ss.challenges, k)
	return ok && time.Since(t) < challengeTTL
}

func (s *site) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.loginPage)
	mux.HandleFunc("GET /qoltanba.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(web.ClientJS)
	})
	mux.HandleFunc("POST /challenge", s.newChallenge)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /otp", s.checkOTP)
	mux.HandleFunc("GET /me", s.me)
	return mux
}

func (s *site) newChallenge(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOf(w, r)
	ch := make([]byte, 32)
	rand.Read(ch)
	s.mu.Lock()
	ss.challenges[string(ch)] = time.Now()
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]string{"challenge": base64.StdEncoding.EncodeToString(ch)})
}

// origin is this site's origin as the browser reports it.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

var messages = map[error]string{
	verify.ErrExpired: "The certificate has expired.", verify.ErrRevoked: "The certificate is revoked.",
	verify.ErrUntrusted: "The certificate is not issued by a trusted NCA CA.", verify.ErrWrongChallenge: "The signature is not over this login's challenge.",
	verify.ErrWrongOrigin: "The login was signed for another site.", verify.ErrReplayed: "This login was already used or has expired; try again.",
	verify.ErrBadSignature: "The signature is not valid.", verify.ErrNotAuthKey: "Use an authentication key.", verify.ErrStale: "The login is too old; try again.",
	verify.ErrRevocationCheck: "The certificate's status could not be checked; try again later.",
}

func (s *site) login(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOf(w, r)
	var req struct{ Protocol, Format, Signature, Challenge string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ch, err := base64.StdEncoding.DecodeString(req.Challenge)
	if err != nil {
		http.Error(w, "bad challenge", http.StatusBadRequest)
		return
	}
	l := verify.Login{Format: req.Format, Signature: []byte(req.Signature), Challenge: ch, Origin: origin(r),
		Roots: s.roots, CertTime: s.verifyTime, Challenges: challengeStore{s, ss}, OCSP: s.ocsp, CRLs: s.crls}
	if req.Protocol == "qoltanba" {
		l.Protocol = verify.Qoltanba
	}
	id, err := verify.VerifyLogin(r.Context(), l)
	if err != nil {
		msg := "Login failed."
		for e, m := range messages {
			if errors.Is(err, e) {
				msg = m
			}
		}
		s.log.Info("login refused", "err", err)
		w.WriteHeader(http.StatusForbidden)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	s.mu.Lock()
	ss.user = id
	if s.otp {
		n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
		ss.otp = fmt.Sprintf("%06d", n)
		s.log.Info("one-time code (demo: shown here instead of an SMS)", "iin", id.IIN, "code", ss.otp)
	} else {
		ss.loggedIn = true
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "otp": s.otp})
}

func (s *site) checkOTP(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOf(w, r)
	code := r.FormValue("code")
	s.mu.Lock()
	ok := ss.user != nil && ss.otp != "" && code == ss.otp
	if ok {
		ss.loggedIn, ss.otp = true, ""
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "wrong code", http.StatusForbidden)
		return
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}

var meTmpl = template.Must(template.New("me").Parse(`<!doctype html><meta charset="utf-8"><title>Logged in</title>
<h1 id="who">{{.CommonName}}</h1>
<p>IIN <span id="iin">{{.IIN}}</span></p>
{{if .BIN}}<p>{{.Organization}}, BIN <span id="bin">{{.BIN}}</span></p>{{end}}
<p>Roles: {{range .Roles}}{{.}} {{end}}</p>
<p>Certificate serial {{.Serial}}, issuer {{.Issuer}}</p>`))

func (s *site) me(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOf(w, r)
	s.mu.Lock()
	id, ok := ss.user, ss.loggedIn
	s.mu.Unlock()
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	meTmpl.Execute(w, id)
}
