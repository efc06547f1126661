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
/* 1 when the Go test binary was built with the comparison hooks (`gofuzz-shm build` without
 * --no-cmp). */
extern const unsigned char gofuzz_shm_go_cmp[];

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *pcs_beg, const uintptr_t *pcs_end);
void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b);
void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b);
void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b);
void __sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b);
void __sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b);
void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b);
void __sanitizer_weak_hook_memcmp(void *caller_pc, const void *s1, const void *s2, size_t n,
                                  int result);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

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
static int cmp_on;
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
    cmp_on = gofuzz_shm_go_cmp[0] == 1;
    opts.cmp = cmp_on;
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
    fprintf(stderr, "==%d== gofuzz-shm: Go fuzz target %s, %zu Go coverage counters%s, "
            "comparison feedback %s\n", pid(), gofuzz_shm_go_target, ncounters,
            blind ? " (not used: " NO_COUNTERS_ENV "=1)" : "", cmp_on ? "on" : "off");
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

/*
 * Comparison feedback. After a run that returned, the fuzz function's comparisons (recorded by
 * the hook object in the Go worker) go two ways:
 *  - into libFuzzer's own hooks, so its table of recent compares (TORC, used by its CMP
 *    mutation) and -use_value_profile see them. libFuzzer takes the caller PC of the integer
 *    hooks from the return address, so all of Go's sites share this one call site (TORC does
 *    not use the PC; value profile then tells operands apart but not sites). The string hook
 *    takes the PC as an argument: Go's site id goes there.
 *  - into a small pool of recent distinct comparisons of our own, for the input-to-state
 *    mutator below (LLVMFuzzerCustomMutator): libFuzzer's TORC keeps only 4- and 8-byte
 *    integers and whole-word strings, and Go compares bytes and lengths too.
 * The harness links libFuzzer without its interceptors (libclang_rt.fuzzer_interceptors is
 * not linked by -fsanitize=fuzzer), so the host's own memcmp/strcmp calls do not reach TORC.
 */
#define POOL 512
#define HASHES 8192
struct cmp_entry {
    uint8_t kind, size, alen, blen;
    uint64_t a, b;
    uint8_t as[64], bs[64];
};
static struct cmp_entry pool[POOL];
static size_t npool, pool_next;
static uint64_t seen[HASHES];

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static void entry_of(struct cmp_entry *e, const shm_cmp_record_t *r);

static void remember(const shm_cmp_record_t *r) {
    uint64_t h = mix(mix(r->kind, r->size), mix(r->a, r->b));
    if (r->kind == SHM_CMP_STR) {
        for (size_t i = 0; i < r->a_len; i++) h = mix(h, r->a_bytes[i]);
        for (size_t i = 0; i < r->b_len; i++) h = mix(h, ~(uint64_t)r->b_bytes[i]);
    }
    h |= 1;
    if (seen[h % HASHES] == h) return;
    seen[h % HASHES] = h;
    entry_of(&pool[pool_next], r);
    pool_next = (pool_next + 1) % POOL;
    if (npool < POOL) npool++;
}

static void feed_int(const shm_cmp_record_t *r) {
    if (r->is_const) {
        switch (r->size) {
        case 1: __sanitizer_cov_trace_const_cmp1((uint8_t)r->a, (uint8_t)r->b); break;
        case 2: __sanitizer_cov_trace_const_cmp2((uint16_t)r->a, (uint16_t)r->b); break;
        case 4: __sanitizer_cov_trace_const_cmp4((uint32_t)r->a, (uint32_t)r->b); break;
        default: __sanitizer_cov_trace_const_cmp8(r->a, r->b); break;
        }
        return;
    }
    switch (r->size) {
    case 1: __sanitizer_cov_trace_cmp1((uint8_t)r->a, (uint8_t)r->b); break;
    case 2: __sanitizer_cov_trace_cmp2((uint16_t)r->a, (uint16_t)r->b); break;
    case 4: __sanitizer_cov_trace_cmp4((uint32_t)r->a, (uint32_t)r->b); break;
    default: __sanitizer_cov_trace_cmp8(r->a, r->b); break;
    }
}

static void feed_str(const shm_cmp_record_t *r) {
    /* Both operands zero-padded to the longer one: libFuzzer's word is then the whole string
     * (its strcmp hook would cut both at the shorter length). */
    uint8_t a[64] = {0}, b[64] = {0};
    size_t n = r->a_len > r->b_len ? r->a_len : r->b_len;
    if (n < 2) return;
    memcpy(a, r->a_bytes, r->a_len);
    memcpy(b, r->b_bytes, r->b_len);
    int result = memcmp(a, b, n);
    if (result == 0) return;
    __sanitizer_weak_hook_memcmp((void *)(uintptr_t)r->site, a, b, n, result);
}

/* The comparisons of recent inputs, by a hash of the input: libFuzzer mutates a corpus unit
 * (run when it was added) and then, up to -mutate_depth times, the result it just ran, so the
 * mutator mostly finds the very input it is given. One record per site (the last: a loop's
 * final comparison), at most SITES. */
#define INPUTS 256
#define SITES 32
struct cmp_input {
    uint64_t hash;
    size_t n;
    struct cmp_entry e[SITES];
    uint32_t site[SITES];
};
static struct cmp_input inputs[INPUTS];

static uint64_t hash_bytes(const uint8_t *data, size_t size) {
    uint64_t h = 0x84222325cbf29ce4ull ^ size;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3ull;
    return h | 1;
}

static void entry_of(struct cmp_entry *e, const shm_cmp_record_t *r) {
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)r->kind;
    e->size = r->size;
    e->a = r->a;
    e->b = r->b;
    if (r->kind == SHM_CMP_STR) {
        e->alen = r->a_len;
        e->blen = r->b_len;
        memcpy(e->as, r->a_bytes, r->a_len);
        memcpy(e->bs, r->b_bytes, r->b_len);
    }
}

static void keep_for_input(uint64_t hash, const shm_cmp_record_t *records, size_t n) {
    struct cmp_input *in = &inputs[hash % INPUTS];
    in->hash = hash;
    in->n = 0;
    for (size_t i = 0; i < n; i++) {
        const shm_cmp_record_t *r = &records[i];
        if (r->kind == SHM_CMP_INT && r->a == r->b) continue;
        size_t j = 0;
        while (j < in->n && in->site[j] != r->site) j++;
        if (j == in->n) {
            if (in->n == SITES) continue;
            in->n++;
        }
        in->site[j] = r->site;
        entry_of(&in->e[j], r);
    }
}

static void take_comparisons(const uint8_t *data, size_t size) {
    const shm_cmp_record_t *records;
    size_t n;
    if (shm_target_cmp(target, &records, &n) != SHM_OK) return;
    keep_for_input(hash_bytes(data, size), records, n);
    for (size_t i = 0; i < n; i++) {
        const shm_cmp_record_t *r = &records[i];
        if (r->kind == SHM_CMP_INT) {
            feed_int(r);
            if (r->a != r->b) remember(r);
        } else {
            feed_str(r);
            remember(r);
        }
    }
}

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Every position where `pat` (len bytes) occurs in data; returns a random one or -1. */
static long pick_occurrence(const uint8_t *data, size_t size, const uint8_t *pat, size_t len) {
    if (len == 0 || len > size) return -1;
    long found = -1;
    size_t count = 0;
    for (size_t i = 0; i + len <= size; i++) {
        if (memcmp(data + i, pat, len) == 0 && rnd() % ++count == 0) found = (long)i;
    }
    return found;
}

static void encode(uint64_t v, size_t w, int big, uint8_t *out) {
    for (size_t i = 0; i < w; i++) {
        size_t shift = 8 * (big ? w - 1 - i : i);
        out[i] = (uint8_t)(v >> shift);
    }
}

/* Input-to-state: one operand's bytes found in the input are replaced by the other's. */
static size_t i2s(const struct cmp_entry *e, uint8_t *data, size_t size, size_t max) {
    int swap = (int)(rnd() & 1);
    if (e->kind == SHM_CMP_STR) {
        const uint8_t *from = swap ? e->bs : e->as, *to = swap ? e->as : e->bs;
        size_t lf = swap ? e->blen : e->alen, lt = swap ? e->alen : e->blen;
        long at = pick_occurrence(data, size, from, lf);
        if (at < 0 || size - lf + lt > max) return 0;
        memmove(data + at + lt, data + at + lf, size - (size_t)at - lf);
        memcpy(data + at, to, lt);
        return size - lf + lt;
    }
    uint64_t from = swap ? e->b : e->a, to = swap ? e->a : e->b;
    static const int64_t delta[] = {0, 0, 1, -1};
    to += (uint64_t)delta[rnd() % 4];
    size_t w = e->size;
    int big = (int)(rnd() & 1);
    for (int k = 0; k < 2; k++, big = !big) {
        uint8_t pat[8], rep[8];
        encode(from, w, big, pat);
        long at = pick_occurrence(data, size, pat, w);
        if (at < 0) continue;
        encode(to, w, big, rep);
        memcpy(data + at, rep, w);
        return size;
    }
    return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    rng_state = ((uint64_t)seed << 1) | 1;
    if (cmp_on && rnd() % 4 != 0) {
        /* The input's own comparisons first (exact input-to-state), then recent ones. */
        const struct cmp_input *in = &inputs[hash_bytes(data, size) % INPUTS];
        if (in->hash == hash_bytes(data, size) && in->n > 0) {
            for (int tries = 0; tries < 8; tries++) {
                size_t n = i2s(&in->e[rnd() % in->n], data, size, max_size);
                if (n > 0) return n;
            }
        }
        for (int tries = 0; npool > 0 && tries < 8; tries++) {
            size_t n = i2s(&pool[rnd() % npool], data, size, max_size);
            if (n > 0) return n;
        }
    }
    return LLVMFuzzerMutate(data, size, max_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!target) abort();
    shm_target_run_t r;
    if (shm_target_run(target, data, size, &r) != SHM_OK) {
        fprintf(stderr, "==%d== gofuzz-shm: cannot run the input: %s\n", pid(), shm_last_error());
        exit(1);
    }
    if (r.verdict == SHM_VERDICT_OK) {
        if (cmp_on) take_comparisons(data, size);
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
