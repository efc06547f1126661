/* A small coverage-guided fuzzer in C that drives a real, unmodified Go fuzz target through
 * gofuzz-shm's public C API: it keeps a corpus, mutates bytes, runs each input exactly once in a
 * Go fuzz worker (shm_worker_run_bytes), and keeps the inputs that light Go coverage counters
 * no earlier input lit. With --no-coverage it ignores coverage and only ever mutates the seed:
 * the same mutations, blind.
 *
 *   usage: fuzzer --bin PKG.test --target FuzzName [--seed N] [--runs N] [--no-coverage]
 *                 [--crash-out FILE] [--quiet]
 *
 * Exit status: 1 when it found an input that fails (the input's corpus entry is written to
 * --crash-out), 0 when the budget of runs ran out without one, 2 for usage or setup errors.
 * The same seed gives the same runs: the PRNG is seeded from --seed only, and Go's coverage
 * counters depend only on the input.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gofuzz_shm.h"

#define MAX_LEN 64        /* longest input the mutator makes */
#define MAX_CORPUS 4096   /* inputs kept */
#define SEED_INPUT "hello, fuzzer"

typedef struct {
    uint8_t data[MAX_LEN];
    size_t len;
} input_t;

/* splitmix64: a tiny PRNG whose whole state is one number, so a seed fixes every choice. */
static uint64_t rng;
static uint64_t next_u64(void) {
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return n == 0 ? 0 : (size_t)(next_u64() % n); }

/* Applies 1 to 4 random byte-level mutations in place; returns the new length. */
static size_t mutate(uint8_t *buf, size_t len) {
    static const uint8_t interesting[] = {0, 1, 2, 0x7f, 0x80, 0xff};
    size_t steps = 1 + below(4);
    for (size_t i = 0; i < steps; i++) {
        size_t pos = below(len);
        switch (below(6)) {
        case 0: /* overwrite a byte */
            if (len > 0) buf[pos] = (uint8_t)next_u64();
            break;
        case 1: /* flip a bit */
            if (len > 0) buf[pos] ^= (uint8_t)(1u << below(8));
            break;
        case 2: { /* add or subtract a little */
            unsigned delta = 1 + (unsigned)below(4);
            if (len > 0) buf[pos] = (uint8_t)(below(2) ? buf[pos] + delta : buf[pos] - delta);
            break;
        }
        case 3: /* an interesting value */
            if (len > 0) buf[pos] = interesting[below(sizeof interesting)];
            break;
        case 4: /* insert a byte */
            if (len < MAX_LEN) {
                pos = below(len + 1);
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = (uint8_t)next_u64();
                len++;
            }
            break;
        default: /* delete a byte */
            if (len > 0) {
                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                len--;
            }
            break;
        }
    }
    return len;
}

/* Go's %q for bytes, roughly: printable ASCII as is, the rest escaped. */
static void print_quoted(FILE *out, const uint8_t *p, size_t len) {
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"' || p[i] == '\\') fprintf(out, "\\%c", p[i]);
        else if (p[i] >= 0x20 && p[i] < 0x7f) fputc(p[i], out);
        else fprintf(out, "\\x%02x", p[i]);
    }
    fputc('"', out);
}

/* ORs a run's counters into `seen` (Go's counters are rounded to powers of two, so each bit
 * is an edge hit about 2^k times); returns how many bits were new. */
static size_t merge_coverage(uint8_t *seen, const uint8_t *cov, size_t len) {
    size_t fresh = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t bits = (uint8_t)(cov[i] & ~seen[i]);
        if (bits != 0) {
            fresh += (size_t)__builtin_popcount(bits);
            seen[i] |= bits;
        }
    }
    return fresh;
}

static size_t count_bits(const uint8_t *p, size_t len) {
    size_t n = 0;
    if (p == NULL) return 0;
    for (size_t i = 0; i < len; i++) n += (size_t)__builtin_popcount(p[i]);
    return n;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static const char *outcome_name(shm_outcome_t o) {
    switch (o) {
    case SHM_OUTCOME_OK: return "ok";
    case SHM_OUTCOME_CRASH: return "crash";
    case SHM_OUTCOME_WORKER_DIED: return "worker died";
    case SHM_OUTCOME_TIMEOUT: return "timeout";
    }
    return "?";
}

/* Prints the line of Go's failure text that says what went wrong (the panic or t.Fatal
 * message), else its first line. */
static void print_reason(const char *msg, size_t len) {
    const char *line = msg, *end = msg + len, *pick = NULL;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        const char *p = line;
        while (p < stop && (*p == ' ' || *p == '\t')) p++;
        if (pick == NULL && p < stop && strncmp(p, "---", 3) != 0) pick = line;
        if ((size_t)(stop - p) >= 6 && strncmp(p, "panic:", 6) == 0) { pick = line; break; }
        line = stop + 1;
    }
    if (pick == NULL) pick = msg;
    const char *nl = memchr(pick, '\n', (size_t)(end - pick));
    while (*pick == ' ' || *pick == '\t') pick++;
    printf("  %.*s\n", (int)((nl ? nl : end) - pick), pick);
}

static int usage(const char *argv0) {
    fprintf(stderr,
            "usage: %s --bin PKG.test --target FuzzName [--seed N] [--runs N] [--no-coverage]\n"
            "          [--crash-out FILE] [--quiet]\n"
            "exit status: 1 found a failing input, 0 none within --runs, 2 usage or setup error\n",
            argv0);
    return 2;
}

int main(int argc, char **argv) {
    const char *bin = NULL, *target = NULL, *crash_out = "crash.entry";
    uint64_t seed = 1, runs = 100000;
    bool use_coverage = true, quiet = false;
    static const struct option longopts[] = {
        {"bin", required_argument, NULL, 'b'},   {"target", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},  {"runs", required_argument, NULL, 'r'},
        {"no-coverage", no_argument, NULL, 'n'}, {"crash-out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},       {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'b': bin = optarg; break;
        case 't': target = optarg; break;
        case 's': seed = strtoull(optarg, &end, 10); break;
        case 'r': runs = strtoull(optarg, &end, 10); break;
        case 'n': use_coverage = false; break;
        case 'o': crash_out = optarg; break;
        case 'q': quiet = true; break;
        default: return usage(argv[0]);
        }
        if (end != NULL && (*end != '\0' || end == optarg)) return usage(argv[0]);
    }
    if (bin == NULL || target == NULL || optind != argc || runs == 0) return usage(argv[0]);

    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    opts.binary = bin;
    opts.target = target;
    opts.value_capacity = 1 << 16; /* inputs are tiny; no need for Go's 100 MiB */
    shm_worker_t *w = NULL;
    if (shm_worker_start(&opts, &w) != SHM_OK) {
        fprintf(stderr, "fuzzer: cannot start %s as a worker for %s: %s\n", bin, target,
                shm_last_error());
        return 2;
    }
    printf("fuzzing %s in %s: seed %" PRIu64 ", budget %" PRIu64 " runs, %s\n", target, bin,
           seed, runs,
           use_coverage ? "coverage-guided (keeps inputs that light new Go coverage counters)"
                        : "coverage ignored (blind mutations of the seed input)");

    static input_t corpus[MAX_CORPUS];
    size_t ncorpus = 1;
    memcpy(corpus[0].data, SEED_INPUT, strlen(SEED_INPUT));
    corpus[0].len = strlen(SEED_INPUT);
    uint8_t *seen = NULL;
    size_t seen_len = 0;
    rng = seed;

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int status = 0;
    uint64_t run;
    for (run = 1; run <= runs; run++) {
        input_t in;
        /* Run 1 is the seed as it is; then a mutation of a corpus input (in blind mode the
         * corpus never grows past the seed). */
        in = corpus[run == 1 ? 0 : below(ncorpus)];
        if (run > 1) in.len = mutate(in.data, in.len);

        shm_run_result_t r;
        if (shm_worker_run_bytes(w, in.data, in.len, &r) != SHM_OK) {
            fprintf(stderr, "fuzzer: run %" PRIu64 ": %s\n", run, shm_last_error());
            status = 2;
            break;
        }
        if (r.outcome != SHM_OUTCOME_OK) {
            double secs = seconds_since(&start);
            printf("run %6" PRIu64 ": %s on input ", run, outcome_name(r.outcome));
            print_quoted(stdout, in.data, in.len);
            printf("\n");
            print_reason(r.message, r.message_len);
            printf("found after %" PRIu64 " runs in %.1f s (%.0f runs/s); corpus %zu inputs, "
                   "%zu coverage bits seen\n",
                   run, secs, (double)run / secs, ncorpus, count_bits(seen, seen_len));
            FILE *f = fopen(crash_out, "wb");
            if (f == NULL || fwrite(r.entry, 1, r.entry_len, f) != r.entry_len || fclose(f) != 0) {
                perror(crash_out);
                status = 2;
            } else {
                printf("saved the failing input as a Go corpus entry: %s\n", crash_out);
                status = 1;
            }
            break;
        }
        if (r.coverage_len == 0) {
            fprintf(stderr, "fuzzer: %s has no coverage counters: build it with "
                            "`go test -c -fuzz=%s`\n", bin, target);
            status = 2;
            break;
        }
        if (seen == NULL) {
            seen_len = r.coverage_len;
            seen = calloc(seen_len, 1);
            if (seen == NULL) { status = 2; break; }
        }
        size_t n = r.coverage_len < seen_len ? r.coverage_len : seen_len;
        size_t fresh = merge_coverage(seen, r.coverage, n);
        if (fresh > 0 && use_coverage && run > 1 && ncorpus < MAX_CORPUS) {
            corpus[ncorpus++] = in;
            if (!quiet) {
                printf("run %6" PRIu64 ": +%zu coverage bits, corpus %3zu: ", run, fresh, ncorpus);
                print_quoted(stdout, in.data, in.len);
                printf("\n");
            }
        }
    }
    if (status == 0) {
        double secs = seconds_since(&start);
        printf("no failing input in %" PRIu64 " runs (%.1f s, %.0f runs/s); %zu coverage bits "
               "seen\n", runs, secs, (double)runs / secs, count_bits(seen, seen_len));
    }
    free(seen);
    if (shm_worker_stop(w) != SHM_OK) {
        fprintf(stderr, "fuzzer: stopping the worker: %s\n", shm_last_error());
        if (status == 0) status = 2;
    }
    return status;
}
