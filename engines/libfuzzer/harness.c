/*
 * The libFuzzer harness of `gofuzz-shm build --engine libfuzzer`: a Go fuzz target as a
 * libFuzzer target. Everything that matters lives in the library (shm_target_*); this file
 * only translates between libFuzzer and it:
 *
 *  - LLVMFuzzerInitialize starts the Go test binary embedded in this executable as a Go fuzz
 *    worker (every libFuzzer process gets its own) and registers Go's coverage counters as
 *    libFuzzer's, with a PC table of the same length, so cov: and ft: grow with Go's edges.
 *  - LLVMFuzzerTestOneInput runs the input in the worker and copies Go's counters in. A
 *    failure prints Go's output, writes the input as a Go corpus file, stops the worker and
 *    abort()s: libFuzzer writes its crash- artifact. A timeout waits for libFuzzer's own timer,
 *    which writes timeout-<sha1>.
 *
 * It is compiled without coverage instrumentation (only Go's counters are coverage) and linked
 * with -fsanitize=fuzzer, libgofuzz_shm.a and the object that embeds the Go test binary, which
 * defines the four symbols below.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gofuzz_shm.h"

extern const unsigned char gofuzz_shm_go_binary[];
extern const unsigned char gofuzz_shm_go_binary_end[];
extern const char gofuzz_shm_go_target[];
extern const char gofuzz_shm_go_types[];

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *pcs_beg, const uintptr_t *pcs_end);

/* Our own flag, taken out of argv before libFuzzer parses it; passed to child processes
 * (-fork, -jobs, -merge) through the environment. */
#define CRASHERS_FLAG "-go_crashers="
#define CRASHERS_ENV "GOFUZZSHM_GO_CRASHERS"
/* For comparisons: register the counters but never fill them (libFuzzer runs blind). */
#define NO_COUNTERS_ENV "GOFUZZSHM_NO_COUNTERS"
/* libFuzzer's default -timeout is 1200 s; Go stops any run at 10 s, so that is the default. */
#define DEFAULT_TIMEOUT "-timeout=10"

static shm_target_t *target;
static uint8_t *counters;
static uintptr_t *pcs;
static size_t ncounters;
static int blind;
static long timeout_s = 10;
static long rss_limit_mb = 2048; /* libFuzzer's default */

static int pid(void) { return (int)getpid(); }

/* The value of "-name=value" in arg, or NULL. */
static const char *flag_value(const char *arg, const char *name) {
    size_t n = strlen(name);
    if (arg[0] != '-' || strncmp(arg + 1, name, n) != 0 || arg[1 + n] != '=')
        return NULL;
    return arg + 2 + n;
}

/* The directory part of a path or prefix ("out/crash-" -> "out", "x" -> "."). */
static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Reads our flags and libFuzzer's that concern the worker; removes -go_crashers= and adds
 * -timeout=10 when no -timeout is given. Returns the Go crashers directory. */
static char *parse_args(int *argc, char ***argv) {
    const char *crashers = getenv(CRASHERS_ENV), *prefix = NULL, *exact = NULL;
    int has_timeout = 0, out = 0;
    char **args = calloc((size_t)*argc + 2, sizeof *args);
    if (!args) abort();
    for (int i = 0; i < *argc; i++) {
        const char *arg = (*argv)[i], *v;
        if (i > 0 && (v = flag_value(arg, "go_crashers"))) {
            crashers = v;
            setenv(CRASHERS_ENV, v, 1);
            continue;
        }
        if (i > 0 && (v = flag_value(arg, "timeout"))) {
            timeout_s = atol(v);
            has_timeout = 1;
        }
        if (i > 0 && (v = flag_value(arg, "rss_limit_mb"))) rss_limit_mb = atol(v);
        if (i > 0 && (v = flag_value(arg, "artifact_prefix"))) prefix = v;
        if (i > 0 && (v = flag_value(arg, "exact_artifact_path"))) exact = v;
        args[out++] = (*argv)[i];
    }
    if (!has_timeout && out > 0) {
        /* Right after the program name, so that it reaches child processes too. */
        memmove(args + 2, args + 1, (size_t)(out - 1) * sizeof *args);
        args[1] = (char *)DEFAULT_TIMEOUT;
        out++;
    }
    args[out] = NULL;
    *argc = out;
    *argv = args;
    if (crashers && *crashers) return strdup(crashers);
    if (exact && *exact) return dir_of(exact);
    if (prefix && *prefix) return dir_of(prefix);
    return strdup(".");
}

/* libFuzzer ends a session that completes (-runs, -max_total_time, -merge) with exit(). */
static void stop_target(void) {
    shm_target_stop(target);
    target = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    char *crashers = parse_args(argc, argv);
    blind = getenv(NO_COUNTERS_ENV) && strcmp(getenv(NO_COUNTERS_ENV), "1") == 0;
    shm_target_options_t opts;
    shm_target_options_init(&opts);
    opts.binary_image = gofuzz_shm_go_binary;
    opts.binary_image_len = (size_t)(gofuzz_shm_go_binary_end - gofuzz_shm_go_binary);
    opts.target = gofuzz_shm_go_target;
    opts.types = gofuzz_shm_go_types[0] ? gofuzz_shm_go_types : NULL;
    /* Our limit fires first: at -timeout, or at Go's own 10 s; -timeout=0 keeps Go's. */
    opts.timeout_ns = (uint64_t)(timeout_s > 0 ? timeout_s : 15) * 1000000000ull;
    opts.rss_limit_mb = rss_limit_mb > 0 ? (uint64_t)rss_limit_mb : 0;
    opts.crashers_dir = crashers;
    if (shm_target_start(&opts, &target) != SHM_OK) {
        fprintf(stderr, "==%d== gofuzz-shm: cannot start Go fuzz target %s: %s\n", pid(),
                gofuzz_shm_go_target, shm_last_error());
        exit(1);
    }
    free(crashers);
    atexit(stop_target);
    ncounters = shm_target_coverage_len(target);
    if (ncounters == 0) {
        fprintf(stderr,
                "==%d== gofuzz-shm: WARNING: no Go coverage counters (the empty input fails, or "
                "the binary was built without -fuzz); libFuzzer runs without Go's coverage\n",
                pid());
        ncounters = 1;
    }
    counters = calloc(ncounters, 1);
    pcs = calloc(2 * ncounters, sizeof *pcs);
    if (!counters || !pcs) abort();
    /* Go has no PCs to give: distinct fake ones, flags 0 (no function entries to name). */
    for (size_t i = 0; i < ncounters; i++) pcs[2 * i] = (uintptr_t)(i + 1) * 4;
    __sanitizer_cov_8bit_counters_init(counters, counters + ncounters);
    __sanitizer_cov_pcs_init(pcs, pcs + 2 * ncounters);
    fprintf(stderr, "==%d== gofuzz-shm: Go fuzz target %s, %zu Go coverage counters%s\n", pid(),
            gofuzz_shm_go_target, ncounters, blind ? " (not used: " NO_COUNTERS_ENV "=1)" : "");
    return 0;
}

static const char *verdict_name(shm_verdict_t v) {
    switch (v) {
    case SHM_VERDICT_FAILURE: return "a failure";
    case SHM_VERDICT_DEATH: return "a death of the worker";
    case SHM_VERDICT_TIMEOUT: return "a timeout";
    case SHM_VERDICT_OUT_OF_MEMORY: return "out-of-memory";
    default: return "ok";
    }
}

/* Prints what Go said, where the Go corpus file is, and stops the worker (nothing is left
 * behind when libFuzzer exits right after). */
static void report(const shm_target_run_t *r) {
    fprintf(stderr, "\n==%d== gofuzz-shm: %s in Go fuzz target %s; Go's output:\n", pid(),
            verdict_name(r->verdict), gofuzz_shm_go_target);
    fwrite(r->message, 1, r->message_len, stderr);
    fputc('\n', stderr);
    if (r->crasher) {
        const char *name = strrchr(r->crasher, '/');
        name = name ? name + 1 : r->crasher;
        fprintf(stderr,
                "==%d== gofuzz-shm: Go corpus file: %s (in the package, copied into "
                "testdata/fuzz/%s/, `go test -run=%s/%s` reproduces it)\n",
                pid(), r->crasher, gofuzz_shm_go_target, gofuzz_shm_go_target, name);
    }
    if (r->verdict == SHM_VERDICT_OUT_OF_MEMORY) {
        fprintf(stderr, "==%d== ERROR: libFuzzer: out-of-memory (used: %lluMb; exceeds: %ldMb) "
                "in the Go worker\n", pid(), (unsigned long long)r->rss_mb, rss_limit_mb);
    }
    stop_target();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!target) abort();
    shm_target_run_t r;
    if (shm_target_run(target, data, size, &r) != SHM_OK) {
        fprintf(stderr, "==%d== gofuzz-shm: cannot run the input: %s\n", pid(), shm_last_error());
        exit(1);
    }
    if (r.verdict == SHM_VERDICT_OK) {
        if (blind)
            counters[0] = 1;
        else if (r.coverage_len == ncounters)
            memcpy(counters, r.coverage, ncounters);
        return 0;
    }
    report(&r);
    if (r.verdict == SHM_VERDICT_TIMEOUT && timeout_s > 0) {
        /* libFuzzer's timer writes timeout-<sha1> and exits once -timeout has passed since the
         * input started (its timer fires every timeout/2+1 s). */
        fprintf(stderr, "==%d== gofuzz-shm: waiting for libFuzzer's -timeout=%ld\n", pid(),
                timeout_s);
        for (long waited = 0; waited < 2 * timeout_s + 5; waited++) sleep(1);
    }
    abort();
}
