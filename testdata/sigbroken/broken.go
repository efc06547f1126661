// Package sigbroken does not type-check: discovery must say so.
package sigbroken
