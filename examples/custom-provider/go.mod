module github.com/paykit-go/paykit/examples/custom-provider

go 1.25.0

require github.com/paykit-go/paykit v0.0.0-00010101000000-000000000000

require (
	github.com/bojanz/currency v1.4.2 // indirect
	github.com/cockroachdb/apd/v3 v3.2.1 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/gorilla/mux v1.8.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/oauth2 v0.36.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

// The example builds against the paykit beside it. A provider in a module
// of its own requires a released paykit instead and drops this line.
replace github.com/paykit-go/paykit => ../..
