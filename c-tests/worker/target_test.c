/*
 * The engine host's C API (shm_target_*) against real Go fuzz workers, as an engine adapter
 * uses it: every verdict with Go's output, Go's counters on a pass, failing inputs written as
 * Go corpus files, a test binary given as bytes (run from a memfd), and nothing left behind
 * (descriptors, threads, children, files). Go test binaries: GOTARGETS_FUZZ (see the Makefile).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
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

static shm_target_t *start(shm_target_options_t *opts) {
    opts->target = "FuzzBehave";
    opts->timeout_ns = 2ull * 1000 * 1000 * 1000;
    shm_target_t *t = NULL;
    if (shm_target_start(opts, &t) != SHM_OK) fail_msg("start: %s", shm_last_error());
    assert_non_null(t);
    return t;
}

static shm_target_run_t run(shm_target_t *t, const char *text, shm_verdict_t want) {
    shm_target_run_t r;
    memset(&r, 0xAB, sizeof r);
    if (shm_target_run(t, (const uint8_t *)text, strlen(text), &r) != SHM_OK)
        fail_msg("run %s: %s", text, shm_last_error());
    if (r.verdict != want) fail_msg("%s: verdict %d, want %d: %s", text, r.verdict, want, r.message);
    assert_non_null(r.message);
    assert_int_equal(strlen(r.message), r.message_len);
    char entry[256];
    int n = snprintf(entry, sizeof entry, "go test fuzz v1\n[]byte(\"%s\")\n", text);
    assert_int_equal(r.entry_len, (size_t)n);
    assert_memory_equal(r.entry, entry, (size_t)n);
    return r;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n > 0);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_verdicts_counters_and_go_corpus_files(void **state) {
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/crashers", tmpdir());
    shm_target_options_t opts;
    shm_target_options_init(&opts);
    opts.binary = fuzz_binary;
    opts.crashers_dir = dir;
    shm_target_t *t = start(&opts);
    size_t n = shm_target_coverage_len(t);
    assert_true(n > 1000);
    assert_true(shm_target_pid(t) > 0);

    shm_target_run_t r = run(t, "fine", SHM_VERDICT_OK);
    assert_int_equal(r.coverage_len, n);
    assert_null(r.crasher);
    assert_int_equal(r.message_len, 0);

    r = run(t, "fatal", SHM_VERDICT_FAILURE);
    assert_non_null(strstr(r.message, "rejected input"));
    assert_int_equal(r.coverage_len, 0);
    assert_non_null(r.crasher);
    size_t len;
    char *saved = slurp(r.crasher, &len);
    assert_int_equal(len, r.entry_len);
    assert_memory_equal(saved, r.entry, len);
    free(saved);
    /* The name is Go's: 16 hex digits. */
    const char *name = strrchr(r.crasher, '/') + 1;
    assert_int_equal(strlen(name), 16);
    assert_int_equal(strspn(name, "0123456789abcdef"), 16);

    r = run(t, "exit3", SHM_VERDICT_DEATH);
    assert_int_equal(r.exit_code, 3);
    assert_non_null(r.crasher);
    r = run(t, "hang", SHM_VERDICT_TIMEOUT);
    assert_non_null(r.crasher);
    r = run(t, "fine", SHM_VERDICT_OK);
    assert_int_equal(r.coverage_len, n);

    const char *path = NULL;
    assert_int_equal(shm_target_save(t, dir, &path), SHM_OK);
    assert_non_null(strstr(path, dir));
    assert_int_equal(count_entries(dir), 4); /* fatal, exit3, hang, and the saved "fine" */
    assert_int_equal(shm_target_stop(t), SHM_OK);

    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char file[8192];
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        unlink(file);
    }
    closedir(d);
    rmdir(dir);
}

static void test_an_image_in_memory_and_nothing_left(void **state) {
    (void)state;
    const char *tmp = tmpdir();
    int files = count_entries(tmp);
    int fds = count_open_fds();
    int threads = count_entries("/proc/self/task");
    size_t len;
    char *image = slurp(fuzz_binary, &len);
    shm_target_options_t opts;
    shm_target_options_init(&opts);
    opts.binary_image = (const uint8_t *)image;
    opts.binary_image_len = len;
    opts.rss_limit_mb = 2048;
    shm_target_t *t = start(&opts);
    free(image); /* copied at start */
    char exe[64], link[256];
    snprintf(exe, sizeof exe, "/proc/%lld/exe", (long long)shm_target_pid(t));
    ssize_t n = readlink(exe, link, sizeof link - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_non_null(strstr(link, "memfd:gofuzz-shm-go-test"));
    shm_target_run_t r = run(t, "panic", SHM_VERDICT_FAILURE);
    assert_non_null(strstr(r.message, "boom: panic"));
    assert_null(r.crasher); /* no crashers_dir */
    run(t, "exit3", SHM_VERDICT_DEATH);
    run(t, "fine", SHM_VERDICT_OK); /* restarted from the memfd */
    assert_int_equal(count_entries(tmp), files);
    assert_int_equal(shm_target_stop(t), SHM_OK);
    assert_int_equal(count_open_fds(), fds);
    assert_int_equal(count_entries("/proc/self/task"), threads);
    assert_int_equal(count_entries(tmp), files);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

int main(void) {
    fuzz_binary = getenv("GOTARGETS_FUZZ");
    if (!fuzz_binary) {
        fprintf(stderr, "set GOTARGETS_FUZZ (see the Makefile)\n");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_counters_and_go_corpus_files),
        cmocka_unit_test(test_an_image_in_memory_and_nothing_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
