package main

import (
	"encoding/json"
	"net/http"
)

// Sessions are stored only when a browser asks for a challenge: a
// cookieless GET (the login page, /me) or a POST that needs a session it
// does not have (/login, /otp) stores nothing. A session started for a
// challenge lives as long as the challenge (challengeTTL); a login moves it
// to a new id, kept for sessionTTL (the browser's old id may be known to
// someone else: session fixation).

// loadSession returns the browser's stored session, or a nil session when
// it has none (no cookie, an unknown or expired one).
func (s *site) loadSession(r *http.Request) (string, *session, error) {
	c, err := r.Cookie("rp_session")
	if err != nil || len(c.Value) != 32 {
		return "", nil, nil
	}
	b, err := s.store.Load(r.Context(), "session:"+c.Value)
	if err != nil || b == nil {
		return "", nil, err
	}
	var ss session
	if json.Unmarshal(b, &ss) != nil {
		return "", nil, nil
	}
	return c.Value, &ss, nil
}

// startSession returns the browser's session, or stores a new one for
// challengeTTL and sets its cookie.
func (s *site) startSession(w http.ResponseWriter, r *http.Request) (string, *session, error) {
	id, ss, err := s.loadSession(r)
	if err != nil || ss != nil {
		return id, ss, err
	}
	id, ss = randomB64(24), &session{}
	b, _ := json.Marshal(ss)
	if err := s.store.Save(r.Context(), "session:"+id, b, challengeTTL); err != nil {
		return "", nil, err
	}
	http.SetCookie(w, &http.Cookie{Name: "rp_session", Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return id, ss, nil
}
