// Package gofuzzshm shares the memory region of Go's native fuzzer (go test -fuzz) with C and
// Rust processes, through the gofuzz_shm C library.
//
// A region is a file mapped by two processes: a [Header] laid out byte for byte as the
// sharedMemHeader of Go's internal/fuzz package, followed by the value (an encoded corpus entry,
// or raw bytes while minimizing). Inside a real Go fuzz worker the region is file descriptor 5,
// so a fuzz target can look at the region its coordinator wrote:
//
//	r, err := gofuzzshm.MapFD(5, 0) // 0: map the whole file
//	if err != nil { ... }
//	defer r.Close()
//	fmt.Println(r.Header().Count, r.Capacity())
//
// A coordinator-side program creates a region with [Create] and hands [Region.File] to a child
// (os/exec's ExtraFiles) or the [Region.Path] of its file.
//
// # Sharing protocol
//
// The library adds no locks to the region; the file has no room for one. Go's protocol is
// ownership: while a worker runs a call it owns the region, otherwise the coordinator does.
// Fields a peer updates while you look (Count while a worker runs) must be read with
// sync/atomic, e.g. atomic.LoadInt64(&r.Header().Count).
//
// # Concurrency
//
// A *Region is safe for concurrent use by multiple goroutines, with one exception: the value
// paths ([Region.Value], [Region.ValueCopy], [Region.SetValue]) take no lock, so that they cost
// what Go's own copy costs, and must not run concurrently with [Region.Close] (after Close they
// return an error matching [ErrClosed]). Concurrent SetValue calls are not serialized: the
// region has one writer at a time, its owner. The other methods that only read may run in
// parallel; [Region.SetValueLen] and Close wait for the calls in progress and exclude the
// others. Memory handed out — the [Header] pointer and the slice from [Region.Value] — is
// valid only until the region is closed (and the value slice until the value changes), and
// accesses to it are plain memory accesses.
//
// # Lifetime
//
// Close a region when done; Close is idempotent. A region that becomes unreachable without
// Close is closed by a cleanup function as a safety net, which also unmaps the memory that
// Header and Value point into, so keep the *Region reachable (or call Close after the last use)
// while you use them.
//
// # Errors
//
// Failures of the library are *[Error] values carrying the [Status] and the library's message
// (which names the function, the path and the OS error). They match the sentinel errors with
// errors.Is: errors.Is(err, gofuzzshm.ErrTooLarge). Calls on a closed region return an error
// matching [ErrClosed].
//
// # Linking
//
// The package finds the library with pkg-config (package name gofuzz_shm); see the README for
// installing it and for building against a checkout of the repository.
package gofuzzshm
