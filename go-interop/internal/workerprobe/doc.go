// Package workerprobe holds fuzz targets that the tests of package gofuzzshm run with the real
// Go fuzzer: FuzzRegionInWorker maps its own worker's region (fd 5) with gofuzzshm.MapFD and
// checks it on every input; FuzzRejects is a worker for a minimal coordinator written in a test.
// Run outside a fuzzing worker, the targets only run their seeds.
package workerprobe

// RejectPrefix is the prefix of the inputs FuzzRejects fails on.
const RejectPrefix = "reject"

// LogEnv names a directory where each worker running FuzzRegionInWorker records one line per
// input it checked ("checked seed=<index of the seed, or -1> count=<n> len=<n>"), so that the
// test running the fuzzer can count them.
const LogEnv = "GOFUZZSHM_PROBE_LOG"
