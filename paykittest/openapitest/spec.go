// Package openapitest is the contract-test kit of the REST providers: an
// in-process HTTP server that validates every request against a
// provider's own OpenAPI document (path, query, headers, body) with
// github.com/getkin/kin-openapi, records each violation and fails the
// test on it, and answers with bodies generated from the document's
// response schemas, which tests adjust per call.
//
// It is test support, public so that a provider in another module can
// test against its own document: only _test.go files may import it.
package openapitest

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Spec is a loaded OpenAPI document with its router. Load it once per test
// binary (Load caches it) and share it between servers.
type Spec struct {
	doc    *openapi3.T
	router routers.Router
	opts   []openapi3.SchemaValidationOption
}

// LoadOption changes how Load prepares a document.
type LoadOption func(*loadConfig)

type loadConfig struct {
	strict bool
}

// RejectUnknownProperties makes every object schema that lists its
// properties and says nothing of others refuse them
// (additionalProperties: false), so that a misspelt field fails the test
// instead of being ignored by the provider.
func RejectUnknownProperties() LoadOption { return func(c *loadConfig) { c.strict = true } }

type cacheKey struct {
	path   string
	strict bool
}

type cacheEntry struct {
	once sync.Once
	spec *Spec
	err  error
}

var cache sync.Map // cacheKey -> *cacheEntry

// Load reads the OpenAPI document at path, once per process and set of
// options. It does not call doc.Validate, which rejects vendor keywords
// some providers use (Polar's enumNames); kin-openapi still resolves every
// reference.
func Load(path string, opts ...LoadOption) (*Spec, error) {
	var cfg loadConfig
	for _, o := range opts {
		o(&cfg)
	}
	v, _ := cache.LoadOrStore(cacheKey{path, cfg.strict}, &cacheEntry{})
	e := v.(*cacheEntry)
	e.once.Do(func() { e.spec, e.err = load(path, cfg) })
	return e.spec, e.err
}

func load(path string, cfg loadConfig) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("openapitest: load %s: %w", path, err)
	}
	if cfg.strict {
		closeObjects(doc)
	}
	// Route by path alone: the test server is not at the document's hosts.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapitest: route %s: %w", path, err)
	}
	return &Spec{doc: doc, router: router, opts: []openapi3.SchemaValidationOption{
		openapi3.EnableJSONSchema2020(),
		openapi3.MultiErrors(),
		openapi3.WithStringFormatValidators(formats),
		openapi3.SetSchemaErrorMessageCustomizer(shortError),
	}}, nil
}

// shortError formats a schema error as its innermost reasons, which name
// the path of the failing value, leaving out the schema and value dumps
// of the default message.
func shortError(err *openapi3.SchemaError) string {
	if err.Origin != nil {
		return err.Origin.Error()
	}
	return err.Reason
}

// Doc returns the document. Do not change it: it is shared.
func (s *Spec) Doc() *openapi3.T { return s.doc }

// Component returns the schema #/components/schemas/name.
func (s *Spec) Component(name string) (*openapi3.Schema, error) {
	if s.doc.Components != nil {
		if ref := s.doc.Components.Schemas[name]; ref != nil && ref.Value != nil {
			return ref.Value, nil
		}
	}
	return nil, fmt.Errorf("openapitest: no component schema %q", name)
}

// WebhookSchema returns the JSON body schema of the webhook named event in
// the document's webhooks section (OpenAPI 3.1).
func (s *Spec) WebhookSchema(event string) (*openapi3.Schema, error) {
	item := s.doc.Webhooks[event]
	if item == nil || item.Post == nil || item.Post.RequestBody == nil || item.Post.RequestBody.Value == nil {
		return nil, fmt.Errorf("openapitest: no webhook %q", event)
	}
	mt := item.Post.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("openapitest: webhook %q has no JSON body", event)
	}
	return mt.Schema.Value, nil
}

// WebhookEvents returns the names of the document's webhooks.
func (s *Spec) WebhookEvents() []string {
	names := make([]string, 0, len(s.doc.Webhooks))
	for name := range s.doc.Webhooks {
		names = append(names, name)
	}
	return names
}

// Validate checks value, as decoded by encoding/json into any, against
// schema with JSON Schema 2020-12 semantics and format checks.
func (s *Spec) Validate(schema *openapi3.Schema, value any) error {
	return schema.VisitJSON(value, s.opts...)
}

// closeObjects sets additionalProperties: false on every object schema of
// doc that declares properties and leaves additionalProperties unset.
func closeObjects(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walkAll := func(refs openapi3.SchemaRefs) {
		for _, r := range refs {
			walk(r)
		}
	}
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walkAll(s.OneOf)
		walkAll(s.AnyOf)
		walkAll(s.AllOf)
		walkAll(s.PrefixItems)
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		walk(s.Not)
	}
	if doc.Components != nil {
		for _, ref := range doc.Components.Schemas {
			walk(ref)
		}
	}
	items := make([]*openapi3.PathItem, 0, doc.Paths.Len()+len(doc.Webhooks))
	items = append(items, pathItems(doc)...)
	for _, item := range doc.Webhooks {
		items = append(items, item)
	}
	for _, item := range items {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil {
					walk(p.Value.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, res := range op.Responses.Map() {
				if res.Value != nil {
					for _, mt := range res.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

func pathItems(doc *openapi3.T) []*openapi3.PathItem {
	if doc.Paths == nil {
		return nil
	}
	items := make([]*openapi3.PathItem, 0, doc.Paths.Len())
	for _, item := range doc.Paths.Map() {
		items = append(items, item)
	}
	return items
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func checkUUID(v string) error {
	if !uuidPattern.MatchString(v) {
		return errors.New("not a UUID")
	}
	return nil
}

// formats are the string formats checked in every validation.
var formats = map[string]openapi3.StringFormatValidator{
	"uuid":  openapi3.NewCallbackValidator(checkUUID),
	"uuid4": openapi3.NewCallbackValidator(checkUUID),
	"email": openapi3.NewCallbackValidator(func(v string) error {
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v {
			return errors.New("not an email address")
		}
		return nil
	}),
	"uri": openapi3.NewCallbackValidator(func(v string) error {
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" {
			return errors.New("not an absolute URI")
		}
		return nil
	}),
	"date-time": openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.RFC3339Nano, v)
		return err
	}),
	"date": openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.DateOnly, v)
		return err
	}),
	"ipvanyaddress": openapi3.NewCallbackValidator(func(v string) error {
		if net.ParseIP(v) == nil {
			return errors.New("not an IP address")
		}
		return nil
	}),
}

// SpecsEnv names the environment variable that overrides the directory of
// the provider OpenAPI documents.
const SpecsEnv = "PAYKIT_SPECS"

// SpecPath returns the path of a provider document, e.g.
// "polar/openapi-2026-10.json", under $PAYKIT_SPECS or else the shared
// specs directory beside the module (../shared/specs from the module
// root). It fails the test when the file is missing: contract tests never
// skip.
func SpecPath(t interface {
	Helper()
	Fatalf(string, ...any)
}, name string) string {
	t.Helper()
	dir := os.Getenv(SpecsEnv)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatalf("openapitest: %v", err)
		}
		dir = filepath.Join(root, "..", "shared", "specs")
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("openapitest: OpenAPI document %s not found (set %s to the specs directory): %v", name, SpecsEnv, err)
	}
	return p
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
