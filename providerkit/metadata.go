// Reserved metadata: paykit keeps a provider's own data about an object
// (what a checkout was created for, a field the provider has no place
// for) in the object's metadata under ReservedKey, as JSON, and strips it
// before the user sees the metadata. User metadata never sets the key:
// the paykit Client refuses it, EncodeReserved refuses it, and
// MergeMetadata never takes it.

package providerkit

import (
	"encoding/json"
	"maps"

	"github.com/paykit-go/paykit"
)

// ReservedKey is the metadata key paykit keeps for its own data,
// paykit.ReservedMetadataKey.
const ReservedKey = paykit.ReservedMetadataKey

// RefuseReserved returns a VALIDATION_ERROR naming metadata.__paykit when
// user sets ReservedKey, as the paykit Client does, and nil otherwise.
func RefuseReserved(user map[string]string) error {
	if _, ok := user[ReservedKey]; ok {
		return paykit.ValidationError("metadata."+ReservedKey, "metadata key "+ReservedKey+" is reserved for paykit")
	}
	return nil
}

// MarshalReserved returns v as the JSON kept under ReservedKey, or ""
// when v is its zero value: there is nothing to keep.
func MarshalReserved[T comparable](v T) (string, error) {
	var zero T
	if v == zero {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// UnmarshalReserved decodes the JSON kept under ReservedKey into v (a
// pointer), as well as it can: metadata can be edited by hand in a
// provider's dashboard, so a field of the wrong type stays zero while the
// others are read, and malformed JSON leaves v as it was. The error says
// what could not be read; a provider reading an object ignores it.
func UnmarshalReserved(raw string, v any) error {
	if raw == "" {
		return nil
	}
	return json.Unmarshal([]byte(raw), v)
}

// EncodeReserved returns the metadata to send: user's keys plus, when v is
// not its zero value, v as JSON under ReservedKey, in a new map (user
// itself when there is nothing to keep). It refuses user metadata that
// sets ReservedKey (RefuseReserved).
func EncodeReserved[T comparable](user map[string]string, v T) (map[string]string, error) {
	if err := RefuseReserved(user); err != nil {
		return nil, err
	}
	raw, err := MarshalReserved(v)
	if err != nil || raw == "" {
		return user, err
	}
	out := make(map[string]string, len(user)+1)
	maps.Copy(out, user)
	out[ReservedKey] = raw
	return out, nil
}

// DecodeReserved splits metadata as a provider returned it: it decodes
// the value under ReservedKey into v (a pointer, as UnmarshalReserved
// does), deletes the key from m, and returns m, or nil when no user key
// is left. It is SplitReserved followed by UnmarshalReserved.
func DecodeReserved(m map[string]string, v any) map[string]string {
	user, raw := SplitReserved(m)
	_ = UnmarshalReserved(raw, v)
	return user
}

// SplitReserved takes paykit's value out of metadata as a provider
// returned it: it deletes ReservedKey from m and returns m (nil when no
// user key is left) and the raw value under the key ("" when there was
// none). A provider on a hot path, such as webhook mapping, decodes raw
// its own way instead of with encoding/json's reflection.
func SplitReserved(m map[string]string) (user map[string]string, raw string) {
	if v, ok := m[ReservedKey]; ok {
		raw = v
		delete(m, ReservedKey)
	}
	if len(m) == 0 {
		return nil, raw
	}
	return m, raw
}

// MergeMetadata applies update to dst and returns it (a new map when dst
// is nil): a key set to "" is removed, any other key is set, and
// ReservedKey is never taken from update. CloneMetadata(m) is
// MergeMetadata(nil, m).
func MergeMetadata(dst, update map[string]string) map[string]string {
	return MergeMetadataFunc(dst, update, func(v string) string { return v })
}

// CloneMetadata copies m as MergeMetadata writes it: without empty values
// and without ReservedKey.
func CloneMetadata(m map[string]string) map[string]string { return MergeMetadata(nil, m) }

// MergeMetadataFunc is MergeMetadata for a provider whose metadata values
// are not strings (JSON values, say): a key set to "" is removed from dst,
// any other is set to value(v), and ReservedKey is never taken from
// update.
func MergeMetadataFunc[V any](dst map[string]V, update map[string]string, value func(string) V) map[string]V {
	if dst == nil {
		dst = make(map[string]V, len(update))
	}
	for k, v := range update {
		switch {
		case k == ReservedKey:
		case v == "":
			delete(dst, k)
		default:
			dst[k] = value(v)
		}
	}
	return dst
}
