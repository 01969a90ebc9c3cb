// Package providerkit is the kit for writing a paykit provider, in this
// module or any other.
package providerkit
