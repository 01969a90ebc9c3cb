package providerkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/paykit-go/paykit"
)

// Defaults of TokenManagerConfig.
const (
	// DefaultTokenLeeway is how long before its expiry a token is
	// replaced, unless the token lives so briefly that a quarter of its
	// lifetime is shorter.
	DefaultTokenLeeway = 60 * time.Second
	// DefaultTokenFetchTimeout bounds one token request.
	DefaultTokenFetchTimeout = 30 * time.Second
)

// TokenFetchFunc obtains a new access token: the token and how long it is
// valid from the moment the request was sent. A lifetime of 0 means the
// endpoint stated none (see TokenManagerConfig.DefaultLifetime). Errors
// should be *paykit.Error (TokenRequestError builds one from a status and
// an OAuth2 error code); any other error becomes an AUTHENTICATION_ERROR
// carrying its message, so a fetch must never put a secret, a token or a
// response body in the errors it returns.
//
// ctx is not the ctx of any one caller of TokenManager.Token: it keeps
// their first caller's values but not its cancellation, and ends after
// TokenManagerConfig.FetchTimeout.
type TokenFetchFunc func(ctx context.Context) (token string, lifetime time.Duration, err error)

// TokenManagerConfig configures a TokenManager. Every field is optional.
type TokenManagerConfig struct {
	// Provider names the provider in errors and logs.
	Provider string
	// Leeway is how long before its expiry a token is replaced; it is
	// capped at a quarter of the token's lifetime, so that a token living
	// a minute is still used for 45 seconds. Zero means
	// DefaultTokenLeeway; negative means no leeway.
	Leeway time.Duration
	// DefaultLifetime is the lifetime of a token fetched without one.
	// Zero keeps such a token until Invalidate drops it.
	DefaultLifetime time.Duration
	// FetchTimeout bounds each token request. Zero means
	// DefaultTokenFetchTimeout; negative means no bound other than the
	// fetch's own.
	FetchTimeout time.Duration
	// Now is the clock; nil means time.Now. Tests inject their own.
	Now func() time.Time
	// Logger receives one debug record per token request: provider,
	// duration, lifetime, and the error code and message when it failed.
	// Tokens, secrets and response bodies are never logged.
	Logger *slog.Logger
}

// TokenManager caches the access token of an API that issues short-lived
// tokens (OAuth2 client credentials and look-alikes) and replaces it
// shortly before it expires, or when the API refused it. It is safe for
// concurrent use.
//
// Single flight. When callers need a token and none is valid, exactly one
// request is made, whose token or error every waiting caller receives; a
// failed request is not cached, so the next caller tries again. The
// request runs detached from its callers: a caller whose ctx ends while
// it waits returns paykit.ContextError(ctx.Err()) at once, and the request
// goes on for the others, bounded by FetchTimeout, its token cached for
// the next caller even if every waiter has left. One impatient caller thus
// never fails the others, and a token endpoint that hangs holds no caller
// longer than its own ctx allows.
//
// Refused tokens. A TokenManager is an Authenticator of the REST transport
// (Authenticate sets "Authorization: Bearer <token>") and a
// Reauthenticator: when the API answers 401 to a request, the transport
// calls Reauthenticate with that request once, then repeats the request
// with the fresh token; a second 401 fails with paykit.ErrAuthentication.
type TokenManager struct {
	fetch           TokenFetchFunc
	provider        string
	leeway          time.Duration
	defaultLifetime time.Duration
	fetchTimeout    time.Duration
	now             func() time.Time
	logger          *slog.Logger

	mu sync.Mutex
	// token is the cached token, empty when there is none.
	token Secret
	// refreshAt is when token is due to be replaced; zero means never
	// (the token has no known lifetime).
	refreshAt time.Time
	// expiresAt is when token stops being valid, zero when unknown: a
	// refresh that fails before then leaves callers the old token.
	expiresAt time.Time
	// call is the token request in flight, nil when there is none.
	call *tokenCall
}

// tokenCall is one token request and the callers waiting for it.
type tokenCall struct {
	done    chan struct{}
	waiters int // callers that joined it; read by tests
	token   Secret
	err     *paykit.Error
}

// NewTokenManager returns a TokenManager that obtains its tokens from
// fetch. A nil fetch fails every call with a CONFIGURATION_ERROR.
func NewTokenManager(fetch TokenFetchFunc, cfg TokenManagerConfig) *TokenManager {
	m := &TokenManager{
		fetch:           fetch,
		provider:        cfg.Provider,
		leeway:          cfg.Leeway,
		defaultLifetime: max(cfg.DefaultLifetime, 0),
		fetchTimeout:    cfg.FetchTimeout,
		now:             cfg.Now,
		logger:          cfg.Logger,
	}
	switch {
	case m.leeway == 0:
		m.leeway = DefaultTokenLeeway
	case m.leeway < 0:
		m.leeway = 0
	}
	if m.fetchTimeout == 0 {
		m.fetchTimeout = DefaultTokenFetchTimeout
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// Token returns a valid access token: the cached one, or a new one
// obtained as the TokenManager documentation describes. Every error is a
// *paykit.Error of the caller's own.
func (m *TokenManager) Token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", paykit.ContextError(err)
	}
	if m.fetch == nil {
		return "", m.withProvider(&paykit.Error{Code: paykit.CodeConfiguration, Message: "the token manager has no fetch function"})
	}
	m.mu.Lock()
	if !m.token.IsZero() && (m.refreshAt.IsZero() || m.now().Before(m.refreshAt)) {
		tok := m.token.Reveal()
		m.mu.Unlock()
		return tok, nil
	}
	c := m.call
	if c == nil {
		c = &tokenCall{done: make(chan struct{})}
		m.call = c
		go m.run(context.WithoutCancel(ctx), c)
	}
	c.waiters++
	m.mu.Unlock()
	select {
	case <-c.done:
		if c.err != nil {
			cp := *c.err
			return "", &cp
		}
		return c.token.Reveal(), nil
	case <-ctx.Done():
		return "", paykit.ContextError(ctx.Err())
	}
}

// run performs the token request of c and publishes its outcome.
func (m *TokenManager) run(ctx context.Context, c *tokenCall) {
	if m.fetchTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.fetchTimeout)
		defer cancel()
	}
	start := m.now()
	began := time.Now()
	tok, lifetime, err := m.safeFetch(ctx)
	var pe *paykit.Error
	switch {
	case err != nil:
		pe = m.fetchError(ctx, err)
	case tok == "":
		pe = m.withProvider(&paykit.Error{Code: paykit.CodeAuthentication, Message: "the token endpoint issued no token"})
	}
	lifetime = max(lifetime, 0)
	if lifetime == 0 {
		lifetime = m.defaultLifetime
	}
	m.log(ctx, time.Since(began), lifetime, pe)
	m.mu.Lock()
	switch {
	case pe == nil:
		m.token = NewSecret(tok)
		m.refreshAt, m.expiresAt = time.Time{}, time.Time{}
		if lifetime > 0 {
			m.refreshAt = start.Add(lifetime - min(m.leeway, lifetime/4))
			m.expiresAt = start.Add(lifetime)
		}
	case !m.token.IsZero() && m.now().Before(m.expiresAt):
		// The refresh failed inside the leeway: the old token is still
		// good, so callers get it, and the next call tries again.
		tok, pe = m.token.Reveal(), nil
	}
	m.call = nil
	c.token, c.err = NewSecret(tok), pe
	m.mu.Unlock()
	close(c.done)
}

// safeFetch calls the fetch function, turning a panic into an error, so
// that the callers waiting for it are answered and later calls try again.
func (m *TokenManager) safeFetch(ctx context.Context) (tok string, lifetime time.Duration, err error) {
	defer func() {
		if r := recover(); r != nil {
			tok, lifetime, err = "", 0, errors.New("the token fetch function panicked: "+paykit.Redact(fmt.Sprint(r)))
		}
	}()
	return m.fetch(ctx)
}

// fetchError turns an error of the fetch function into a *paykit.Error.
func (m *TokenManager) fetchError(ctx context.Context, err error) *paykit.Error {
	if pe, ok := paykit.AsError(err); ok {
		cp := *pe
		return m.withProvider(&cp)
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return m.withProvider(&paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "token request timed out", Err: err})
	}
	return m.withProvider(&paykit.Error{Code: paykit.CodeAuthentication, Message: "cannot obtain an access token: " + err.Error(), Err: err})
}

func (m *TokenManager) withProvider(pe *paykit.Error) *paykit.Error {
	if pe.Provider == "" {
		pe.Provider = m.provider
	}
	return pe
}

func (m *TokenManager) log(ctx context.Context, took, lifetime time.Duration, pe *paykit.Error) {
	if m.logger == nil || !m.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", m.provider),
		slog.Duration("duration", took),
	}
	if pe != nil {
		attrs = append(attrs, slog.String("code", string(pe.Code)), slog.String("error", pe.Error()))
	} else {
		attrs = append(attrs, slog.Duration("lifetime", lifetime))
	}
	m.logger.LogAttrs(ctx, slog.LevelDebug, "paykit token request", attrs...)
}

// Invalidate drops the cached token if it is still stale, the token the
// API refused; the next Token call then obtains a new one. A token other
// than the cached one (an older token, refused after a concurrent
// refresh) changes nothing, so that many requests refused at once cause a
// single refresh. An empty stale changes nothing.
func (m *TokenManager) Invalidate(stale string) {
	if stale == "" {
		return
	}
	m.mu.Lock()
	if m.token.Reveal() == stale {
		m.token, m.refreshAt, m.expiresAt = Secret{}, time.Time{}, time.Time{}
	}
	m.mu.Unlock()
}

// Authenticate sets "Authorization: Bearer <token>" on req, with the token
// Token returns. It makes the TokenManager an Authenticator.
func (m *TokenManager) Authenticate(ctx context.Context, req *http.Request) error {
	tok, err := m.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Reauthenticate is called with a request the API answered 401: it
// invalidates the bearer token req carries (see Invalidate) and sets a
// fresh one on req, which the caller may then send again.
func (m *TokenManager) Reauthenticate(ctx context.Context, req *http.Request) error {
	m.Invalidate(tokenFromBearer(req.Header.Get("Authorization")))
	return m.Authenticate(ctx, req)
}

// tokenFromBearer returns the token of an "Authorization: Bearer" value, ""
// for any other value.
func tokenFromBearer(v string) string {
	const prefix = "bearer "
	if len(v) <= len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
		return ""
	}
	return strings.TrimSpace(v[len(prefix):])
}

// Reauthenticator is implemented by an Authenticator whose credentials
// may be replaced when the API refuses them (a TokenManager is both). The transport checks for it on a 401: it
// calls Reauthenticate(ctx, req) with the request that was refused, at
// most once per call, and repeats the request with the credentials set
// by Reauthenticate (or by Authenticate on the next attempt, which returns
// the same); a second 401 fails with paykit.ErrAuthentication. A 401 means
// the API acted on nothing, so even a write is safe to repeat.
type Reauthenticator interface {
	Reauthenticate(ctx context.Context, req *http.Request) error
}

// A TokenManager authenticates the requests of a RESTClient and replaces
// a token the API refused.
var (
	_ Authenticator   = (*TokenManager)(nil)
	_ Reauthenticator = (*TokenManager)(nil)
)

// ClientCredentialsConfig configures the standard OAuth2 client
// credentials grant (RFC 6749 section 4.4), as PayPal and GoPay use it.
type ClientCredentialsConfig struct {
	// TokenURL is the token endpoint, e.g.
	// "https://api-m.paypal.com/v1/oauth2/token". Required.
	TokenURL string
	// ClientID is the client's id. Required.
	ClientID string
	// ClientSecret is the client's secret (NewSecret(secret)), kept in a
	// Secret so that a printed or logged config does not show it.
	// Required.
	ClientSecret Secret
	// Scopes are requested in the scope parameter, space-separated; none
	// sends no scope.
	Scopes []string
	// EndpointParams are further form parameters of the token request.
	EndpointParams url.Values
	// AuthInBody sends client_id and client_secret in the form body
	// instead of HTTP Basic authentication (the default, which RFC 6749
	// recommends).
	AuthInBody bool
	// HTTPClient sends the token requests; nil uses a client of its own.
	HTTPClient *http.Client
}

// NewClientCredentials returns a TokenManager whose tokens come from the
// OAuth2 client credentials grant of cc (see ClientCredentialsFetch).
func NewClientCredentials(cc ClientCredentialsConfig, cfg TokenManagerConfig) (*TokenManager, error) {
	fetch, err := ClientCredentialsFetch(cc)
	if err != nil {
		if pe, ok := paykit.AsError(err); ok && cfg.Provider != "" {
			pe.Provider = cfg.Provider
		}
		return nil, err
	}
	return NewTokenManager(fetch, cfg), nil
}

// ClientCredentialsFetch returns the TokenFetchFunc of the OAuth2 client
// credentials grant of cc: a POST of grant_type=client_credentials (and
// scope, when set) to cc.TokenURL, authenticated with HTTP Basic
// client_id:client_secret (each form-encoded first, as RFC 6749 section
// 2.3.1 requires), answered by {access_token, token_type, expires_in}. A
// missing field of cc is a CONFIGURATION_ERROR.
//
// The wire protocol is golang.org/x/oauth2/clientcredentials's
// Config.Token, called once per token request: it reads JSON and
// form-encoded answers (text/plain is read as a form), expires_in as a
// number or a string, and RFC 6749 error answers, including those sent
// with status 200. Nothing else of x/oauth2 is used. Its TokenSource binds
// the ctx it was created with, so a caller cannot bound its own wait, and
// it cannot drop a token the API refused: TokenManager does both. Its
// errors quote the error description or the whole response body, which
// may echo the secret or hold a token; they are replaced by
// TokenRequestError's, which keep only the status and a code that holds
// no secret. Basic authentication is set explicitly, never auto-detected,
// so a refused request is not sent again with the secret in the body.
func ClientCredentialsFetch(cc ClientCredentialsConfig) (TokenFetchFunc, error) {
	if err := validateClientCredentials(cc); err != nil {
		return nil, err
	}
	conf := &clientcredentials.Config{
		ClientID:       cc.ClientID,
		ClientSecret:   cc.ClientSecret.Reveal(),
		TokenURL:       cc.TokenURL,
		Scopes:         append([]string(nil), cc.Scopes...),
		EndpointParams: tokenCloneValues(cc.EndpointParams),
		AuthStyle:      oauth2.AuthStyleInHeader,
	}
	if cc.AuthInBody {
		conf.AuthStyle = oauth2.AuthStyleInParams
	}
	hc := cc.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	secret := cc.ClientSecret.Reveal()
	return func(ctx context.Context) (string, time.Duration, error) {
		tok, err := conf.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
		if err != nil {
			return "", 0, clientCredentialsError(ctx, err, secret)
		}
		if t := tok.Type(); !strings.EqualFold(t, "bearer") {
			return "", 0, &paykit.Error{Code: paykit.CodeAuthentication,
				Message: "the token endpoint issued a token of type " + tokenSafeCode(t, secret) + ", not a bearer token"}
		}
		var lifetime time.Duration
		if !tok.Expiry.IsZero() {
			// x/oauth2 turns expires_in into an Expiry from time.Now();
			// rounding recovers the whole seconds the endpoint stated.
			lifetime = max(time.Until(tok.Expiry).Round(time.Second), time.Second)
		}
		return tok.AccessToken, lifetime, nil
	}, nil
}

func validateClientCredentials(cc ClientCredentialsConfig) error {
	missing := func(param string) error {
		return &paykit.Error{Code: paykit.CodeConfiguration, Param: param, Message: param + " is empty"}
	}
	switch {
	case cc.TokenURL == "":
		return missing("token_url")
	case cc.ClientID == "":
		return missing("client_id")
	case cc.ClientSecret.IsZero():
		return missing("client_secret")
	}
	if u, err := url.Parse(cc.TokenURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &paykit.Error{Code: paykit.CodeConfiguration, Param: "token_url", Message: "token_url is not an http or https URL"}
	}
	for k := range cc.EndpointParams {
		if k == "grant_type" || (k == "scope" && len(cc.Scopes) > 0) {
			return &paykit.Error{Code: paykit.CodeConfiguration, Param: "endpoint_params",
				Message: "endpoint_params may not set " + k}
		}
	}
	return nil
}

func tokenCloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// clientCredentialsError classifies an error of clientcredentials.Config.Token
// without ever quoting the response, which may echo the secret or hold a
// token.
func clientCredentialsError(ctx context.Context, err error, secret string) *paykit.Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return TokenRequestError(status, tokenSafeCode(re.ErrorCode, secret))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "token request timed out", Err: ctxErr}
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		msg := strings.ReplaceAll(err.Error(), secret, "[REDACTED]")
		return &paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "token request failed: " + msg, Err: err}
	}
	if strings.Contains(err.Error(), "missing access_token") {
		return &paykit.Error{Code: paykit.CodeAuthentication, Message: "the token endpoint issued no token"}
	}
	// A body that is neither JSON nor a form; the parser's message may
	// quote it, so it is not kept.
	return &paykit.Error{Code: paykit.CodeOperationFailed, Message: "cannot read the token endpoint's answer"}
}

// tokenCodePattern is an OAuth2 error code as RFC 6749 section 5.2 names
// them ("invalid_client"), or a provider's look-alike.
var tokenCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$`)

// tokenSafeCode returns code if it looks like an error code and holds no
// part of the secret, else a placeholder, so that an endpoint echoing the
// request in its error code cannot put the secret in a message.
func tokenSafeCode(code, secret string) string {
	if code == "" {
		return ""
	}
	if !tokenCodePattern.MatchString(code) {
		return "(unreadable)"
	}
	if secret != "" && (strings.Contains(code, secret) || (len(code) >= 8 && strings.Contains(secret, code))) {
		return "(unreadable)"
	}
	return code
}

// TokenRequestError is the error of a token request that the endpoint
// answered with status (0 when unknown) and the OAuth2 error code
// oauthCode ("" when none), for fetch functions of any protocol. 400, 401
// and 403, and an error code with a 2xx status, are AUTHENTICATION_ERROR
// (the credentials, grant or scope were refused); 408 is a Retryable
// NETWORK_ERROR, 429 a Retryable RATE_LIMIT_ERROR, 5xx and the code
// temporarily_unavailable a PROVIDER_UNAVAILABLE, Retryable except for 501
// and 505; other statuses are OPERATION_FAILED. The message names the
// status and the code, nothing else: pass a code read from the answer only
// once it is known to hold no secret.
func TokenRequestError(status int, oauthCode string) *paykit.Error {
	code, retryable := paykit.CodeOperationFailed, false
	switch s := status; {
	case oauthCode == "temporarily_unavailable", oauthCode == "server_error" && s >= 500:
		code, retryable = paykit.CodeProviderUnavailable, s != http.StatusNotImplemented && s != http.StatusHTTPVersionNotSupported
	case s == http.StatusBadRequest, s == http.StatusUnauthorized, s == http.StatusForbidden:
		code = paykit.CodeAuthentication
	case s >= 200 && s < 300 && oauthCode != "":
		code = paykit.CodeAuthentication
	case s == http.StatusRequestTimeout:
		code, retryable = paykit.CodeNetwork, true
	case s == http.StatusTooManyRequests:
		code, retryable = paykit.CodeRateLimited, true
	case s >= 500 && s <= 599:
		code, retryable = paykit.CodeProviderUnavailable, s != http.StatusNotImplemented && s != http.StatusHTTPVersionNotSupported
	}
	msg := "the token endpoint answered"
	if status != 0 {
		msg += " " + strconv.Itoa(status)
		if t := http.StatusText(status); t != "" {
			msg += " " + t
		}
	}
	if oauthCode != "" {
		msg += " with OAuth2 error " + oauthCode
	}
	return &paykit.Error{Code: code, StatusCode: status, Retryable: retryable, Message: msg}
}
