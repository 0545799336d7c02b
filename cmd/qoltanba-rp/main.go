// Command qoltanba-rp is a demo relying party: a login site that accepts a
// signature login through qoltanba's protocol (bound to the site's
// configured --origin) or, with --allow-ncalayer-login, the classic
// NCALayer basics.sign flow, verifies it with signer/verify, and shows who
// logged in.
// Several instances behind a load balancer share challenges and sessions
// through Redis (--redis).
//
//	qoltanba-rp --listen 127.0.0.1:8080 --trust test [--origin https://login.example.kz] [--allow-ncalayer-login]
//	            [--redis redis://127.0.0.1:6379/0] [--crl-url URL]
package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify"
	"github.com/qoltanba/qoltanba/signer/verify/redisstore"
	"github.com/qoltanba/qoltanba/signer/verify/trust"
	"github.com/qoltanba/qoltanba/web"
)

// usage is --help's text. It names the program qoltanba-rp, not the path
// it runs from (go run builds it in a temporary folder, and flag's own usage
// line would show that path).
func usage() {
	w := flag.CommandLine.Output()
	fmt.Fprint(w, `usage: qoltanba-rp [flags]

qoltanba-rp is a demo login site: "Log in with qoltanba" (a signature bound
to this site's origin) or, with --allow-ncalayer-login, NCALayer's
basics.sign; it verifies the login with NCA's CAs and shows who logged in.
Example (the NCA test keys have expired, hence --verify-time):

  qoltanba-rp --listen 127.0.0.1:8080 --trust test --verify-time 2026-01-15T00:00:00Z

flags:
`)
	flag.PrintDefaults()
}

func main() {
	flag.CommandLine.Init("qoltanba-rp", flag.ExitOnError)
	flag.Usage = usage
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	trustSet := flag.String("trust", "test", "which NCA CAs to trust: test (carried in qoltanba), production or both (production ones from --ca-dir)")
	caDir := flag.String("ca-dir", "", "directory with NCA's production CA certificates (*.cer, *.crt, *.pem), for --trust production|both")
	at := flag.String("verify-time", "", "verify certificates at this RFC 3339 time instead of now (the NCA test keys have expired)")
	otp := flag.Bool("otp", false, "ask for a one-time code after the signature (printed to the log)")
	agentPort := flag.Int("agent-port", 13579, "the signing agent's port the login page connects to")
	useOCSP := flag.Bool("ocsp", false, "check revocation with the OCSP responder named in each certificate (fail closed)")
	failOpen := flag.Bool("ocsp-fail-open", false, "with --ocsp: accept logins when the responder cannot be asked")
	crlDir := flag.String("crl-dir", "", "directory of CRL files (*.crl) to check certificates against")
	var crlURLs listFlag
	flag.Var(&crlURLs, "crl-url", "a CRL to fetch and keep fresh in the background (before its nextUpdate, at least every --crl-refresh); repeatable")
	crlRefresh := flag.Duration("crl-refresh", time.Hour, "with --crl-url: the longest wait between two fetches")
	redisURL := flag.String("redis", "", "keep challenges and sessions in Redis (redis://HOST:PORT/DB), shared by every instance of the site; default: this process's memory")
	siteName := flag.String("site", "qoltanba-rp", "the site's name: namespaces its keys in Redis (the same for every instance of one site)")
	var origins listFlag
	flag.Var(&origins, "origin", "the site's own origin as browsers see it (https://login.example.kz), which a login must be signed for; repeatable or comma-separated; default: http://127.0.0.1:PORT and http://localhost:PORT of --listen")
	allowNCALayer := flag.Bool("allow-ncalayer-login", false, "also accept the NCALayer login (basics.sign of the challenge), which binds no origin: a phishing page that relays the challenge gets a valid login")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	set, err := trust.ParseSet(*trustSet)
	if err != nil {
		log.Error("--trust", "err", err)
		os.Exit(2)
	}
	roots, err := trust.Load(set, *caDir)
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
	s := &site{roots: roots, verifyTime: vt, otp: *otp, log: log, agentPort: *agentPort, store: &memStore{}, allowNCALayer: *allowNCALayer}
	if s.origins, err = parseOrigins(origins); err != nil {
		log.Error("--origin", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *redisURL != "" {
		rs, err := redisstore.Open(*redisURL, *siteName)
		if err != nil {
			log.Error("--redis", "err", err)
			os.Exit(2)
		}
		defer rs.Close()
		if err := rs.Ping(ctx); err != nil {
			log.Warn("Redis does not answer yet; logins are refused until it does", "err", err)
		}
		s.store = rs
	}
	s.crls = &crlSet{roots: roots, refresh: *crlRefresh, http: &http.Client{Timeout: 30 * time.Second}, log: log, urls: crlURLs}
	if *crlDir != "" {
		if s.crls.files, err = loadCRLs(*crlDir, roots, log); err != nil {
			log.Error("CRLs", "err", err)
			os.Exit(2)
		}
	}
	s.crls.run(ctx)
	if *useOCSP {
		s.ocsp = &verify.OCSPOptions{Timeout: 5 * time.Second, FailOpen: *failOpen}
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Error("listen", "err", err)
		os.Exit(1)
	}
	if len(s.origins) == 0 {
		s.origins = defaultOrigins(l.Addr().(*net.TCPAddr))
	}
	log.Info("logins accepted for", "origins", s.origins, "ncalayer", s.allowNCALayer)
	fmt.Printf("qoltanba-rp on http://%s/ (%d trusted CA certificates)\n", l.Addr(), len(roots))
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// session is what a browser's cookie names, kept in the site's store (so
// that every instance behind a load balancer knows it).
type session struct {
	User     *signer.Identity `json:"user,omitempty"` // after the signature
	OTP      string           `json:"otp,omitempty"`  // pending second factor
	LoggedIn bool             `json:"loggedIn,omitempty"`
}

type site struct {
	roots      []*x509.Certificate
	verifyTime time.Time
	otp        bool
	log        *slog.Logger
	agentPort  int
	ocsp       *verify.OCSPOptions
	crls       *crlSet
	store      store
	// origins are the site's own origins, from configuration (--origin or
	// the listen address), never from a request's Host header.
	origins       []string
	allowNCALayer bool
}

const (
	challengeTTL = 5 * time.Minute
	sessionTTL   = 12 * time.Hour
)

// errUnavailable: the store (Redis) cannot be reached.
var errUnavailable = errors.New("the login service is unavailable right now; try again in a moment")

// sessionOf returns the browser's session id and session (HttpOnly,
// SameSite=Strict cookie). Without one it returns a new, empty session
// that is neither stored nor given a cookie (sessions.go: only a challenge
// starts one).
func (s *site) sessionOf(w http.ResponseWriter, r *http.Request) (string, *session, error) {
	id, ss, err := s.loadSession(r)
	if err != nil || ss != nil {
		return id, ss, err
	}
	return randomB64(24), &session{}, nil
}

func (s *site) saveSession(ctx context.Context, id string, ss *session) error {
	b, _ := json.Marshal(ss)
	return s.store.Save(ctx, "session:"+id, b, sessionTTL)
}

func randomB64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// unavailable answers 503 when the store cannot be reached.
func (s *site) unavailable(w http.ResponseWriter, err error) {
	s.log.Error("store", "err", err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	json.NewEncoder(w).Encode(map[string]string{"error": errUnavailable.Error()})
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
	return limitBodies(mux)
}

func (s *site) newChallenge(w http.ResponseWriter, r *http.Request) {
	id, _, err := s.startSession(w, r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	ch, err := verify.IssueChallenge(r.Context(), s.store, id, challengeTTL)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"challenge": base64.StdEncoding.EncodeToString(ch)})
}

// parseOrigins reads --origin values (each may be a comma list) into the
// canonical form the agent signs (verify.CanonicalOrigin).
func parseOrigins(vals []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		for _, o := range strings.Split(v, ",") {
			if strings.TrimSpace(o) == "" {
				continue
			}
			c, err := verify.CanonicalOrigin(o)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// defaultOrigins is the demo's origin when none is configured, from the
// address it listens on (never from a request): http on that address,
// with 127.0.0.1 and localhost for a loopback or unspecified one.
func defaultOrigins(a *net.TCPAddr) []string {
	port := strconv.Itoa(a.Port)
	if a.IP.IsLoopback() || a.IP.IsUnspecified() {
		return []string{"http://127.0.0.1:" + port, "http://localhost:" + port}
	}
	return []string{"http://" + net.JoinHostPort(a.IP.String(), port)}
}

// messages is what the user reads for each refusal (README: deploying the
// verifier).
var messages = []struct {
	err error
	msg string
}{
	{verify.ErrExpired, "The certificate has expired."},
	{verify.ErrRevoked, "The certificate is revoked."},
	{verify.ErrUntrusted, "The certificate is not issued by a trusted NCA CA."},
	{verify.ErrWrongChallenge, "The signature is not over this login's challenge."},
	{verify.ErrWrongOrigin, "The login was signed for another site."},
	{verify.ErrReplayed, "This login was already used or has expired; try again."},
	{verify.ErrBadSignature, "The signature is not valid."},
	{verify.ErrNotAuthKey, "Use an authentication key."},
	{verify.ErrStale, "The login is too old; try again."},
	{verify.ErrMalformedLogin, "The login signature is malformed."},
	{verify.ErrNotALogin, "This site accepts only the qoltanba login, which is bound to this site: use \"Log in with qoltanba\"."},
	{verify.ErrRevocationCheck, "The certificate's status could not be checked; try again later."},
	{verify.ErrChallengeStore, errUnavailable.Error()},
}

func (s *site) login(w http.ResponseWriter, r *http.Request) {
	id, ss, err := s.sessionOf(w, r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
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
	l := verify.Login{Format: req.Format, Signature: []byte(req.Signature), Challenge: ch, Origins: s.origins,
		AllowNCALayer: s.allowNCALayer, Roots: s.roots, CertTime: s.verifyTime, Challenges: verify.Issued(s.store, id), OCSP: s.ocsp, CRLs: s.crls.List()}
	if req.Protocol == "qoltanba" {
		l.Protocol = verify.Qoltanba
	}
	l.CRLURLs = s.crls.URLs() // a certificate naming one needs its issuer's current CRL (crls.go)
	var user *verify.Identity
	if err = s.crls.ready(); err != nil {
		err = fmt.Errorf("%w: %v", verify.ErrRevocationCheck, err)
	} else {
		user, err = verify.VerifyLogin(r.Context(), l)
	}
	if err != nil {
		msg, code := "Login failed.", http.StatusForbidden
		for _, m := range messages {
			if errors.Is(err, m.err) {
				msg = m.msg
				break
			}
		}
		if errors.Is(err, verify.ErrChallengeStore) {
			code = http.StatusServiceUnavailable
		}
		s.log.Info("login refused", "err", err)
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	ss.User = &user.Identity
	if s.otp {
		n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
		ss.OTP = fmt.Sprintf("%06d", n)
		s.log.Info("one-time code (demo: shown here instead of an SMS)", "iin", user.IIN, "code", ss.OTP)
	} else {
		ss.LoggedIn = true
	}
	// A new session id for the signed-in session: the one the browser
	// came with may be known to someone else (set into the browser by a
	// sibling subdomain or over plain http: session fixation), and would
	// then share the login.
	newID := randomB64(24)
	if err := s.saveSession(r.Context(), newID, ss); err != nil {
		s.unavailable(w, err)
		return
	}
	s.store.Delete(r.Context(), "session:"+id)
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: newID, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "otp": s.otp})
}

func (s *site) me(w http.ResponseWriter, r *http.Request) {
	_, ss, err := s.sessionOf(w, r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if !ss.LoggedIn {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	meTmpl.Execute(w, ss.User)
}
