/*
 * The worker C API against real Go fuzz workers, the same scenarios as tests/worker_*.rs:
 * every outcome with its exact input and the worker back afterwards, coverage that tells paths
 * apart, typed arguments, start failures that say why, fuzz finding a planted bug, minimize
 * (plain, recovered raw bytes, stale raw bytes), the region view, and no leaked process,
 * descriptor or temporary file. (Hosts that die without stopping: host_death_test.c.)
 *
 * The Go test binaries come from the environment (the Makefile builds them into a temporary
 * directory): GOTARGETS_FUZZ (go test -c -fuzz=...) and GOTARGETS_PLAIN (go test -c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "../test_support.h"

static const char *fuzz_binary;
static const char *plain_binary;

/* Per-call timeout for the tests: short, so hangs are found quickly. */
#define TIMEOUT_NS (3ull * 1000 * 1000 * 1000)
/* Generous bound for fuzzing to find the planted bug (it takes well under a second). */
#define SEARCH_NS (60ull * 1000 * 1000 * 1000)

static shm_worker_t *start_env(const char *binary, const char *target, const char *const *env) {
    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    opts.binary = binary;
    opts.target = target;
    opts.env = env;
    opts.timeout_ns = TIMEOUT_NS;
    shm_worker_t *w = NULL;
    shm_status_t st = shm_worker_start(&opts, &w);
    if (st != SHM_OK) {
        fail_msg("start %s: %s", target, shm_last_error());
    }
    assert_non_null(w);
    return w;
}

static shm_worker_t *start(const char *target) {
    return start_env(fuzz_binary, target, NULL);
}

/* "go test fuzz v1\n[]byte(\"<text>\")\n" for plain ASCII text. */
static size_t bytes_entry(char *buf, size_t cap, const char *text) {
    int n = snprintf(buf, cap, "go test fuzz v1\n[]byte(\"%s\")\n", text);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static shm_run_result_t run_text(shm_worker_t *w, const char *text) {
    char entry[256];
    size_t len = bytes_entry(entry, sizeof entry, text);
    shm_run_result_t r;
    memset(&r, 0xAB, sizeof r);
    shm_status_t st = shm_worker_run(w, (const uint8_t *)entry, len, &r);
    if (st != SHM_OK) {
        fail_msg("run %s: %s", text, shm_last_error());
    }
    /* The result names the exact input. */
    assert_int_equal(r.entry_len, len);
    assert_memory_equal(r.entry, entry, len);
    assert_non_null(r.message);
    assert_int_equal(strlen(r.message), r.message_len);
    return r;
}

static void test_every_outcome_and_the_worker_comes_back(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzBehave");
    int64_t pid = shm_worker_pid(w);
    assert_true(pid > 0);

    shm_run_result_t r = run_text(w, "fine");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.message_len, 0);
    assert_true(r.coverage_len > 0);
    assert_int_equal(r.exit_code, -1);
    assert_int_equal(r.signal, 0);

    r = run_text(w, "fatal");
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "rejected input \"fatal\""));
    assert_int_equal(r.coverage_len, 0);
    assert_int_equal(shm_worker_pid(w), pid);

    r = run_text(w, "panic");
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "panic: boom: panic"));

    struct {
        const char *input;
        int exit_code, signal;
        const char *text;
    } deaths[] = {
        {"exit3", 3, 0, "exit code 3"},
        {"overflow", 2, 0, "fatal error: stack overflow"},
        {"nilmap", 2, 0, "assignment to entry in nil map"},
        {"sigkill", -1, SIGKILL, "signal 9"},
    };
    for (size_t i = 0; i < sizeof deaths / sizeof deaths[0]; i++) {
        r = run_text(w, deaths[i].input);
        if (r.outcome != SHM_OUTCOME_WORKER_DIED) {
            fail_msg("%s: outcome %d, exit code %d, signal %d, count %lld: %s", deaths[i].input,
                     (int)r.outcome, (int)r.exit_code, (int)r.signal, (long long)r.count,
                     r.message);
        }
        assert_int_equal(r.exit_code, deaths[i].exit_code);
        assert_int_equal(r.signal, deaths[i].signal);
        if (!strstr(r.message, deaths[i].text)) {
            fail_msg("%s: %s", deaths[i].input, r.message);
        }
        assert_int_equal(shm_worker_pid(w), -1);
        r = run_text(w, "fine");
        assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    }

    r = run_text(w, "hang");
    assert_int_equal(r.outcome, SHM_OUTCOME_TIMEOUT);
    assert_int_equal(r.signal, SIGKILL);
    assert_true(r.duration_ns >= TIMEOUT_NS);
    r = run_text(w, "fine");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

static void test_coverage_tells_paths_apart(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzAccept");
    /* Read from the binary at start: known before any run, and what the worker reports. */
    int64_t known = shm_worker_coverage_len(w);
    assert_true(known > 0);
    shm_run_result_t r = run_text(w, "abcd");
    size_t n = r.coverage_len;
    assert_int_equal((int64_t)n, known);
    assert_int_equal(shm_worker_coverage_len(w), (int64_t)n);
    uint8_t *a = malloc(n);
    assert_non_null(a);
    memcpy(a, r.coverage, n);
    r = run_text(w, "123");
    assert_int_equal(r.coverage_len, n);
    assert_memory_not_equal(a, r.coverage, n);
    r = run_text(w, "abcd");
    assert_memory_equal(a, r.coverage, n);
    free(a);
    assert_int_equal(shm_worker_stop(w), SHM_OK);

    w = start_env(plain_binary, "FuzzAccept", NULL);
    r = run_text(w, "abcd");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(r.coverage_len, 0);
    assert_int_equal(shm_worker_coverage_len(w), 0);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

static void test_typed_arguments_and_run_bytes(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzTyped");
    const char *failing = "go test fuzz v1\n[]byte(\"raw\")\nstring(\"str\")\nint(-7)\n"
                          "byte('\\xc8')\nfloat64(1.5)\nbool(true)\nrune('\xc3\xa9')\n";
    shm_run_result_t r;
    assert_int_equal(shm_worker_run(w, (const uint8_t *)failing, strlen(failing), &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "typed failure: \"raw\" \"str\" -7 200 1.5 true"));
    assert_int_equal(shm_worker_stop(w), SHM_OK);

    w = start("FuzzBehave");
    assert_int_equal(shm_worker_run_bytes(w, (const uint8_t *)"fatal", 5, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    const char *encoded = "go test fuzz v1\n[]byte(\"fatal\")\n";
    assert_int_equal(r.entry_len, strlen(encoded));
    assert_memory_equal(r.entry, encoded, r.entry_len);
    assert_int_equal(shm_worker_run_bytes(w, (const uint8_t *)"\0\xff", 2, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);

    /* Not an entry: an error, and the worker lives on. */
    shm_run_result_t untouched;
    memset(&untouched, 0x5A, sizeof untouched);
    assert_int_equal(shm_worker_run(w, (const uint8_t *)"junk", 4, &untouched), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "could not run the entry"));
    assert_int_equal(untouched.count, (int64_t)0x5A5A5A5A5A5A5A5Aull);
    assert_int_equal(shm_worker_run(w, NULL, 1, &r), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_worker_run(NULL, (const uint8_t *)"x", 1, &r), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_worker_run(w, (const uint8_t *)"x", 1, NULL), SHM_ERR_NULL_ARG);
    r = run_text(w, "fine");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

static void test_arguments_and_directory(void **state) {
    (void)state;
    char dir[] = "/tmp/gofuzz-shm-c-dir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *args[] = {"-test.v=false", "extra", NULL};
    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    opts.binary = fuzz_binary;
    opts.target = "FuzzBehave";
    opts.args = args;
    opts.dir = dir;
    opts.timeout_ns = TIMEOUT_NS;
    shm_worker_t *w = NULL;
    assert_int_equal(shm_worker_start(&opts, &w), SHM_OK);
    shm_run_result_t r = run_text(w, "whereami");
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    char expect[256];
    snprintf(expect, sizeof expect, "cwd=%s ", dir);
    if (!strstr(r.message, expect) ||
        !strstr(r.message, "\"-test.fuzz=^FuzzBehave$\" \"-test.v=false\" \"extra\"]")) {
        fail_msg("%s", r.message);
    }
    assert_int_equal(shm_worker_stop(w), SHM_OK);
    assert_int_equal(rmdir(dir), 0);

    /* An environment entry without '=' is refused. */
    const char *bad_env[] = {"NO_EQUALS_SIGN", NULL};
    opts.env = bad_env;
    w = NULL;
    assert_int_equal(shm_worker_start(&opts, &w), SHM_ERR_INVALID_ARG);
    assert_null(w);
}

static shm_status_t try_start(const char *binary, const char *target) {
    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    opts.binary = binary;
    opts.target = target;
    opts.timeout_ns = TIMEOUT_NS;
    shm_worker_t *w = (shm_worker_t *)(uintptr_t)0x1;
    shm_status_t st = shm_worker_start(&opts, &w);
    assert_ptr_equal(w, (shm_worker_t *)(uintptr_t)0x1); /* untouched on failure */
    return st;
}

static void test_start_failures_say_why(void **state) {
    (void)state;
    assert_int_equal(try_start(fuzz_binary, "FuzzNope"), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "has no fuzz target named FuzzNope"));
    assert_non_null(strstr(shm_last_error(), "FuzzAccept, FuzzBehave"));

    assert_int_equal(try_start(fuzz_binary, "FuzzFailsEarly"), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "failed before calling F.Fuzz"));
    assert_non_null(strstr(shm_last_error(), "setup failed on purpose"));

    assert_int_equal(try_start("/bin/true", "FuzzAccept"), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "not a Go test binary"));

    assert_int_equal(try_start("/nonexistent/pkg.test", "FuzzAccept"), SHM_ERR_IO);
    assert_non_null(strstr(shm_last_error(), "/nonexistent/pkg.test"));

    assert_int_equal(try_start(fuzz_binary, "Fuzz.*"), SHM_ERR_INVALID_ARG);

    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    shm_worker_t *w = NULL;
    assert_int_equal(shm_worker_start(&opts, &w), SHM_ERR_NULL_ARG); /* no binary */
    opts.binary = fuzz_binary;
    opts.target = "FuzzAccept";
    assert_int_equal(shm_worker_start(NULL, &w), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_worker_start(&opts, NULL), SHM_ERR_NULL_ARG);
    opts.struct_size = 0;
    assert_int_equal(shm_worker_start(&opts, &w), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "shm_worker_options_init"));
    assert_null(w);
    shm_worker_options_init(NULL);
    assert_int_equal(shm_worker_stop(NULL), SHM_OK);
}

static void test_fuzz(void **state) {
    (void)state;
    /* The planted bug, with the environment passed explicitly. */
    size_t n = 0;
    while (environ[n]) {
        n++;
    }
    const char **env = calloc(n + 2, sizeof *env);
    assert_non_null(env);
    memcpy(env, environ, n * sizeof *env);
    env[n] = "GOTARGETS_BUG=fatal";
    shm_worker_t *w = start_env(fuzz_binary, "FuzzShallow", env);
    free(env);
    char seed[64];
    size_t seed_len = bytes_entry(seed, sizeof seed, "seed");
    shm_run_result_t r;
    assert_int_equal(shm_worker_fuzz(w, (const uint8_t *)seed, seed_len, SEARCH_NS, 0, NULL, 0, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "planted bug: input"));
    assert_true(r.count >= 1);
    assert_true(r.rand_state != 0 || r.rand_inc != 0);
    /* entry is the mutated input that failed, rebuilt: run again, it fails the same way. */
    assert_non_null(memchr(r.entry, '!', r.entry_len));
    char *found = malloc(r.entry_len);
    assert_non_null(found);
    memcpy(found, r.entry, r.entry_len);
    size_t found_len = r.entry_len;
    assert_int_equal(shm_worker_run(w, (const uint8_t *)found, found_len, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "planted bug: input"));
    free(found);
    assert_int_equal(shm_worker_stop(w), SHM_OK);

    /* Limits and masks. */
    w = start("FuzzAccept");
    seed_len = bytes_entry(seed, sizeof seed, "abcd");
    assert_int_equal(shm_worker_fuzz(w, (const uint8_t *)seed, seed_len, 0, 50, NULL, 0, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(r.count, 50);
    assert_int_equal(r.coverage_len, 0);
    r = run_text(w, "abcd");
    size_t cov_len = r.coverage_len;
    uint8_t *mask = malloc(cov_len);
    assert_non_null(mask);
    memcpy(mask, r.coverage, cov_len);
    assert_int_equal(shm_worker_fuzz(w, (const uint8_t *)seed, seed_len, 0, 100000, mask, cov_len, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_true(r.count < 100000);
    assert_int_equal(r.coverage_len, cov_len);
    int new_bits = 0;
    for (size_t i = 0; i < cov_len; i++) {
        new_bits |= r.coverage[i] & ~mask[i];
    }
    assert_true(new_bits != 0);
    assert_int_equal(shm_worker_fuzz(w, (const uint8_t *)seed, seed_len, 0, 5, mask, cov_len - 1, &r),
                     SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_worker_fuzz(w, (const uint8_t *)seed, seed_len, 0, 0, NULL, 0, &r), SHM_ERR_INVALID_ARG);
    /* Minimizing while keeping coverage: a mask of the wrong length is a usage error; the
       seed keeps its own coverage. */
    assert_int_equal(shm_worker_minimize_keeping(w, (const uint8_t *)seed, seed_len, mask, cov_len - 1, 0, 100, &r),
                     SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_worker_minimize_keeping(w, (const uint8_t *)seed, seed_len, NULL, 0, 0, 100, &r),
                     SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_worker_minimize_keeping(w, (const uint8_t *)seed, seed_len, mask, cov_len, 0, 1000, &r),
                     SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_int_equal(r.coverage_len, cov_len);
    for (size_t i = 0; i < cov_len; i++) {
        assert_true((r.coverage[i] & mask[i]) == mask[i]);
    }
    free(mask);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

static void test_minimize(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzMinimize");
    const char *entry = "go test fuzz v1\n[]byte(\"aaaaaaaaaaaaaaaaaaaabugbbbbbbbbbbbbbbbb\")\nstring(\"irrelevant text\")\n";
    shm_run_result_t r;
    assert_int_equal(shm_worker_minimize(w, (const uint8_t *)entry, strlen(entry), SEARCH_NS, 0, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "found bug in 3 bytes"));
    const char *prefix = "go test fuzz v1\n[]byte(\"bug\")\nstring(";
    assert_true(r.entry_len > strlen(prefix));
    assert_memory_equal(r.entry, prefix, strlen(prefix));
    assert_int_equal(shm_worker_minimize(w, (const uint8_t *)"junk", 4, SEARCH_NS, 0, &r), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_worker_stop(w), SHM_OK);

    /* The worker dies mid-way: raw bytes recovered and confirmed. */
    w = start("FuzzMinimizeDies");
    entry = "go test fuzz v1\n[]byte(\"bugxxxxxxxxxx\")\n";
    assert_int_equal(shm_worker_minimize(w, (const uint8_t *)entry, strlen(entry), SEARCH_NS, 0, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_WORKER_DIED);
    assert_int_equal(r.exit_code, 4);
    const char *small = "go test fuzz v1\n[]byte(\"bugxx\")\n";
    assert_int_equal(r.entry_len, strlen(small));
    assert_memory_equal(r.entry, small, r.entry_len);

    /* Stale raw bytes: back to the last entry known to fail. */
    entry = "go test fuzz v1\n[]byte(\"xxxxxxbugxxxxx\")\n";
    assert_int_equal(shm_worker_minimize(w, (const uint8_t *)entry, strlen(entry), SEARCH_NS, 0, &r), SHM_OK);
    assert_int_equal(r.outcome, SHM_OUTCOME_CRASH);
    assert_non_null(strstr(r.message, "do not reproduce"));
    assert_int_equal(r.entry_len, strlen(entry));
    assert_memory_equal(r.entry, entry, r.entry_len);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

static void test_region_view(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzAccept");
    shm_region_t *region = shm_worker_region(w);
    assert_non_null(region);
    assert_ptr_equal(shm_worker_region(w), region);
    assert_int_equal(shm_capacity(region), SHM_GO_WORKER_VALUE_CAPACITY);
    shm_run_result_t r = run_text(w, "abcd");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    shm_header_t *h = shm_header(region);
    assert_int_equal(h->count, 1);
    const uint8_t *value;
    size_t len;
    assert_int_equal(shm_value_ref(region, &value, &len), SHM_OK);
    assert_int_equal(len, r.entry_len);
    assert_memory_equal(value, r.entry, len);
    assert_null(shm_worker_region(NULL));
    assert_int_equal(shm_worker_pid(NULL), -1);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

/* The worker dies between calls (killed here); the next call must not raise SIGPIPE in this
 * process (which keeps the default action) and must not blame its input. */
static void test_death_between_calls(void **state) {
    (void)state;
    shm_worker_t *w = start("FuzzBehave");
    pid_t pid = (pid_t)shm_worker_pid(w);
    assert_int_equal(kill(pid, SIGKILL), 0);
    /* Wait until it has exited, leaving it for the library to reap (WNOWAIT). */
    siginfo_t info;
    assert_int_equal(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
    assert_ptr_equal(signal(SIGPIPE, SIG_DFL), SIG_DFL);
    shm_run_result_t r = run_text(w, "fine");
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    assert_true(shm_worker_pid(w) != pid);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

/* Runs last: everything above was stopped, so nothing of ours may remain: no process, zombie,
 * descriptor, thread or temporary file. */
static void test_nothing_leaks(void **state) {
    (void)state;
    const char *tmp = tmpdir();
    int files = count_entries(tmp);
    int fds = count_open_fds();
    int threads = count_entries("/proc/self/task");
    shm_worker_t *w = start("FuzzBehave");
    run_text(w, "exit3");
    run_text(w, "fine");
    run_text(w, "hang");
    run_text(w, "fine");
    /* Nothing on disk at all: the region is a memfd, the worker's cache dir is never made. */
    assert_int_equal(count_entries(tmp), files);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
    assert_int_equal(count_open_fds(), fds);
    assert_int_equal(count_entries("/proc/self/task"), threads); /* watchdog threads joined */
    assert_int_equal(count_entries(tmp), files);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* no child left, not even a zombie */
    assert_int_equal(errno, ECHILD);
}

int main(void) {
    fuzz_binary = getenv("GOTARGETS_FUZZ");
    plain_binary = getenv("GOTARGETS_PLAIN");
    if (!fuzz_binary || !plain_binary) {
        fprintf(stderr, "set GOTARGETS_FUZZ and GOTARGETS_PLAIN (see the Makefile)\n");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_outcome_and_the_worker_comes_back),
        cmocka_unit_test(test_coverage_tells_paths_apart),
        cmocka_unit_test(test_typed_arguments_and_run_bytes),
        cmocka_unit_test(test_start_failures_say_why),
        cmocka_unit_test(test_arguments_and_directory),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_minimize),
        cmocka_unit_test(test_region_view),
        cmocka_unit_test(test_death_between_calls),
        cmocka_unit_test(test_nothing_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
