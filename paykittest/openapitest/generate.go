package openapitest

import (
	"crypto/rand"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// GeneratedTime is the instant every generated date-time holds.
const GeneratedTime = "2026-10-01T12:00:00Z"

// maxDepth bounds generation through nested schemas.
const maxDepth = 24

// Generate returns a value valid against schema: every declared property
// (optional ones too), one item per array, the first branch of a oneOf or
// anyOf that is not null, the first enum value, fresh v4 UUIDs for uuid
// formats and GeneratedTime for date-times. The value is made of maps,
// slices, strings, float64, bool and nil, as encoding/json decodes.
func (s *Spec) Generate(schema *openapi3.Schema) any {
	g := &generator{onStack: map[*openapi3.Schema]int{}}
	return g.value(&openapi3.SchemaRef{Value: schema}, 0)
}

// GenerateComponent generates a value of #/components/schemas/name.
func (s *Spec) GenerateComponent(name string) (map[string]any, error) {
	schema, err := s.Component(name)
	if err != nil {
		return nil, err
	}
	v, ok := s.Generate(schema).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapitest: component %q is not an object", name)
	}
	return v, nil
}

type generator struct {
	onStack map[*openapi3.Schema]int
}

func (g *generator) value(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return nil
	}
	s := ref.Value
	if s.Always != nil {
		return "value"
	}
	g.onStack[s]++
	defer func() { g.onStack[s]-- }()

	switch {
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		for _, e := range s.Enum {
			if e != nil {
				return e
			}
		}
		return nil
	case len(s.OneOf) > 0:
		return g.value(g.branch(s.OneOf), depth+1)
	case len(s.AnyOf) > 0:
		return g.value(g.branch(s.AnyOf), depth+1)
	case len(s.AllOf) > 0:
		out := map[string]any{}
		for _, part := range s.AllOf {
			if m, ok := g.value(part, depth+1).(map[string]any); ok {
				merge(out, m)
			}
		}
		if len(s.Properties) > 0 {
			merge(out, g.object(s, depth))
		}
		return out
	}
	switch typeOf(s) {
	case "null":
		return nil
	case "object":
		return g.object(s, depth)
	case "array":
		items := make([]any, 0, max(len(s.PrefixItems), int(s.MinItems), 1))
		for _, p := range s.PrefixItems {
			items = append(items, g.value(p, depth+1))
		}
		if s.Items == nil || g.onStack[s.Items.Value] > 0 && s.MinItems == 0 {
			return items
		}
		for len(items) < max(int(s.MinItems), 1) {
			items = append(items, g.value(s.Items, depth+1))
		}
		return items
	case "integer":
		return math.Trunc(number(s, true))
	case "number":
		return number(s, false)
	case "boolean":
		return false
	case "string":
		return str(s)
	}
	return "value"
}

// branch picks the first alternative that is neither null nor already
// being generated (a cycle), falling back to null or the first.
func (g *generator) branch(refs openapi3.SchemaRefs) *openapi3.SchemaRef {
	var null *openapi3.SchemaRef
	for _, r := range refs {
		if r == nil || r.Value == nil {
			continue
		}
		if typeOf(r.Value) == "null" {
			null = r
			continue
		}
		if g.onStack[r.Value] == 0 {
			return r
		}
	}
	if null != nil {
		return null
	}
	return refs[0]
}

func (g *generator) object(s *openapi3.Schema, depth int) map[string]any {
	out := make(map[string]any, len(s.Properties))
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p := s.Properties[name]
		if p == nil || p.Value == nil {
			continue
		}
		if g.onStack[p.Value] > 0 && !slices.Contains(s.Required, name) {
			continue
		}
		out[name] = g.value(p, depth+1)
	}
	return out
}

func typeOf(s *openapi3.Schema) string {
	if s.Type != nil {
		for _, t := range *s.Type {
			if t != "null" {
				return t
			}
		}
		if len(*s.Type) > 0 {
			return "null"
		}
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil:
		return "object"
	case s.Items != nil:
		return "array"
	}
	return ""
}

func number(s *openapi3.Schema, integer bool) float64 {
	v := 0.0
	if s.Min != nil {
		v = *s.Min
		if integer {
			v = math.Ceil(v)
		}
	}
	if b := s.ExclusiveMin.Value; b != nil && v <= *b {
		v = *b + 1
		if integer {
			v = math.Floor(*b) + 1
		}
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	return v
}

// patternSamples are tried, in order, against a string's pattern.
var patternSamples = []string{"usd", "value", "1", "1.5", "A1", "image/png", "sk_value", "1.0"}

func str(s *openapi3.Schema) string {
	var v string
	switch s.Format {
	case "uuid", "uuid4":
		return NewUUID()
	case "date-time":
		return GeneratedTime
	case "date":
		return GeneratedTime[:10]
	case "email":
		return "user@example.com"
	case "uri":
		return "https://example.com/"
	case "ipvanyaddress":
		return "127.0.0.1"
	case "duration":
		return "P1D"
	case "color":
		return "#000000"
	default:
		v = "value"
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil {
				for _, sample := range patternSamples {
					if re.MatchString(sample) {
						v = sample
						break
					}
				}
			} else {
				v = "1"
			}
		}
	}
	if n := int(s.MinLength); len(v) < n {
		v += strings.Repeat("x", n-len(v))
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// NewUUID returns a random version 4 UUID.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Merge copies patch, an object of any Go form (it goes through
// encoding/json first), into dst: nested objects are merged, other values
// replace, and a nil sets the field to null.
func Merge(dst map[string]any, patch any) {
	if m, ok := roundTrip(patch).(map[string]any); ok {
		merge(dst, m)
	}
}

func merge(dst, patch map[string]any) {
	for k, v := range patch {
		if pm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, pm)
				continue
			}
		}
		dst[k] = v
	}
}
