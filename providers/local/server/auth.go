package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
)

// MinTokenLength is the shortest access token Config.Token takes.
const MinTokenLength = 16

// SessionCookie is the cookie the sign-in page sets: the expiry and an
// HMAC of it keyed by the access token, never the token itself.
const SessionCookie = "paykit_dev_session"

// SessionTTL is how long a dashboard sign-in lasts.
const SessionTTL = 30 * 24 * time.Hour

// ErrToken is the error of Start given an unusable Config.Token.
var ErrToken = errors.New("server: unusable access token")

// checkToken refuses a token too short to guess or one that cannot go
// in an Authorization header.
func checkToken(token string) error {
	if len(token) < MinTokenLength {
		return fmt.Errorf("%w: the access token must be at least %d characters", ErrToken, MinTokenLength)
	}
	for i := 0; i < len(token); i++ {
		if token[i] <= ' ' || token[i] > '~' {
			return fmt.Errorf("%w: the access token must be printable ASCII without spaces", ErrToken)
		}
	}
	return nil
}

// auth guards a server with an access token: the API wants
// "Authorization: Bearer <token>", the pages a session cookie set by
// the sign-in page once the token was entered there.
type auth struct {
	token  []byte
	secure bool // the cookie is Secure: the public URL is https
	now    func() time.Time
	page   *template.Template
}

// tokenOK compares in constant time, also for the length (hashes of
// equal length are compared).
func (a *auth) tokenOK(given string) bool {
	g, w := sha256.Sum256([]byte(given)), sha256.Sum256(a.token)
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func (a *auth) mac(exp string) []byte {
	m := hmac.New(sha256.New, a.token)
	m.Write([]byte("paykit dev session\x00" + exp))
	return m.Sum(nil)
}

func (a *auth) newSession() *http.Cookie {
	exp := a.now().Add(SessionTTL)
	unix := strconv.FormatInt(exp.Unix(), 10)
	return &http.Cookie{Name: SessionCookie, Value: unix + "." + base64.RawURLEncoding.EncodeToString(a.mac(unix)),
		Path: "/", Expires: exp, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode}
}

func (a *auth) signedIn(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return false
	}
	unix, sig, ok := strings.Cut(c.Value, ".")
	exp, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil || a.now().Unix() >= exp {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && hmac.Equal(got, a.mac(unix))
}

// wrap lets through /healthz, the API with the token and the pages with
// a session; it serves /signin and /signout itself. A page asked for
// without a session redirects to the sign-in page, which returns there.
func (a *auth) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/healthz":
			h.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/api/"):
			bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || !a.tokenOK(bearer) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="paykit dev"`)
				writeError(w, http.StatusUnauthorized, &paykit.Error{Code: paykit.CodeAuthentication,
					Message: "this local payments server needs its access token: send Authorization: Bearer <token> (local.WithServerToken)"})
				return
			}
			h.ServeHTTP(w, r)
		case p == "/signin":
			a.signin(w, r)
		case p == "/signout" && r.Method == http.MethodPost:
			http.SetCookie(w, &http.Cookie{Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
		case a.signedIn(r):
			h.ServeHTTP(w, r)
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		default:
			http.Error(w, "sign in first: open /signin", http.StatusUnauthorized)
		}
	})
}

type signinView struct {
	Next    string
	Error   string
	Refresh string
}

// signin shows the sign-in form (GET) and checks the token (POST),
// setting the session cookie and returning to next.
func (a *auth) signin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		next := localPath(r.URL.Query().Get("next"))
		if a.signedIn(r) {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		v := signinView{Next: next}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" && r.URL.Query().Get("again") == "" {
			// A payer sent here from the app's own site: the browser held
			// back the SameSite=Strict cookie. Asked again from this page
			// it sends it, and a signed-in payer goes on at once.
			v.Refresh = "0; url=/signin?again=1&next=" + url.QueryEscape(next)
		}
		a.render(w, http.StatusOK, v)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			a.render(w, http.StatusBadRequest, signinView{Error: "The form could not be read."})
			return
		}
		next := localPath(r.PostForm.Get("next"))
		if !a.tokenOK(r.PostForm.Get("token")) {
			a.render(w, http.StatusUnauthorized, signinView{Next: next, Error: "That is not the access token of this server."})
			return
		}
		http.SetCookie(w, a.newSession())
		http.Redirect(w, r, next, http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}

// localPath returns next if it is a path on this server, else "/": the
// sign-in page sends nobody elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

func (a *auth) render(w http.ResponseWriter, status int, v signinView) {
	var b strings.Builder
	if err := a.page.Execute(&b, v); err != nil {
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}
