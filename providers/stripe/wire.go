package stripe

import (
	"bytes"
	"errors"
	"net/http"

	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/form"
	"github.com/tidwall/gjson"
)

// wireResponse receives one Stripe object from stripe-go's backend, which
// still sends the request (retries, idempotency key, error parsing) and
// checks that the answer is JSON, but does not decode it into stripe-go's
// type: paykit reads only the fields it maps, as for webhooks. Decoding a
// stripe.Customer costs encoding/json's reflection over some 45 fields and
// their sub-objects, after two more validation passes over the body
// (stripe-go's response wrapper and Customer.UnmarshalJSON each unmarshal
// again): the largest part of the client's own CPU per call.
type wireResponse struct {
	obj wireObject
}

// UnmarshalJSON only checks that the answer is an object: stripe-go's
// backend calls it once the answer is known to be JSON, then hands the
// body over in SetLastResponse, where it is read.
func (*wireResponse) UnmarshalJSON(b []byte) error { return mustBeObject(b) }

// SetLastResponse reads the object from the body of the answer. The
// object's raw JSON is the body, which stripe-go allocated for this answer
// and nothing else writes to.
func (r *wireResponse) SetLastResponse(res *stripeapi.APIResponse) {
	body := bytes.TrimSpace(res.RawJSON)
	r.obj.raw = body[:len(body):len(body)]
	r.obj.decode(gjson.Parse(string(body)))
}

// wireList receives one page of a Stripe list as wireResponse receives an
// object; its items are what stripe.Iter.Current returns.
type wireList struct {
	stripeapi.ListMeta
	items []any
}

// UnmarshalJSON only checks that the answer is an object; see
// wireResponse.UnmarshalJSON.
func (*wireList) UnmarshalJSON(b []byte) error { return mustBeObject(b) }

// errNotObject is what stripe-go's backend reports, as an answer it could
// not decode, when a 2xx answer is JSON but not an object.
var errNotObject = errors.New("the answer is not a JSON object")

func mustBeObject(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return errNotObject
	}
	return nil
}

// SetLastResponse reads the page. Each item's raw JSON is its part of the
// body.
func (l *wireList) SetLastResponse(res *stripeapi.APIResponse) {
	body := res.RawJSON
	gjson.Parse(string(body)).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "has_more":
			l.HasMore = v.Bool()
		case "url":
			l.URL = v.String()
		case "data":
			v.ForEach(func(_, item gjson.Result) bool {
				o := &wireObject{raw: rawBytes(body, item)}
				o.decode(item)
				l.items = append(l.items, o)
				return true
			})
		}
		return true
	})
}

// wireIter returns the iterator over the pages of the list at path that
// stripe-go's List methods would return, with wireObject items.
func wireIter(b stripeapi.Backend, key, path string, params stripeapi.ListParamsContainer) *stripeapi.Iter {
	return stripeapi.GetIter(params, func(p *stripeapi.Params, values *form.Values) ([]any, stripeapi.ListContainer, error) {
		list := &wireList{}
		err := b.CallRaw(http.MethodGet, path, key, values, p, list)
		return list.items, list, err
	})
}

func wireID(o *wireObject) string { return o.id }
