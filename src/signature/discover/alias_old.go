//go:build !go1.22

package main

import "go/types"

// unalias is the identity before Go 1.22: aliases were resolved by go/types itself.
func unalias(t types.Type) types.Type { return t }
