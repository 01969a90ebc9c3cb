package openapitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func polarSpec(t *testing.T) *Spec {
	t.Helper()
	spec, err := Load(SpecPath(t, "polar/openapi-2026-10.json"), RejectUnknownProperties())
	require.NoError(t, err)
	return spec
}

// recorder is a TB that records what the server reports.
type recorder struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

const uuid = "1dbfc517-0bbf-4301-9ba8-555ca42b9737"

func send(t *testing.T, method, url, body string, header http.Header) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer polar_oat_test")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestLoadIsCached(t *testing.T) {
	a := polarSpec(t)
	b := polarSpec(t)
	assert.Same(t, a, b)
	loose, err := Load(SpecPath(t, "polar/openapi-2026-10.json"))
	require.NoError(t, err)
	assert.NotSame(t, a, loose)
}

func TestServerRejectsRequestsOutsideTheDocument(t *testing.T) {
	spec := polarSpec(t)
	for _, tc := range []struct {
		name, method, path, body string
		header                   http.Header
		want                     string
	}{
		{"unknown path", "GET", "/v1/nothing-here", "", nil, "no operation"},
		{"wrong method", "PUT", "/v1/customers/", `{}`, nil, "no operation"},
		{"no credentials", "GET", "/v1/customers/", "", http.Header{"Authorization": {""}}, "Authorization"},
		{"query out of range", "GET", "/v1/customers/?limit=0", "", nil, "limit"},
		{"path id not a uuid", "GET", "/v1/customers/not-a-uuid", "", nil, "id"},
		{"required field missing", "POST", "/v1/customers/", `{"name":"x"}`, nil, "email"},
		{"bad email", "POST", "/v1/customers/", `{"email":"not an address"}`, nil, "email"},
		{"unknown field", "POST", "/v1/customers/", `{"email":"a@example.com","phone":"+1"}`, nil, "phone"},
		{"value outside enum", "POST", "/v1/refunds/", `{"order_id":"` + uuid + `","reason":"because","amount":100}`, nil, "reason"},
		{"amount not positive", "POST", "/v1/refunds/", `{"order_id":"` + uuid + `","reason":"other","amount":0}`, nil, "amount"},
		{"empty metadata value", "PATCH", "/v1/customers/" + uuid, `{"metadata":{"plan":""}}`, nil, "metadata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			srv := NewServer(rec, spec)
			status, body := send(t, tc.method, srv.URL+tc.path, tc.body, tc.header)
			assert.Equal(t, http.StatusBadRequest, status, body)
			v := srv.Violations()
			require.Len(t, v, 1)
			assert.Contains(t, v[0], tc.want)
			assert.Empty(t, srv.Calls(""), "an invalid request reaches no handler")
			rec.finish()
			require.Len(t, rec.errors, 1, "the violation fails the test")
			assert.Contains(t, rec.errors[0], tc.want)
		})
	}
}

func TestServerAcceptsValidRequestsAndAnswersWithTheDocumentsShape(t *testing.T) {
	spec := polarSpec(t)
	rec := &recorder{}
	srv := NewServer(rec, spec)

	status, body := send(t, "POST", srv.URL+"/v1/customers/", `{"email":"a@example.com","name":"A","metadata":{"plan":"pro","seats":3}}`, nil)
	require.Equal(t, http.StatusCreated, status, body)
	var customer map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &customer))
	assert.Equal(t, "individual", customer["type"])
	assert.Regexp(t, `^[0-9a-f-]{36}$`, customer["id"])
	assert.Equal(t, GeneratedTime, customer["created_at"])

	calls := srv.Calls("customers:create")
	require.Len(t, calls, 1)
	assert.Equal(t, "a@example.com", calls[0].BodyMap()["email"])

	status, body = send(t, "GET", srv.URL+"/v1/customers/?limit=10&page=2&email=a%40example.com", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	status, _ = send(t, "DELETE", srv.URL+"/v1/customers/"+uuid, "", nil)
	assert.Equal(t, http.StatusNoContent, status)

	rec.finish()
	assert.Empty(t, rec.errors)
}

func TestHandlersPatchAndReplace(t *testing.T) {
	spec := polarSpec(t)
	rec := &recorder{}
	srv := NewServer(rec, spec)
	srv.Patch("customers:get", map[string]any{"id": uuid, "email": "b@example.com", "metadata": map[string]string{"k": "v"}})
	srv.Handle("orders:get", func(c *Call) Reply {
		return Reply{Status: http.StatusNotFound, Patch: map[string]any{"detail": "no order " + c.PathParams["id"]}}
	})
	srv.Handle("refunds:list", func(*Call) Reply {
		return Reply{Status: http.StatusInternalServerError, Body: map[string]string{"oops": "x"}, Unchecked: true}
	})

	status, body := send(t, "GET", srv.URL+"/v1/customers/"+uuid, "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"email":"b@example.com"`)
	assert.Contains(t, body, `"metadata":{"k":"v"}`)

	status, body = send(t, "GET", srv.URL+"/v1/orders/"+uuid, "", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, `"error":"ResourceNotFound"`)
	assert.Contains(t, body, "no order "+uuid)

	status, _ = send(t, "GET", srv.URL+"/v1/refunds/", "", nil)
	assert.Equal(t, http.StatusInternalServerError, status)
	rec.finish()
	assert.Empty(t, rec.errors)
}

func TestRepliesOutsideTheDocumentAreViolations(t *testing.T) {
	spec := polarSpec(t)
	rec := &recorder{}
	srv := NewServer(rec, spec)
	srv.Patch("customers:get", map[string]any{"email_verified": "yes"})
	status, _ := send(t, "GET", srv.URL+"/v1/customers/"+uuid, "", nil)
	assert.Equal(t, http.StatusOK, status)
	rec.finish()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "email_verified")
}

func TestChecksBeyondTheDocument(t *testing.T) {
	spec := polarSpec(t)
	rec := &recorder{}
	srv := NewServer(rec, spec)
	srv.Check(func(r *http.Request) error {
		if r.Header.Get("Polar-Version") != "2026-10" {
			return fmt.Errorf("Polar-Version header is %q", r.Header.Get("Polar-Version"))
		}
		return nil
	})
	status, _ := send(t, "GET", srv.URL+"/v1/customers/"+uuid, "", http.Header{"Polar-Version": {"2026-10"}})
	assert.Equal(t, http.StatusOK, status)
	status, _ = send(t, "GET", srv.URL+"/v1/customers/"+uuid, "", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	rec.finish()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "Polar-Version")
}

// TestGeneratedValuesMatchTheirSchemas generates the JSON response of
// every operation and the payload of every webhook of the Polar document
// and validates it.
func TestGeneratedValuesMatchTheirSchemas(t *testing.T) {
	spec := polarSpec(t)
	doc := spec.Doc()
	paths := doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	n := 0
	for _, path := range paths {
		for method, op := range doc.Paths.Value(path).Operations() {
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					continue
				}
				schema := responseSchema(op, status)
				if schema == nil {
					continue
				}
				v := roundTrip(spec.Generate(schema))
				if err := spec.Validate(schema, v); err != nil {
					t.Errorf("%s %s %d: %v", method, path, status, err)
				}
				n++
			}
		}
	}
	for _, event := range spec.WebhookEvents() {
		schema, err := spec.WebhookSchema(event)
		require.NoError(t, err)
		v := roundTrip(spec.Generate(schema))
		if err := spec.Validate(schema, v); err != nil {
			t.Errorf("webhook %s: %v", event, err)
		}
		n++
	}
	t.Logf("%d generated values validated", n)
	assert.Greater(t, n, 400)
}

// writeDoc writes a small OpenAPI document with one GET operation.
func writeDoc(t *testing.T, path, operationID string) *Spec {
	t.Helper()
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"` + path + `":{"get":{"operationId":"` + operationID +
		`","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","required":["id"],"properties":{"id":{"type":"string"}}}}}}}}}}}`
	file := filepath.Join(t.TempDir(), operationID+".json")
	require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))
	spec, err := Load(file)
	require.NoError(t, err)
	return spec
}

// TestServerOfSeveralDocuments: one API in several documents is served by
// one server, each request checked against the document that has its
// path; an operationId in two documents fails the test; Route serves an
// endpoint the documents leave out.
func TestServerOfSeveralDocuments(t *testing.T) {
	orders, payments := writeDoc(t, "/v2/orders/{id}", "orders.get"), writeDoc(t, "/v2/payments/{id}", "payments.get")
	rec := &recorder{}
	srv := NewServer(rec, orders, payments)
	srv.Handle("payments.get", func(c *Call) Reply { return Reply{Body: map[string]any{"id": c.PathParams["id"]}} })
	srv.Route(http.MethodPost, "/v1/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"t","expires_in":60}`)
	})
	status, body := send(t, "GET", srv.URL+"/v2/orders/o1", "", nil)
	assert.Equal(t, http.StatusOK, status, body)
	status, body = send(t, "GET", srv.URL+"/v2/payments/p1", "", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"id":"p1"}`, body)
	status, body = send(t, "POST", srv.URL+"/v1/oauth2/token", "grant_type=client_credentials", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "access_token")
	status, _ = send(t, "GET", srv.URL+"/v2/refunds/r1", "", nil)
	assert.Equal(t, http.StatusBadRequest, status, "a path in neither document")
	assert.Len(t, srv.Calls(""), 2, "the token request is outside the documents")
	rec.finish()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "/v2/refunds/r1")

	rec = &recorder{}
	NewServer(rec, orders, writeDoc(t, "/v2/other/{id}", "orders.get"))
	rec.finish()
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], `operationId "orders.get" is in two of the documents`)
}
