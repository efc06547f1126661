/*
 * The comparison C API (shm_cmp_*) against real Go fuzz workers built with the hook object:
 * argument checks, the operands of an integer and a string comparison through
 * shm_worker_options_t.cmp, drops when the ring is full, and nothing left behind.
 *
 * The hooked Go test binary of testdata/gocmp comes from the environment (GOCMP_HOOKED; the
 * Makefile builds it into a temporary directory).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "../test_support.h"

static const char *hooked_binary;

#define TIMEOUT_NS (5ull * 1000 * 1000 * 1000)

static shm_worker_t *start(const char *target, const shm_cmp_t *ring) {
    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    assert_null(opts.cmp);
    opts.binary = hooked_binary;
    opts.target = target;
    opts.timeout_ns = TIMEOUT_NS;
    opts.cmp = ring;
    shm_worker_t *w = NULL;
    if (shm_worker_start(&opts, &w) != SHM_OK) fail_msg("start %s: %s", target, shm_last_error());
    return w;
}

/* Runs an entry (must pass) and collects the ring. */
static size_t run(shm_worker_t *w, shm_cmp_t *ring, const char *entry,
                  const shm_cmp_record_t **records, shm_cmp_stats_t *stats) {
    shm_run_result_t r;
    assert_int_equal(shm_cmp_reset(ring), SHM_OK);
    if (shm_worker_run(w, (const uint8_t *)entry, strlen(entry), &r) != SHM_OK)
        fail_msg("run: %s", shm_last_error());
    assert_int_equal(r.outcome, SHM_OUTCOME_OK);
    size_t count = 0;
    assert_int_equal(shm_cmp_collect(ring, records, &count, stats), SHM_OK);
    assert_int_equal(stats->records, count);
    return count;
}

static void test_arguments(void **state) {
    (void)state;
    shm_cmp_t *ring = NULL;
    assert_int_equal(shm_cmp_create(0, &ring), SHM_ERR_INVALID_ARG);
    assert_non_null(strstr(shm_last_error(), "slots"));
    assert_int_equal(shm_cmp_create((size_t)1 << 30, &ring), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_cmp_create(16, NULL), SHM_ERR_NULL_ARG);
    assert_null(ring);
    assert_int_equal(shm_cmp_reset(NULL), SHM_ERR_NULL_ARG);
    const shm_cmp_record_t *records;
    size_t count;
    shm_cmp_stats_t stats;
    assert_int_equal(shm_cmp_collect(NULL, &records, &count, &stats), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_cmp_create(16, &ring), SHM_OK);
    assert_int_equal(shm_cmp_collect(ring, NULL, &count, &stats), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_cmp_collect(ring, &records, &count, &stats), SHM_OK);
    assert_int_equal(count, 0);
    assert_int_equal(shm_cmp_forget_tail(NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_cmp_close(ring), SHM_OK);
    assert_int_equal(shm_cmp_close(NULL), SHM_OK);
}

static void test_integer_operands(void **state) {
    (void)state;
    shm_cmp_t *ring;
    assert_int_equal(shm_cmp_create(4096, &ring), SHM_OK);
    shm_worker_t *w = start("FuzzMagic", ring);
    const shm_cmp_record_t *records;
    shm_cmp_stats_t stats;
    /* Three runs teach the ring the worker's own tail. */
    run(w, ring, "go test fuzz v1\nint64(1)\n", &records, &stats);
    run(w, ring, "go test fuzz v1\nint64(2)\n", &records, &stats);
    run(w, ring, "go test fuzz v1\nint64(3)\n", &records, &stats);
    size_t n = run(w, ring, "go test fuzz v1\nint64(-7)\n", &records, &stats);
    assert_int_equal(n, 1);
    assert_int_equal(records[0].kind, SHM_CMP_INT);
    assert_int_equal(records[0].size, 8);
    assert_true(records[0].is_const);
    assert_int_equal(records[0].a, 0x1234abcd);
    assert_int_equal(records[0].b, (uint64_t)-7);
    assert_true(stats.filtered > 50);
    assert_true(stats.tail > 20);
    assert_int_equal(stats.dropped, 0);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
    assert_int_equal(shm_cmp_close(ring), SHM_OK);
}

static void test_string_operands(void **state) {
    (void)state;
    shm_cmp_t *ring;
    assert_int_equal(shm_cmp_create(4096, &ring), SHM_OK);
    shm_worker_t *w = start("FuzzToken", ring);
    const shm_cmp_record_t *records;
    shm_cmp_stats_t stats;
    run(w, ring, "go test fuzz v1\nstring(\"a\")\n", &records, &stats);
    run(w, ring, "go test fuzz v1\nstring(\"b\")\n", &records, &stats);
    run(w, ring, "go test fuzz v1\nstring(\"c\")\n", &records, &stats);
    size_t n = run(w, ring, "go test fuzz v1\nstring(\"some-long-tok\")\n", &records, &stats);
    int strings = 0;
    for (size_t i = 0; i < n; i++) {
        if (records[i].kind != SHM_CMP_STR) continue;
        strings++;
        assert_int_equal(records[i].a_len, 13);
        assert_memory_equal(records[i].a_bytes, "some-long-tok", 13);
        assert_int_equal(records[i].b_len, 15);
        assert_memory_equal(records[i].b_bytes, "some-long-token", 15);
        assert_int_equal(records[i].truncated, 0);
    }
    assert_int_equal(strings, 1);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
    assert_int_equal(shm_cmp_close(ring), SHM_OK);
}

static void test_drops_and_nothing_left_behind(void **state) {
    (void)state;
    int fds = count_open_fds();
    int files = count_entries(tmpdir());
    shm_cmp_t *ring;
    assert_int_equal(shm_cmp_create(8, &ring), SHM_OK);
    shm_worker_t *w = start("FuzzMany", ring);
    const shm_cmp_record_t *records;
    shm_cmp_stats_t stats;
    size_t n = run(w, ring, "go test fuzz v1\n[]byte(\"xxxxxxxxxxxxxxxxxxxx\")\n", &records,
                   &stats);
    assert_int_equal(n, 8);
    assert_true(stats.dropped >= 41 - 8);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
    assert_int_equal(shm_cmp_close(ring), SHM_OK);
    assert_int_equal(count_open_fds(), fds);
    assert_int_equal(count_entries(tmpdir()), files);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

int main(void) {
    hooked_binary = getenv("GOCMP_HOOKED");
    if (hooked_binary == NULL) {
        fprintf(stderr, "GOCMP_HOOKED is not set (run through the Makefile)\n");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_integer_operands),
        cmocka_unit_test(test_string_operands),
        cmocka_unit_test(test_drops_and_nothing_left_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
