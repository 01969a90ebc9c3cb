package paykit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"strconv"
	"time"
)

// Client is the entry point of the API. Create one with New and share it:
// it is safe for concurrent use.
type Client struct {
	// Customers manages customers.
	Customers *CustomerService
	// Checkouts manages hosted checkout sessions.
	Checkouts *CheckoutService
	// Subscriptions manages recurring billing.
	Subscriptions *SubscriptionService
	// Payments manages one-off payments.
	Payments *PaymentService
	// Refunds manages refunds of payments.
	Refunds *RefundService
	// Invoices reads invoices.
	Invoices *InvoiceService
	// Webhooks verifies and dispatches the provider's event deliveries.
	Webhooks *WebhookService

	provider  Provider
	name      string
	caps      Capabilities
	supported map[Op]bool
	newKey    func() string
	timeout   time.Duration
	logger    *slog.Logger
}

// String returns "paykit.Client(<provider>)", the provider's name.
func (c *Client) String() string { return "paykit.Client(" + c.name + ")" }

// Format prints the Client as String does, whatever the verb, so that
// printing or logging it shows nothing its provider holds.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// Option configures a Client in New.
type Option func(*Client)

// WithLogger makes the Client log each call at debug level (operation,
// provider, duration, error code). Secrets are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// WithIdempotencyKeyGenerator replaces the generator of the idempotency
// keys the Client attaches to writes that carry none.
func WithIdempotencyKeyGenerator(gen func() string) Option {
	return func(c *Client) {
		if gen != nil {
			c.newKey = gen
		}
	}
}

// WithDefaultTimeout bounds every call that has no WithTimeout of its own.
func WithDefaultTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// CallOption configures one call.
type CallOption func(*RequestOptions)

// WithIdempotencyKey sets the key that makes a write safe to repeat: the
// provider applies it at most once. Without it the Client generates one
// per call, which protects the call's own retries only. On a provider whose
// Capabilities().IdempotencyKeys is false a write with a key fails with
// ErrNotSupported (Param "idempotency_key") rather than run unprotected.
func WithIdempotencyKey(key string) CallOption {
	return func(o *RequestOptions) { o.IdempotencyKey = key }
}

// WithTimeout bounds the call, retries included.
func WithTimeout(d time.Duration) CallOption {
	return func(o *RequestOptions) { o.Timeout = d }
}

// New returns a Client over provider. It never panics: a nil provider gives
// a Client whose every call fails with ErrConfiguration.
func New(provider Provider, opts ...Option) *Client {
	c := &Client{provider: provider, newKey: rand.Text}
	if provider != nil {
		c.name = provider.Name()
		c.caps = provider.Capabilities()
		c.supported = make(map[Op]bool, len(c.caps.Ops))
		for _, op := range c.caps.Ops {
			c.supported[op] = true
		}
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	c.Customers = &CustomerService{c}
	c.Checkouts = &CheckoutService{c}
	c.Subscriptions = &SubscriptionService{c}
	c.Payments = &PaymentService{c}
	c.Refunds = &RefundService{c}
	c.Invoices = &InvoiceService{c}
	c.Webhooks = &WebhookService{c}
	return c
}

// Provider returns the provider the Client was built on.
func (c *Client) Provider() Provider { return c.provider }

// Supports reports whether the provider supports op.
func (c *Client) Supports(op Op) bool { return c.supported[op] }

// Capabilities returns what the provider declared it supports.
func (c *Client) Capabilities() Capabilities {
	return Capabilities{Ops: append([]Op(nil), c.caps.Ops...), IdempotencyKeys: c.caps.IdempotencyKeys}
}

// validator is implemented by every params type and by idArg.
type validator interface{ validate() error }

// idArg validates the id argument of Retrieve, Update, Delete and friends.
type idArg string

func (id idArg) validate() error { return validateID("id", string(id)) }

// twoArgs validates an id and params together.
type twoArgs struct {
	id     idArg
	params validator
}

func (a twoArgs) validate() error {
	if err := a.id.validate(); err != nil {
		return err
	}
	return a.params.validate()
}

// prepare runs the checks every call shares and returns the context and
// request options to call the provider with.
func (c *Client) prepare(ctx context.Context, op Op, args validator, opts []CallOption) (context.Context, context.CancelFunc, *RequestOptions, error) {
	if c.provider == nil {
		return nil, nil, nil, &Error{Code: CodeConfiguration, Op: op, Param: "provider", Message: "paykit.New was given a nil provider"}
	}
	if !c.supported[op] {
		return nil, nil, nil, &Error{Code: CodeNotSupported, Provider: c.name, Op: op, Message: "operation not supported by this provider"}
	}
	if err := checkText(args); err != nil {
		return nil, nil, nil, c.wrapErr(op, err)
	}
	if err := args.validate(); err != nil {
		return nil, nil, nil, c.wrapErr(op, err)
	}
	if ctx == nil {
		return nil, nil, nil, &Error{Code: CodeValidation, Provider: c.name, Op: op, Param: "ctx", Message: "context is nil"}
	}
	ro := &RequestOptions{Timeout: c.timeout}
	for _, o := range opts {
		if o != nil {
			o(ro)
		}
	}
	if op.IsWrite() {
		switch {
		case ro.IdempotencyKey == "":
			ro.IdempotencyKey = c.newKey()
			ro.generatedKey = true
		case len(ro.IdempotencyKey) > 255:
			return nil, nil, nil, &Error{Code: CodeValidation, Provider: c.name, Op: op, Param: "idempotency_key", Message: "idempotency key is longer than 255 characters"}
		case !c.caps.IdempotencyKeys:
			// Dropping the key silently would let a repeated call charge twice.
			return nil, nil, nil, &Error{Code: CodeNotSupported, Provider: c.name, Op: op, Param: "idempotency_key",
				Message: "this provider does not honour idempotency keys, so WithIdempotencyKey cannot make this call safe to repeat"}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, c.wrapErr(op, err)
	}
	cancel := context.CancelFunc(noCancel)
	if ro.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, ro.Timeout)
	}
	return ctx, cancel, ro, nil
}

func noCancel() {}

// do runs one operation returning a resource.
func do[T any](c *Client, ctx context.Context, op Op, args validator, opts []CallOption, call func(context.Context, *RequestOptions) (*T, error)) (*T, error) {
	ctx, cancel, ro, err := c.prepare(ctx, op, args, opts)
	if err != nil {
		return nil, err
	}
	defer cancel()
	start := time.Now()
	res, err := call(ctx, ro)
	if err == nil && res == nil {
		err = c.missingResult(op)
	}
	if err != nil {
		err = c.settle(op, ro, c.wrapErr(op, err))
		res = nil
	}
	c.log(ctx, op, start, err)
	return res, err
}

// exec runs one operation that returns no resource (Delete).
func exec(c *Client, ctx context.Context, op Op, args validator, opts []CallOption, call func(context.Context, *RequestOptions) error) error {
	ctx, cancel, ro, err := c.prepare(ctx, op, args, opts)
	if err != nil {
		return err
	}
	defer cancel()
	start := time.Now()
	if err = call(ctx, ro); err != nil {
		err = c.settle(op, ro, c.wrapErr(op, err))
	}
	c.log(ctx, op, start, err)
	return err
}

// listParams is implemented by every List*Params through its embedded
// ListParams.
type listParams interface {
	validator
	cursor() string
	setCursor(string)
}

// cursor returns the cursor a list starts from (setCursor is in types.go).
func (p *ListParams) cursor() string { return p.Cursor }

// fetchPage calls the provider for one page of a list.
type fetchPage[T, P any] func(ctx context.Context, params *P, ro *RequestOptions) (*Page[T], error)

// list returns an iterator over every item of every page. Each range over
// it starts from the caller's params, copied, so paging never changes them
// and the iterator can be ranged again.
func list[T, P any, PP interface {
	*P
	listParams
}](c *Client, ctx context.Context, op Op, params *P, opts []CallOption, fetch fetchPage[T, P]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		p := copyOrZero(params)
		// The starting cursor counts as seen, so a provider answering it
		// again does not make the first page repeat.
		seen := map[string]bool{PP(p).cursor(): true}
		// Empty pages that claim more are followed: a provider that
		// filters on its side (Stripe subscriptions by status) answers
		// them for long runs. A provider that never stops ends with ctx.
		for {
			page, err := fetchOnePage[T, P, PP](c, ctx, op, p, opts, fetch)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
			if !page.HasMore {
				return
			}
			if page.NextCursor == "" || seen[page.NextCursor] {
				yield(nil, &Error{Code: CodeOperationFailed, Provider: c.name, Op: op, Message: "provider returned a page with more items but no new cursor"})
				return
			}
			seen[page.NextCursor] = true
			PP(p).setCursor(page.NextCursor)
		}
	}
}

// listPage fetches the one page the caller's params describe, on a copy
// so the provider cannot change them.
func listPage[T, P any, PP interface {
	*P
	listParams
}](c *Client, ctx context.Context, op Op, params *P, opts []CallOption, fetch fetchPage[T, P]) (*Page[T], error) {
	return fetchOnePage[T, P, PP](c, ctx, op, copyOrZero(params), opts, fetch)
}

// fetchOnePage fetches the page p describes.
func fetchOnePage[T, P any, PP interface {
	*P
	listParams
}](c *Client, ctx context.Context, op Op, p *P, opts []CallOption, fetch fetchPage[T, P]) (*Page[T], error) {
	return do(c, ctx, op, PP(p), opts, func(ctx context.Context, ro *RequestOptions) (*Page[T], error) {
		return fetch(ctx, p, ro)
	})
}

func (c *Client) missingResult(op Op) error {
	switch op {
	case OpCustomersRetrieve, OpCheckoutsRetrieve, OpSubscriptionsRetrieve, OpPaymentsRetrieve, OpRefundsRetrieve, OpInvoicesRetrieve:
		return &Error{Code: CodeNotFound, Message: "provider found nothing"}
	}
	return &Error{Code: CodeOperationFailed, Message: "provider returned no result"}
}

// wrapErr turns any error into an *Error carrying the provider and op.
func (c *Client) wrapErr(op Op, err error) error {
	if pe, ok := err.(*Error); ok {
		if pe.Provider != "" && pe.Op != "" && !pe.sentinel {
			return RedactError(pe)
		}
		cp := *pe
		cp.sentinel = false
		if cp.Provider == "" {
			cp.Provider = c.name
		}
		if cp.Op == "" {
			cp.Op = op
		}
		return RedactError(&cp)
	}
	e := &Error{Code: CodeOperationFailed, Provider: c.name, Op: op, Err: err}
	if pe, ok := AsError(err); ok {
		e.Code, e.Param, e.StatusCode, e.RequestID = pe.Code, pe.Param, pe.StatusCode, pe.RequestID
		e.DeclineCode, e.Retryable, e.RetryAfter = pe.DeclineCode, pe.Retryable, pe.RetryAfter
		e.OutcomeUnknown, e.IdempotencyKey, e.Message = pe.OutcomeUnknown, pe.IdempotencyKey, pe.Message
		return RedactError(e)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		ce := ContextError(err)
		e.Code, e.Message = ce.Code, ce.Message
	}
	return RedactError(e)
}

// settle gives a failed write whose outcome is unknown the one answer
// every provider shares: OutcomeUnknown set, the idempotency key it was
// sent with, Retryable only when a retry would carry the same key (the
// caller's own, on a provider that honours keys), and a message saying how
// to retry safely. A write ended by its context while the provider had it
// counts as unknown too. err is the *Error wrapErr returned.
func (c *Client) settle(op Op, ro *RequestOptions, err error) error {
	pe, ok := err.(*Error)
	if !ok || !op.IsWrite() {
		return err
	}
	ctxEnded := errors.Is(pe, context.DeadlineExceeded) || errors.Is(pe, context.Canceled)
	if !pe.OutcomeUnknown && !ctxEnded {
		return err
	}
	cp := *pe
	cp.OutcomeUnknown = true
	if c.caps.IdempotencyKeys {
		cp.IdempotencyKey = ro.IdempotencyKey
	}
	// A canceled call is not retried whatever its key: the caller gave up.
	safe := c.caps.IdempotencyKeys && !ro.generatedKey && !errors.Is(pe, context.Canceled)
	cp.Retryable = safe && (cp.Retryable || ctxEnded)
	switch {
	case safe:
		cp.Message = joinMessage(cp.Message, "the request may have been applied; repeating it with the same idempotency key applies it at most once")
	case c.caps.IdempotencyKeys:
		cp.Message = joinMessage(cp.Message, "the request may have been applied; retry with paykit.WithIdempotencyKey("+strconv.Quote(ro.IdempotencyKey)+") to apply it at most once")
	default:
		cp.Message = joinMessage(cp.Message, "the request may have been applied and this provider honours no idempotency keys: check before repeating it")
	}
	return &cp
}

func joinMessage(msg, more string) string {
	if msg == "" {
		return more
	}
	return msg + "; " + more
}

func (c *Client) log(ctx context.Context, op Op, start time.Time, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("provider", c.name), slog.String("op", string(op)), slog.Duration("duration", time.Since(start))}
	if pe, ok := AsError(err); ok {
		attrs = append(attrs, slog.String("code", string(pe.Code)), slog.String("error", pe.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "paykit call", attrs...)
}
