// Package corpuscheck holds the Go fuzz targets that the Rust tests in tests/corpus_go.rs run
// with the real Go toolchain to check gofuzz-shm's "go test fuzz v1" codec against Go's own.
//
//   - FuzzAllKinds takes one parameter of every type a Go fuzz target accepts. Run with -fuzz it
//     makes Go write corpus files (fuzz cache) for the Rust decoder to read; run with -run over
//     files in testdata/fuzz/FuzzAllKinds it writes, for each input, a canonical dump of the
//     values Go decoded (to the file named by $CORPUS_CHECK_DUMP).
//   - FuzzCrash has the same parameters and fails on any input other than its seed, so a short
//     -fuzz run makes Go write a crasher file under testdata/fuzz/FuzzCrash.
//
// The oracle sub-package calls Go's own corpus encoder and decoder on chosen inputs.
package corpuscheck
