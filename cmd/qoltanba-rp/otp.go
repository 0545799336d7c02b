package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
)

// otpTries is how many codes a login's one-time code may be guessed with;
// the last wrong one ends the login (a new signature gets a new code).
const otpTries = 5

// otpTriesKey names the count of tries at a session's current code: a new
// login's new code starts a new count. The count is taken from the store
// atomically (store.Incr), so parallel guesses, to any instance of the
// site, each use up a try.
func otpTriesKey(id string, ss *session) string {
	h := sha256.Sum256([]byte(id + "\x00" + ss.OTP))
	return "otp-tries:" + id + ":" + hex.EncodeToString(h[:8])
}

func (s *site) checkOTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	id, ss, err := s.loadSession(r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if ss == nil || ss.User == nil || ss.OTP == "" {
		http.Error(w, "no one-time code is pending; log in again", http.StatusForbidden)
		return
	}
	key := otpTriesKey(id, ss)
	n, err := s.store.Incr(r.Context(), key, sessionTTL)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	right := n <= otpTries && subtle.ConstantTimeCompare([]byte(r.PostForm.Get("code")), []byte(ss.OTP)) == 1
	if !right {
		if n < otpTries {
			http.Error(w, "wrong code", http.StatusForbidden)
			return
		}
		// Tries used up: the login ends here.
		s.log.Info("one-time code: too many wrong tries; the login is ended", "iin", ss.User.IIN, "tries", n)
		ss.User, ss.OTP = nil, ""
		if err := s.saveSession(r.Context(), id, ss); err != nil {
			s.unavailable(w, err)
			return
		}
		http.Error(w, "too many wrong codes; log in again", http.StatusForbidden)
		return
	}
	ss.LoggedIn, ss.OTP = true, ""
	if err := s.saveSession(r.Context(), id, ss); err != nil {
		s.unavailable(w, err)
		return
	}
	s.store.Delete(r.Context(), key)
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}
