//go:build go1.22

package main

import "go/types"

// unalias resolves type aliases (types.Alias exists from Go 1.22).
func unalias(t types.Type) types.Type { return types.Unalias(t) }
