package paykittest

import (
	"errors"
	"testing"

	"github.com/paykit-go/paykit"
)

func (s *suite) subscriptions(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpSubscriptionsCreate) || s.h.RecurringItem.ID == "" {
		t.Log("subscriptions.create not declared or Unexercised, or no RecurringItem")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: s.h.RecurringItem.ID, Metadata: map[string]string{"plan": "pro"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkSubscription(t, sub)
	if !s.h.Stateless {
		if sub.ItemID != s.h.RecurringItem.ID || sub.Metadata["plan"] != "pro" {
			t.Errorf("Create = item %q metadata %v", sub.ItemID, sub.Metadata)
		}
		if !sub.CurrentPeriodEnd.After(sub.CurrentPeriodStart) {
			t.Errorf("period %v..%v is empty", sub.CurrentPeriodStart, sub.CurrentPeriodEnd)
		}
	}
	if s.can(client, paykit.OpSubscriptionsRetrieve) {
		got, err := client.Subscriptions.Retrieve(ctx, sub.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkSubscription(t, got)
		if !s.h.Stateless && (got.ID != sub.ID || !got.CurrentPeriodEnd.Equal(sub.CurrentPeriodEnd)) {
			t.Errorf("Retrieve = %+v, want %+v", got, sub)
		}
	}
	if s.can(client, paykit.OpSubscriptionsUpdate) {
		got, err := client.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "team"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !s.h.Stateless && got.Metadata["plan"] != "team" {
			t.Errorf("Update metadata = %v", got.Metadata)
		}
	}
	if s.can(client, paykit.OpSubscriptionsCancel) {
		got, err := client.Subscriptions.Cancel(ctx, sub.ID)
		if err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		checkSubscription(t, got)
		if !s.h.Stateless && got.Status != paykit.SubscriptionCanceled {
			t.Errorf("status after Cancel = %s", got.Status)
		}
	}
	if s.can(client, paykit.OpSubscriptionsList) {
		for sub, err := range client.Subscriptions.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkSubscription(t, sub)
			break
		}
	}
	if s.can(client, paykit.OpSubscriptionsDelete) {
		doomed, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: s.h.RecurringItem.ID})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if err := client.Subscriptions.Delete(ctx, doomed.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if !s.h.Stateless && s.can(client, paykit.OpSubscriptionsRetrieve) {
			// Deleted, or (at most providers) canceled at once.
			got, err := client.Subscriptions.Retrieve(ctx, doomed.ID)
			if err != nil && !errors.Is(err, paykit.ErrNotFound) {
				t.Fatalf("Retrieve after Delete: %v", err)
			}
			if err == nil && got.Status != paykit.SubscriptionCanceled && got.Status != paykit.SubscriptionExpired {
				t.Errorf("status after Delete = %s, want canceled or expired (or the subscription gone)", got.Status)
			}
		}
	}
}

func checkSubscription(t *testing.T, s *paykit.Subscription) {
	t.Helper()
	if s == nil || s.ID == "" {
		t.Fatal("subscription without ID")
	}
	switch s.Status {
	case paykit.SubscriptionActive, paykit.SubscriptionPastDue, paykit.SubscriptionCanceled, paykit.SubscriptionExpired, paykit.SubscriptionPending:
	default:
		t.Errorf("subscription %s has unknown status %q", s.ID, s.Status)
	}
	if s.RequiresAction && s.PaymentURL == "" {
		t.Errorf("subscription %s requires action but has no PaymentURL", s.ID)
	}
}
