// Package providerkit is the kit for writing a paykit provider, in this
// module or in any other: the pieces every adapter needs, so that a new
// one (PayPal, Paddle, your own gateway) is written against the same
// tested code as the Stripe, Polar and local providers rather than
// copying it.
//
// The parts:
//
//   - REST transport: RESTClient (NewRESTClient, RESTConfig) sends JSON or
//     form requests with pluggable authentication (Authenticator,
//     AuthFunc, BearerToken), retries that never duplicate a write,
//     OutcomeUnknown on a write that may have been applied, request ids in
//     errors (StatusError, RetryAfter) and redacted debug logs.
//   - OAuth2 tokens: TokenManager caches short-lived access tokens with a
//     single request in flight; NewClientCredentials and
//     ClientCredentialsFetch speak the client credentials grant (on
//     golang.org/x/oauth2's wire code), NewTokenManager takes any fetch
//     function for logins that are not OAuth2, and
//     TokenRequestError classifies a token endpoint's refusals. A
//     TokenManager is a Reauthenticator: on a 401 the RESTClient replaces
//     the refused token and repeats the request once, outside the
//     MaxRetries budget; a token request that fails for a Retryable
//     reason is retried like any other fault.
//   - Standard Webhooks: SignStandardWebhook, StandardWebhookHeaders and
//     VerifyStandardWebhook, with StandardWebhookKey for "whsec_" secrets.
//   - Money: NormalizeCurrency, Exponent, FormatDecimal, ParseDecimal and
//     AmountFromFloat for ISO 4217 minor units, and Exponents for a
//     provider whose currency exponents differ (ToProvider, FromProvider,
//     Format, Parse); nothing sent to a provider is ever rounded.
//   - Typed options: OptionsOf reads a provider's options struct from a
//     call's ProviderMetadata.
//   - Reserved metadata: EncodeReserved and DecodeReserved keep a
//     provider's own data under ReservedKey, hidden from users;
//     MergeMetadata applies a metadata update.
//   - Configuration errors: ConfigErrors collects what a provider's
//     options found wrong, for every call to fail with (ConfigError).
//   - Backoff: the wait between retries (Delay, Ceiling).
//
// A provider's contract tests use paykittest (the conformance suite) and
// paykittest/openapitest (a fake server that checks
// every request against the provider's OpenAPI document).
package providerkit
