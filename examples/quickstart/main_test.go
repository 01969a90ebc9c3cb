package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"
)

// TestQuickstart runs the whole narrated flow and checks each step's line.
func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`1\. customer cus_\w+ created for jane@example.com`,
		`2\. checkout cs_\w+ opened for USD 50\.00`,
		`3\. the buyer paid: payment pay_\w+ is succeeded \(USD 50\.00\)`,
		`4\. refunded USD 10\.00 of it \(re_\w+, reason requested_by_customer\)`,
		`5\. an over-refund is refused: VALIDATION_ERROR on "amount"`,
		`6\. subscription sub_\w+ is active, USD 19\.00 per month`,
		`7\. subscription sub_\w+ is now canceled`,
		`in_\w+\s+recurring paid\s+USD 19\.00`,
		`in_\w+\s+one_time\s+paid\s+USD 50\.00`,
		`9\. the webhook handler verified and received: .*invoice\.generated x2.*payment\.updated x\d.*refund\.created x1.*subscription\.canceled x1`,
		`done\.`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
