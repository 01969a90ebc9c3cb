package stripe

const (
	// testKey is a test-mode secret key; stripe-mock accepts any.
	testKey = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	// testSecret signs the webhook fixtures.
	testSecret = "whsec_test_paykit_fixture_secret"
)
