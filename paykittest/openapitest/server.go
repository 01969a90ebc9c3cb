package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// TB is the part of testing.TB a Server uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Call is one request the server received and found valid.
type Call struct {
	OperationID string
	Method      string
	Path        string
	PathParams  map[string]string
	Query       url.Values
	Header      http.Header
	// Body is the JSON body decoded into any (maps, slices, float64...),
	// nil when there is none.
	Body    any
	RawBody []byte
}

// BodyMap returns Body as an object, or nil.
func (c *Call) BodyMap() map[string]any {
	m, _ := c.Body.(map[string]any)
	return m
}

// Reply is a handler's answer.
type Reply struct {
	// Status defaults to the operation's first documented 2xx status.
	Status int
	// Body, when non-nil, is sent as is (after the JSON round trip);
	// otherwise a body is generated from the document's schema for Status.
	Body any
	// Patch is merged into the body (generated or given): nested objects
	// are merged, other values replace, nil sets null.
	Patch map[string]any
	// Header is added to the response.
	Header http.Header
	// Unchecked marks a deliberate fault outside the document (a 500, a
	// 429): the reply is sent without being validated.
	Unchecked bool
	// Drop closes the connection without answering, after the handler ran.
	Drop bool
}

// Handler answers one operation. It runs after the request was validated.
type Handler func(c *Call) Reply

// Server is an in-process HTTP server, on 127.0.0.1, that plays an API
// described by an OpenAPI document. Every request is validated against
// the document; a request that does not match is answered 400 and
// recorded as a violation, and the test fails at cleanup for each one.
// Every documented reply is validated too, so handlers cannot answer
// what the real API never would.
type Server struct {
	// URL is the base URL of the server, without a trailing slash.
	URL string

	specs []*Spec
	srv   *httptest.Server

	mu         sync.Mutex
	handlers   map[string]Handler
	extra      map[string]http.HandlerFunc // "METHOD /path" outside the documents
	checks     []func(*http.Request) error
	calls      []*Call
	violations []string
}

// NewServer starts a server for spec, and for more documents of the same
// API when one provider's API comes in several (PayPal's orders,
// payments and subscriptions): a request is routed to the first document
// that has its path, and operationIds name operations across all of
// them, so two documents with one operationId fail the test. The server
// is closed, and its violations reported through t.Errorf, when the test
// ends.
func NewServer(t TB, spec *Spec, more ...*Spec) *Server {
	t.Helper()
	s := &Server{specs: append([]*Spec{spec}, more...), handlers: map[string]Handler{}, extra: map[string]http.HandlerFunc{}}
	seen := map[string]bool{}
	for _, sp := range s.specs {
		for _, item := range sp.doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != "" && seen[op.OperationID] {
					t.Errorf("openapitest: operationId %q is in two of the documents", op.OperationID)
				}
				seen[op.OperationID] = true
			}
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		s.srv.Close()
		for _, v := range s.Violations() {
			t.Errorf("openapitest: %s", v)
		}
	})
	return s
}

// Handle sets the handler of operationID (the document's operationId).
// Operations without a handler answer a generated body.
func (s *Server) Handle(operationID string, h Handler) {
	s.mu.Lock()
	s.handlers[operationID] = h
	s.mu.Unlock()
}

// Route serves method and path (exactly, without a query) with h,
// outside the documents: an endpoint the API has but its documents leave
// out, such as an OAuth2 token endpoint. Such requests are not validated
// and not recorded in Calls.
func (s *Server) Route(method, path string, h http.HandlerFunc) {
	s.mu.Lock()
	s.extra[method+" "+path] = h
	s.mu.Unlock()
}

// Patch makes operationID answer its generated body with patch merged in.
func (s *Server) Patch(operationID string, patch map[string]any) {
	s.Handle(operationID, func(*Call) Reply { return Reply{Patch: patch} })
}

// Check adds a test every request must pass beyond the document, such as
// a version header the API needs but the document does not declare.
func (s *Server) Check(f func(*http.Request) error) {
	s.mu.Lock()
	s.checks = append(s.checks, f)
	s.mu.Unlock()
}

// Calls returns the valid requests received for operationID, or all of
// them when operationID is empty.
func (s *Server) Calls(operationID string) []*Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Call
	for _, c := range s.calls {
		if operationID == "" || c.OperationID == operationID {
			out = append(out, c)
		}
	}
	return out
}

// Violations returns what did not match the document so far.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

func (s *Server) violation(format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.reject(w, r, "cannot read body: "+err.Error())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	s.mu.Lock()
	extra := s.extra[r.Method+" "+r.URL.Path]
	s.mu.Unlock()
	if extra != nil {
		extra(w, r)
		return
	}
	spec, route, params, err := s.findRoute(r)
	if err != nil {
		s.reject(w, r, "no operation in the document: "+err.Error())
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:              true,
			AuthenticationFunc:      bearerAuth,
			SchemaValidationOptions: spec.opts,
			SkipSettingDefaults:     true,
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		s.reject(w, r, err.Error())
		return
	}
	s.mu.Lock()
	checks := slices.Clone(s.checks)
	s.mu.Unlock()
	for _, check := range checks {
		if err := check(r); err != nil {
			s.reject(w, r, err.Error())
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	call := &Call{OperationID: route.Operation.OperationID, Method: r.Method, Path: r.URL.Path,
		PathParams: params, Query: r.URL.Query(), Header: r.Header.Clone(), RawBody: raw}
	if len(bytes.TrimSpace(raw)) > 0 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &call.Body)
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	h := s.handlers[call.OperationID]
	s.mu.Unlock()

	var reply Reply
	if h != nil {
		reply = h(call)
	}
	if reply.Drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	s.respond(w, spec, input, route, reply)
}

// findRoute returns the first document with an operation for r.
func (s *Server) findRoute(r *http.Request) (*Spec, *routers.Route, map[string]string, error) {
	var first error
	for _, sp := range s.specs {
		route, params, err := sp.router.FindRoute(r)
		if err == nil {
			return sp, route, params, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, nil, nil, first
}

func (s *Server) reject(w http.ResponseWriter, r *http.Request, msg string) {
	s.violation("%s %s: %s", r.Method, r.URL.RequestURI(), msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "ContractViolation", "detail": msg})
}

func (s *Server) respond(w http.ResponseWriter, spec *Spec, input *openapi3filter.RequestValidationInput, route *routers.Route, reply Reply) {
	status := reply.Status
	if status == 0 {
		status = successStatus(route.Operation)
	}
	var body any
	switch {
	case reply.Body != nil:
		body = roundTrip(reply.Body)
	default:
		if schema := responseSchema(route.Operation, status); schema != nil {
			body = spec.Generate(schema)
		}
	}
	if reply.Patch != nil {
		m, ok := body.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		patch, _ := roundTrip(reply.Patch).(map[string]any)
		merge(m, patch)
		body = m
	}
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	header := w.Header()
	for k, vs := range reply.Header {
		header[k] = vs
	}
	if data != nil {
		header.Set("Content-Type", "application/json")
	}
	if !reply.Unchecked {
		rin := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: input,
			Status:                 status,
			Header:                 header,
			Options: &openapi3filter.Options{
				MultiError:              true,
				IncludeResponseStatus:   true,
				SchemaValidationOptions: spec.opts,
			},
		}
		rin.SetBodyBytes(data)
		if err := openapi3filter.ValidateResponse(input.Request.Context(), rin); err != nil {
			s.violation("%s %s: reply %d does not match the document: %v", input.Request.Method, input.Request.URL.Path, status, err)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// successStatus returns the first documented 2xx status of op, or 200.
func successStatus(op *openapi3.Operation) int {
	best := 0
	for code := range op.Responses.Map() {
		n, err := strconv.Atoi(code)
		if err == nil && n >= 200 && n < 300 && (best == 0 || n < best) {
			best = n
		}
	}
	if best == 0 {
		return http.StatusOK
	}
	return best
}

// responseSchema returns the JSON schema of op's response for status.
func responseSchema(op *openapi3.Operation, status int) *openapi3.Schema {
	res := op.Responses.Status(status)
	if res == nil {
		res = op.Responses.Default()
	}
	if res == nil || res.Value == nil {
		return nil
	}
	mt := res.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// roundTrip returns v as encoding/json decodes it into any.
func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// bearerAuth accepts a request for an operation secured by HTTP bearer or
// OpenID Connect when it carries "Authorization: Bearer <token>".
func bearerAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	auth := in.RequestValidationInput.Request.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return fmt.Errorf("security scheme %q: missing Authorization: Bearer <token>", in.SecuritySchemeName)
	}
	return nil
}
