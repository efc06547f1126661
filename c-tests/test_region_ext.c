/* Beyond Go's region: resize/remap, sealed memfd regions, atomic header access, threads, and a
 * hostile peer process scribbling the header while this one calls the API. Run with TMPDIR
 * set to an empty directory (the last test checks nothing is left there). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "test_support.h"

static const char *self_path;
static int fds_at_start;

static off_t fd_size(int fd) {
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return st.st_size;
}

static void test_resize_grow_shrink_and_peer_remap(void **state) {
    (void)state;
    shm_region_t *owner = NULL, *peer = NULL;
    assert_int_equal(shm_create(16, &owner), SHM_OK);
    assert_int_equal(shm_map_fd(shm_fd(owner), 0, &peer), SHM_OK);
    assert_int_equal(shm_set_value(owner, (const uint8_t *)"0123456789", 10), SHM_OK);
    shm_header(owner)->rand_inc = 1234;

    assert_int_equal(shm_resize(owner, 1 << 20), SHM_OK);
    assert_int_equal(shm_capacity(owner), 1 << 20);
    assert_int_equal(fd_size(shm_fd(owner)), (off_t)shm_size_for_value(1 << 20));
    assert_int_equal(shm_header(owner)->rand_inc, 1234); /* re-fetched after resize */

    uint8_t *area;
    size_t cap;
    assert_int_equal(shm_value_buffer(owner, &area, &cap), SHM_OK);
    memset(area, 'q', cap);
    assert_int_equal(shm_set_value_len(owner, cap), SHM_OK);

    const uint8_t *view;
    size_t len;
    assert_int_equal(shm_value_ref(peer, &view, &len), SHM_ERR_CORRUPT_HEADER);
    bool changed = false;
    assert_int_equal(shm_remap(peer, &changed), SHM_OK);
    assert_true(changed);
    assert_int_equal(shm_remap(peer, &changed), SHM_OK);
    assert_false(changed);
    assert_int_equal(shm_value_ref(peer, &view, &len), SHM_OK);
    assert_int_equal(len, 1 << 20);
    assert_int_equal(view[len - 1], 'q');

    assert_int_equal(shm_resize(owner, 100), SHM_ERR_INVALID_ARG); /* would cut the value */
    assert_non_null(strstr(shm_last_error(), "would cut"));
    assert_int_equal(shm_capacity(owner), 1 << 20);
    assert_int_equal(shm_set_value(owner, (const uint8_t *)"short", 5), SHM_OK);
    assert_int_equal(shm_resize(owner, 8), SHM_OK);
    assert_int_equal(fd_size(shm_fd(owner)), (off_t)shm_size_for_value(8));
    assert_int_equal(shm_remap(peer, &changed), SHM_OK);
    assert_true(changed);
    assert_int_equal(shm_capacity(peer), 8);
    assert_int_equal(shm_value_ref(peer, &view, &len), SHM_OK);
    assert_memory_equal(view, "short", 5);

    assert_int_equal(shm_resize(owner, SIZE_MAX), SHM_ERR_TOO_LARGE);
    assert_int_equal(shm_resize(NULL, 8), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_remap(NULL, &changed), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_remap(peer, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_close(peer), SHM_OK);
    assert_int_equal(shm_close(owner), SHM_OK);
}

static void test_memfd_is_sealed_against_shrinking(void **state) {
    (void)state;
    shm_region_t *region = NULL, *peer = NULL;
    assert_int_equal(shm_create_memfd(4096, &region), SHM_OK);
    assert_null(shm_path(region));
    bool sealed = false;
    assert_int_equal(shm_is_sealed(region, &sealed), SHM_OK);
    assert_true(sealed);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"sealed", 6), SHM_OK);

    assert_int_equal(shm_map_fd(shm_fd(region), 0, &peer), SHM_OK);
    sealed = false;
    assert_int_equal(shm_is_sealed(peer, &sealed), SHM_OK);
    assert_true(sealed);
    /* A peer holding the descriptor cannot truncate it. */
    assert_int_equal(ftruncate(shm_fd(peer), 8), -1);
    assert_int_equal(errno, EPERM);
    assert_int_equal(shm_close(peer), SHM_OK);

    assert_int_equal(shm_resize(region, 1 << 16), SHM_OK);
    assert_int_equal(shm_resize(region, 64), SHM_ERR_IO);
    assert_non_null(strstr(shm_last_error(), "Operation not permitted"));
    assert_int_equal(shm_capacity(region), 1 << 16);
    const uint8_t *view;
    size_t len;
    assert_int_equal(shm_value_ref(region, &view, &len), SHM_OK);
    assert_memory_equal(view, "sealed", 6);
    assert_int_equal(shm_close(region), SHM_OK);

    shm_region_t *plain = NULL;
    assert_int_equal(shm_create(8, &plain), SHM_OK);
    assert_int_equal(shm_is_sealed(plain, &sealed), SHM_OK);
    assert_false(sealed);
    assert_int_equal(shm_is_sealed(plain, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_close(plain), SHM_OK);
    assert_int_equal(shm_create_memfd(8, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_create_memfd(SIZE_MAX, &plain), SHM_ERR_TOO_LARGE);
}

static void test_atomic_accessors(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(8, &region), SHM_OK);
    shm_count_store(region, 40);
    assert_int_equal(shm_count_load(region), 40);
    assert_int_equal(shm_header(region)->count, 40);
    assert_int_equal(shm_count_add(region, 2), 40);
    assert_int_equal(shm_count_load(region), 42);
    assert_int_equal(shm_count_add(region, -50), 42);
    assert_int_equal(shm_count_load(region), -8);
    shm_header(region)->value_len = -5;
    assert_int_equal(shm_value_len_load(region), -5);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"abc", 3), SHM_OK);
    assert_int_equal(shm_value_len_load(region), 3);
    /* NULL is harmless. */
    assert_int_equal(shm_count_load(NULL), 0);
    assert_int_equal(shm_count_add(NULL, 1), 0);
    shm_count_store(NULL, 1);
    assert_int_equal(shm_value_len_load(NULL), 0);
    assert_int_equal(shm_close(region), SHM_OK);
}

enum { THREADS = 4, ADDS = 100000 };

static void *add_many(void *arg) {
    shm_region_t *region = arg;
    for (int i = 0; i < ADDS; i++) shm_count_add(region, 1);
    return NULL;
}

static void *read_many(void *arg) {
    shm_region_t *region = arg;
    for (int i = 0; i < ADDS; i++) {
        const uint8_t *view;
        size_t len;
        if (shm_value_ref(region, &view, &len) != SHM_OK || len != 6 ||
            memcmp(view, "stable", 6) != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_threads_add_count_while_others_read(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(8, &region), SHM_OK);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"stable", 6), SHM_OK);
    pthread_t threads[THREADS + 2];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, add_many, region), 0);
    for (int i = THREADS; i < THREADS + 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, read_many, region), 0);
    for (int i = 0; i < THREADS + 2; i++) {
        void *result = (void *)1;
        assert_int_equal(pthread_join(threads[i], &result), 0);
        assert_null(result);
    }
    assert_int_equal(shm_count_load(region), (int64_t)THREADS * ADDS);
    assert_int_equal(shm_close(region), SHM_OK);
}

static uint64_t xorshift(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

enum { PEER_WRITES = 2000000, CAPACITY = 256 };

/* The hostile peer, a separate process started with the region as fd 5: maps it and
 * scribbles the header. */
static int scribble(int fd) {
    shm_region_t *region = NULL;
    if (shm_map_fd(fd, 0, &region) != SHM_OK) return 3;
    volatile uint8_t *raw = (volatile uint8_t *)shm_header(region);
    volatile intptr_t *value_len = &shm_header(region)->value_len;
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (long i = 0; i < PEER_WRITES; i++) {
        uint64_t r = xorshift(&s);
        switch (i % 5) {
        case 0: *value_len = -(intptr_t)(r % 1000) - 1; break;
        case 1: *value_len = CAPACITY + 1 + (intptr_t)(r % 1000); break;
        case 2: *value_len = (intptr_t)(r % (CAPACITY + 1)); break;
        case 3: *value_len = (intptr_t)r; break;
        default:
            for (size_t b = 0; b < shm_header_size(); b++) raw[b] = (uint8_t)xorshift(&s);
        }
    }
    return shm_close(region) == SHM_OK ? 0 : 4;
}


static void test_hostile_peer_process(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(CAPACITY, &region), SHM_OK);
    pid_t pid = spawn_with_fd5(self_path, "--scribble", shm_fd(region));
    assert_true(pid > 0);

    long ok = 0, corrupt = 0, too_large = 0, calls = 0;
    uint8_t buf[CAPACITY];
    uint8_t payload[CAPACITY + 8];
    memset(payload, 0x5a, sizeof payload);
    uint64_t s = 12345;
    int status = 0;
    for (;;) {
        uint64_t r = xorshift(&s);
        const uint8_t *view;
        size_t len;
        shm_status_t st;
        switch (r % 4) {
        case 0:
            st = shm_value_ref(region, &view, &len);
            if (st == SHM_OK) {
                assert_true(len <= CAPACITY);
                volatile uint8_t sum = 0; /* touch every byte the view claims: ASan checks */
                for (size_t i = 0; i < len; i++) sum += view[i];
                (void)sum;
            }
            break;
        case 1: {
            size_t buf_len = (r >> 8) % (CAPACITY + 1);
            st = shm_value_copy(region, buf, buf_len, &len);
            /* The length reported with SHM_OK is what was copied: never beyond the buffer. */
            if (st == SHM_OK && len > buf_len) fail_msg("SHM_OK with len %zu > buf_len %zu", len, buf_len);
            break;
        }
        case 2: st = shm_set_value(region, payload, (r >> 8) % (CAPACITY + 8)); break;
        default: st = shm_set_value_len(region, (r >> 8) % (CAPACITY + 8)); break;
        }
        calls++;
        if (st == SHM_OK) ok++;
        else if (st == SHM_ERR_CORRUPT_HEADER) corrupt++;
        else if (st == SHM_ERR_TOO_LARGE) too_large++;
        else fail_msg("unexpected status %d: %s", st, shm_last_error());
        if (calls % 1024 == 0 && waitpid(pid, &status, WNOHANG) == pid) break;
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    printf("hostile peer: %ld calls: %ld ok, %ld corrupt header, %ld too large\n", calls, ok,
           corrupt, too_large);
    assert_true(ok > 0 && corrupt > 0 && too_large > 0);
    assert_int_equal(shm_close(region), SHM_OK);
}

static void test_nothing_left_behind(void **state) {
    (void)state;
    const char *dir = getenv("TMPDIR");
    assert_int_equal(count_open_fds(), fds_at_start);
    assert_int_equal(count_entries(dir != NULL ? dir : "/tmp"), 0);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--scribble") == 0) return scribble(5);
    self_path = argv[0];
    fds_at_start = count_open_fds();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_grow_shrink_and_peer_remap),
        cmocka_unit_test(test_memfd_is_sealed_against_shrinking),
        cmocka_unit_test(test_atomic_accessors),
        cmocka_unit_test(test_threads_add_count_while_others_read),
        cmocka_unit_test(test_hostile_peer_process),
        cmocka_unit_test(test_nothing_left_behind),
    };
    return cmocka_run_group_tests_name("gofuzz_shm region extensions C API", tests, NULL, NULL);
}
