package providerkit

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"

	"github.com/paykit-go/paykit"
)

type kept struct {
	ItemID   string `json:"item_id,omitempty"`
	Quantity int64  `json:"quantity,omitempty"`
}

func TestReservedRoundTrip(t *testing.T) {
	user := map[string]string{"plan": "pro"}
	out, err := EncodeReserved(user, kept{ItemID: "price_1", Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	if out[ReservedKey] != `{"item_id":"price_1","quantity":2}` || out["plan"] != "pro" || len(out) != 2 {
		t.Fatalf("EncodeReserved = %v", out)
	}
	if len(user) != 1 {
		t.Fatal("EncodeReserved changed the user's map")
	}
	var got kept
	md := DecodeReserved(out, &got)
	if got != (kept{ItemID: "price_1", Quantity: 2}) || !maps.Equal(md, user) {
		t.Fatalf("DecodeReserved = %v, %+v", md, got)
	}
	if _, ok := out[ReservedKey]; ok {
		t.Fatal("DecodeReserved left the key")
	}
}

func TestEncodeReservedWithNothingToKeep(t *testing.T) {
	user := map[string]string{"plan": "pro"}
	out, err := EncodeReserved(user, kept{})
	if err != nil || !maps.Equal(out, user) {
		t.Fatalf("EncodeReserved = %v, %v", out, err)
	}
	if raw, err := MarshalReserved(kept{}); raw != "" || err != nil {
		t.Fatalf("MarshalReserved(zero) = %q, %v", raw, err)
	}
}

func TestUserMetadataNeverSetsTheKey(t *testing.T) {
	user := map[string]string{ReservedKey: `{"item_id":"forged"}`}
	for name, v := range map[string]kept{"with data": {ItemID: "price_1"}, "without": {}} {
		_, err := EncodeReserved(user, v)
		pe, _ := paykit.AsError(err)
		if !errors.Is(err, paykit.ErrValidation) || pe.Param != "metadata."+ReservedKey {
			t.Errorf("%s: EncodeReserved = %v", name, err)
		}
	}
	if err := RefuseReserved(map[string]string{"a": "b"}); err != nil {
		t.Error(err)
	}
	merged := MergeMetadata(map[string]string{"keep": "1", "gone": "x"}, map[string]string{"gone": "", "new": "2", ReservedKey: "{}"})
	if !maps.Equal(merged, map[string]string{"keep": "1", "new": "2"}) {
		t.Errorf("MergeMetadata = %v", merged)
	}
	if c := CloneMetadata(map[string]string{"a": "1", "b": "", ReservedKey: "{}"}); !maps.Equal(c, map[string]string{"a": "1"}) {
		t.Errorf("CloneMetadata = %v", c)
	}
	raw := MergeMetadataFunc(map[string]json.RawMessage{"n": json.RawMessage(`1`)}, map[string]string{"s": "x", ReservedKey: "{}"},
		func(v string) json.RawMessage { b, _ := json.Marshal(v); return b })
	if len(raw) != 2 || string(raw["n"]) != `1` || string(raw["s"]) != `"x"` {
		t.Errorf("MergeMetadataFunc = %v", raw)
	}
}

// Reserved data edited by hand is read as well as it can be, and never
// fails the read.
func TestDecodeReservedIsLenient(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want kept
	}{
		{`{"item_id":"p","quantity":"x"}`, kept{ItemID: "p"}},
		{`{"quantity":3,"other":true}`, kept{Quantity: 3}},
		{`not json`, kept{}},
		{``, kept{}},
	} {
		var got kept
		md := DecodeReserved(map[string]string{ReservedKey: tc.raw}, &got)
		if md != nil || got != tc.want {
			t.Errorf("DecodeReserved(%q) = %v, %+v; want %+v", tc.raw, md, got, tc.want)
		}
	}
	if md := DecodeReserved(nil, &kept{}); md != nil {
		t.Errorf("DecodeReserved(nil) = %v", md)
	}
}

func TestSplitReserved(t *testing.T) {
	m := map[string]string{"plan": "pro", ReservedKey: `{"x":1}`}
	user, raw := SplitReserved(m)
	if raw != `{"x":1}` || len(user) != 1 || user["plan"] != "pro" {
		t.Fatalf("SplitReserved = %v, %q", user, raw)
	}
	if _, ok := m[ReservedKey]; ok {
		t.Error("the reserved key is still in the map")
	}
	user, raw = SplitReserved(map[string]string{ReservedKey: "{}"})
	if user != nil || raw != "{}" {
		t.Errorf("only the reserved key: SplitReserved = %v, %q, want nil and the raw value", user, raw)
	}
	user, raw = SplitReserved(nil)
	if user != nil || raw != "" {
		t.Errorf("nil: SplitReserved = %v, %q", user, raw)
	}
}
