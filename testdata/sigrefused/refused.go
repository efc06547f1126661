// Package sigrefused holds fuzz targets whose callback discovery cannot resolve or Go's
// fuzzing refuses (go vet flags them too, hence a package of their own).
package sigrefused

// Name is a named string type: Go's fuzzing refuses it as an argument.
type Name string
