/* The region's C contract, exercised as a C user would through include/gofuzz_shm.h.
 * Run with TMPDIR set to an empty directory: the last test checks that nothing is left in it and
 * that no descriptor is left open. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "test_support.h"

static const char *self_path;
static int fds_at_start;

/* A file of `len` bytes in TMPDIR; the caller unlinks it. */
static void make_file(char *path, size_t path_len, const char *name, off_t len) {
    snprintf(path, path_len, "%s/%s", tmpdir(), name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, len), 0);
    close(fd);
}

static void assert_last_error_mentions(const char *needle) {
    const char *text = shm_last_error();
    assert_non_null(text);
    if (strstr(text, needle) == NULL) fail_msg("last error \"%s\" lacks \"%s\"", text, needle);
}

/* ---- constants and pure functions ---- */

static void test_header_layout_matches_go(void **state) {
    (void)state;
    assert_int_equal(shm_header_size(), sizeof(shm_header_t));
    assert_int_equal(offsetof(shm_header_t, count), 0);
    assert_int_equal(offsetof(shm_header_t, value_len), 8);
#if UINTPTR_MAX == UINT64_MAX
    assert_int_equal(shm_header_size(), 40);
    assert_int_equal(offsetof(shm_header_t, rand_state), 16);
    assert_int_equal(offsetof(shm_header_t, rand_inc), 24);
    assert_int_equal(offsetof(shm_header_t, raw_in_mem), 32);
#else
    assert_int_equal(shm_header_size(), 32);
    assert_int_equal(offsetof(shm_header_t, rand_state), 12);
    assert_int_equal(offsetof(shm_header_t, rand_inc), 20);
    assert_int_equal(offsetof(shm_header_t, raw_in_mem), 28);
#endif
}

static void test_size_for_value(void **state) {
    (void)state;
    assert_int_equal(shm_size_for_value(0), shm_header_size());
    assert_int_equal(shm_size_for_value(SHM_GO_WORKER_VALUE_CAPACITY),
                     shm_header_size() + (100u << 20));
    assert_int_equal(shm_size_for_value(SIZE_MAX), 0);
    assert_int_equal(shm_size_for_value((size_t)PTRDIFF_MAX), 0);
    assert_int_equal(shm_size_for_value((size_t)PTRDIFF_MAX - shm_header_size()),
                     (size_t)PTRDIFF_MAX);
}

static void test_status_str_and_version(void **state) {
    (void)state;
    assert_string_equal(shm_status_str(SHM_OK), "ok");
    for (int s = SHM_OK; s <= SHM_ERR_PANIC; s++) {
        assert_non_null(shm_status_str((shm_status_t)s));
        assert_string_not_equal(shm_status_str((shm_status_t)s), "unknown status");
    }
    assert_string_equal(shm_status_str((shm_status_t)99), "unknown status");
    assert_string_equal(shm_status_str((shm_status_t)-1), "unknown status");
    const char *version = shm_version();
    assert_non_null(version);
    assert_true(strchr(version, '.') != NULL);
}

/* ---- create / close ---- */

static void test_create_makes_sparse_private_fuzz_file(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(SHM_GO_WORKER_VALUE_CAPACITY, &region), SHM_OK);
    assert_non_null(region);
    const char *path = shm_path(region);
    assert_non_null(path);
    char expected_prefix[PATH_MAX];
    snprintf(expected_prefix, sizeof expected_prefix, "%s/fuzz-", tmpdir());
    assert_memory_equal(path, expected_prefix, strlen(expected_prefix));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal((size_t)st.st_size, shm_size_for_value(SHM_GO_WORKER_VALUE_CAPACITY));
    assert_true(st.st_blocks * 512 < (1 << 20)); /* sparse */
    assert_int_equal(shm_capacity(region), SHM_GO_WORKER_VALUE_CAPACITY);
    assert_true(shm_fd(region) >= 0);
    shm_header_t *h = shm_header(region);
    assert_non_null(h);
    assert_int_equal(h->count, 0);
    assert_int_equal(h->value_len, 0);
    assert_false(h->raw_in_mem);
    char saved[PATH_MAX];
    snprintf(saved, sizeof saved, "%s", path);
    assert_int_equal(shm_close(region), SHM_OK);
    assert_int_equal(access(saved, F_OK), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_create_in_and_its_failures(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create_in(tmpdir(), 16, &region), SHM_OK);
    assert_int_equal(shm_capacity(region), 16);
    assert_int_equal(shm_close(region), SHM_OK);

    shm_region_t *untouched = (shm_region_t *)0x1;
    assert_int_equal(shm_create_in("/nonexistent-gofuzz-shm-dir", 16, &untouched), SHM_ERR_IO);
    assert_ptr_equal(untouched, (shm_region_t *)0x1); /* outputs only on success */
    assert_last_error_mentions("shm_create_in");
    assert_last_error_mentions("/nonexistent-gofuzz-shm-dir");
    assert_last_error_mentions("No such file or directory");

    assert_int_equal(shm_create(SIZE_MAX, &region), SHM_ERR_TOO_LARGE);
    assert_last_error_mentions("shm_create");
    assert_int_equal(shm_create_in(tmpdir(), (size_t)1 << 62, &region), SHM_ERR_IO);
}

static void test_null_arguments(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(16, NULL), SHM_ERR_NULL_ARG);
    assert_last_error_mentions("`out`");
    assert_int_equal(shm_create_in(NULL, 16, &region), SHM_ERR_NULL_ARG);
    assert_last_error_mentions("`dir`");
    assert_int_equal(shm_map_file(NULL, 0, false, &region), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_map_file("/tmp", 0, false, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_map_fd(0, 0, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_close(NULL), SHM_OK);
    assert_null(shm_header(NULL));
    assert_int_equal(shm_capacity(NULL), 0);
    assert_int_equal(shm_fd(NULL), -1);
    assert_null(shm_path(NULL));

    const uint8_t *data;
    size_t len;
    uint8_t *buf;
    assert_int_equal(shm_value_ref(NULL, &data, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_copy(NULL, NULL, 0, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_buffer(NULL, &buf, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_set_value(NULL, NULL, 0), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_set_value_len(NULL, 0), SHM_ERR_NULL_ARG);

    assert_int_equal(shm_create(16, &region), SHM_OK);
    assert_int_equal(shm_value_ref(region, NULL, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_ref(region, &data, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_copy(region, NULL, 0, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_copy(region, NULL, 4, &len), SHM_ERR_NULL_ARG);
    assert_last_error_mentions("`buf`");
    assert_int_equal(shm_value_buffer(region, NULL, &len), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_value_buffer(region, &buf, NULL), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_set_value(region, NULL, 1), SHM_ERR_NULL_ARG);
    assert_int_equal(shm_set_value(region, NULL, 0), SHM_OK);
    assert_int_equal(shm_close(region), SHM_OK);
}

/* ---- map_file / map_fd ---- */

static void test_map_file_sizes(void **state) {
    (void)state;
    char path[PATH_MAX];
    make_file(path, sizeof path, "mapped", 4096);
    shm_region_t *region = NULL;

    assert_int_equal(shm_map_file(path, 0, false, &region), SHM_OK);
    assert_int_equal(shm_capacity(region), 4096 - shm_header_size());
    assert_string_equal(shm_path(region), path);
    assert_int_equal(shm_close(region), SHM_OK);
    assert_int_equal(access(path, F_OK), 0); /* not removed */

    assert_int_equal(shm_map_file(path, 4097, true, &region), SHM_ERR_INVALID_ARG);
    assert_last_error_mentions("larger than the file");
    assert_last_error_mentions(path);
    assert_int_equal(shm_map_file(path, shm_header_size() - 1, true, &region),
                     SHM_ERR_INVALID_ARG);
    assert_int_equal(access(path, F_OK), 0); /* a failed call removes nothing */

    assert_int_equal(shm_map_file(path, shm_header_size() + 1, true, &region), SHM_OK);
    assert_int_equal(shm_capacity(region), 1);
    assert_int_equal(shm_close(region), SHM_OK);
    assert_int_equal(access(path, F_OK), -1); /* removed on close */

    assert_int_equal(shm_map_file("/nonexistent-gofuzz-shm", 0, false, &region), SHM_ERR_IO);
    assert_last_error_mentions("/nonexistent-gofuzz-shm");
    assert_int_equal(shm_map_file("/dev/null", 0, false, &region), SHM_ERR_INVALID_ARG);
}

static void test_file_shorter_than_header(void **state) {
    (void)state;
    char path[PATH_MAX];
    make_file(path, sizeof path, "short", (off_t)shm_header_size() - 1);
    shm_region_t *region = (shm_region_t *)0x1;
    assert_int_equal(shm_map_file(path, 0, false, &region), SHM_ERR_INVALID_ARG);
    assert_last_error_mentions("smaller than the");
    int fd = open(path, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(shm_map_fd(fd, 0, &region), SHM_ERR_INVALID_ARG);
    assert_ptr_equal(region, (shm_region_t *)0x1);
    close(fd);
    unlink(path);
}

static void test_map_fd_duplicates(void **state) {
    (void)state;
    shm_region_t *owner = NULL, *peer = NULL;
    assert_int_equal(shm_create(64, &owner), SHM_OK);
    assert_int_equal(shm_map_fd(shm_fd(owner), 0, &peer), SHM_OK);
    assert_int_not_equal(shm_fd(peer), shm_fd(owner));
    assert_null(shm_path(peer));
    assert_int_equal(shm_set_value(owner, (const uint8_t *)"hello", 5), SHM_OK);
    shm_header(owner)->rand_state = 77;
    size_t len = 0;
    uint8_t buf[8];
    assert_int_equal(shm_value_copy(peer, buf, sizeof buf, &len), SHM_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(shm_header(peer)->rand_state, 77);
    assert_int_equal(shm_close(peer), SHM_OK);
    assert_true(fcntl(shm_fd(owner), F_GETFD) >= 0); /* the owner's fd is still open */
    assert_int_equal(shm_close(owner), SHM_OK);

    assert_int_equal(shm_map_fd(-1, 0, &peer), SHM_ERR_INVALID_ARG);
    assert_int_equal(shm_map_fd(INT_MAX, 0, &peer), SHM_ERR_IO);
    int pipe_fds[2];
    assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
    assert_int_equal(shm_map_fd(pipe_fds[0], 0, &peer), SHM_ERR_INVALID_ARG);
    assert_last_error_mentions("regular file");
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

/* ---- values ---- */

static void test_value_round_trip_and_size_query(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(32, &region), SHM_OK);
    const char *entry = "go test fuzz v1\nint(5)\n";
    size_t entry_len = strlen(entry);
    assert_int_equal(shm_set_value(region, (const uint8_t *)entry, entry_len), SHM_OK);
    assert_int_equal(shm_header(region)->value_len, (intptr_t)entry_len);

    const uint8_t *view = NULL;
    size_t len = 0;
    assert_int_equal(shm_value_ref(region, &view, &len), SHM_OK);
    assert_int_equal(len, entry_len);
    assert_memory_equal(view, entry, entry_len);
    assert_ptr_equal(view, (const uint8_t *)shm_header(region) + shm_header_size());

    len = 0;
    assert_int_equal(shm_value_copy(region, NULL, 0, &len), SHM_ERR_TOO_LARGE); /* size query */
    assert_int_equal(len, entry_len);
    uint8_t small[4] = {9, 9, 9, 9};
    assert_int_equal(shm_value_copy(region, small, sizeof small, &len), SHM_ERR_TOO_LARGE);
    assert_int_equal(small[0], 9); /* nothing copied */
    uint8_t *buf = malloc(len);
    assert_int_equal(shm_value_copy(region, buf, len, &len), SHM_OK);
    assert_memory_equal(buf, entry, entry_len);
    free(buf);

    /* Copying the region's own bytes onto itself is allowed (memmove). */
    assert_int_equal(shm_set_value(region, view + 5, 4), SHM_OK);
    assert_int_equal(shm_value_ref(region, &view, &len), SHM_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(view, "st f", 4);
    assert_int_equal(shm_close(region), SHM_OK);
}

static void test_rejected_writes_change_nothing(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(8, &region), SHM_OK);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"keep", 4), SHM_OK);
    shm_header_t before = *shm_header(region);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"123456789", 9), SHM_ERR_TOO_LARGE);
    assert_last_error_mentions("capacity of 8");
    assert_int_equal(shm_set_value_len(region, 9), SHM_ERR_TOO_LARGE);
    assert_memory_equal(shm_header(region), &before, sizeof before);
    const uint8_t *view;
    size_t len;
    assert_int_equal(shm_value_ref(region, &view, &len), SHM_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(view, "keep", 4);
    assert_int_equal(shm_set_value(region, (const uint8_t *)"12345678", 8), SHM_OK);
    assert_int_equal(shm_close(region), SHM_OK);
}

static void test_value_buffer_then_set_value_len(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(16, &region), SHM_OK);
    uint8_t *area = NULL;
    size_t capacity = 0;
    assert_int_equal(shm_value_buffer(region, &area, &capacity), SHM_OK);
    assert_int_equal(capacity, 16);
    memset(area, 'z', capacity); /* the whole area is writable */
    memcpy(area, "raw", 3);
    assert_int_equal(shm_set_value_len(region, 3), SHM_OK);
    uint8_t out[16];
    size_t len;
    assert_int_equal(shm_value_copy(region, out, sizeof out, &len), SHM_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "raw", 3);
    assert_int_equal(shm_set_value_len(region, 16), SHM_OK);
    assert_int_equal(shm_close(region), SHM_OK);
}

static void test_hostile_value_len(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(16, &region), SHM_OK);
    const intptr_t hostile[] = {-1, (intptr_t)shm_capacity(region) + 1, INTPTR_MAX, INTPTR_MIN,
                                (intptr_t)INT32_MAX};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        shm_header(region)->value_len = hostile[i];
        const uint8_t *view = (const uint8_t *)0x1;
        size_t len = 12345;
        uint8_t buf[64];
        assert_int_equal(shm_value_ref(region, &view, &len), SHM_ERR_CORRUPT_HEADER);
        assert_ptr_equal(view, (const uint8_t *)0x1);
        assert_int_equal(len, 12345);
        assert_last_error_mentions("value_len");
        assert_int_equal(shm_value_copy(region, buf, sizeof buf, &len), SHM_ERR_CORRUPT_HEADER);
        assert_int_equal(len, 12345);
        assert_int_equal(shm_value_copy(region, NULL, 0, &len), SHM_ERR_CORRUPT_HEADER);
    }
    /* A writer repairs it. */
    assert_int_equal(shm_set_value(region, (const uint8_t *)"ok", 2), SHM_OK);
    assert_int_equal(shm_close(region), SHM_OK);
}

static void *thread_fails_once(void *arg) {
    char *seen = arg;
    snprintf(seen, 256, "%s", shm_last_error()); /* a new thread starts with "" */
    shm_region_t *region = NULL;
    if (shm_create_in("/nonexistent-thread-dir", 1, &region) != SHM_ERR_IO) return NULL;
    snprintf(seen + 256, 256, "%s", shm_last_error());
    if (shm_create(1, &region) != SHM_OK) return NULL;
    shm_close(region); /* success leaves the text alone */
    snprintf(seen + 512, 256, "%s", shm_last_error());
    return seen;
}

static void test_last_error_is_per_thread_and_starts_empty(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create_in("/nonexistent-main-dir", 1, &region), SHM_ERR_IO);
    char seen[768] = {0};
    pthread_t thread;
    void *result = NULL;
    assert_int_equal(pthread_create(&thread, NULL, thread_fails_once, seen), 0);
    assert_int_equal(pthread_join(thread, &result), 0);
    assert_ptr_equal(result, seen);
    assert_string_equal(seen, "");
    assert_non_null(strstr(seen + 256, "/nonexistent-thread-dir"));
    assert_string_equal(seen + 256, seen + 512);
    assert_last_error_mentions("/nonexistent-main-dir"); /* the other thread did not touch ours */
}

/* ---- another process ---- */

static int run_child_with_fd5(int fd, const char *role) {
    pid_t pid = spawn_with_fd5(self_path, role, fd);
    if (pid < 0) return -1;
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int child_main(const char *role) {
    shm_region_t *region = NULL;
    if (shm_map_fd(5, 0, &region) != SHM_OK) {
        fprintf(stderr, "child: %s\n", shm_last_error());
        return 10;
    }
    shm_header_t *h = shm_header(region);
    int rc = 0;
    if (strcmp(role, "write") == 0) {
        h->count = 31;
        h->rand_state = 0xfeedface;
        h->rand_inc = 0xabcdef;
        h->raw_in_mem = true;
        rc = shm_set_value(region, (const uint8_t *)"from C child", 12) == SHM_OK ? 0 : 11;
    } else {
        const uint8_t *view;
        size_t len;
        if (shm_value_ref(region, &view, &len) != SHM_OK) rc = 12;
        else if (len != 13 || memcmp(view, "from C parent", 13) != 0) rc = 13;
        else if (h->count != 99 || h->rand_inc != 5 || h->raw_in_mem) rc = 14;
    }
    if (shm_close(region) != SHM_OK) rc = 15;
    return rc;
}

static void test_child_process_writes_and_reads(void **state) {
    (void)state;
    shm_region_t *region = NULL;
    assert_int_equal(shm_create(64, &region), SHM_OK);
    assert_int_equal(run_child_with_fd5(shm_fd(region), "--child-write"), 0);
    shm_header_t *h = shm_header(region);
    assert_int_equal(h->count, 31);
    assert_int_equal(h->rand_state, 0xfeedface);
    assert_int_equal(h->rand_inc, 0xabcdef);
    assert_true(h->raw_in_mem);
    uint8_t buf[64];
    size_t len;
    assert_int_equal(shm_value_copy(region, buf, sizeof buf, &len), SHM_OK);
    assert_int_equal(len, 12);
    assert_memory_equal(buf, "from C child", 12);

    h->count = 99;
    h->rand_inc = 5;
    h->raw_in_mem = false;
    assert_int_equal(shm_set_value(region, (const uint8_t *)"from C parent", 13), SHM_OK);
    assert_int_equal(run_child_with_fd5(shm_fd(region), "--child-check"), 0);
    h->rand_inc = 6; /* the child's check can fail */
    assert_int_equal(run_child_with_fd5(shm_fd(region), "--child-check"), 14);
    assert_int_equal(shm_close(region), SHM_OK);
}

/* ---- must stay last ---- */

static void test_nothing_left_behind(void **state) {
    (void)state;
    assert_int_equal(count_open_fds(), fds_at_start);
    assert_int_equal(count_entries(tmpdir()), 0);
}

int main(int argc, char **argv) {
    if (argc == 2 && strncmp(argv[1], "--child-", 8) == 0) return child_main(argv[1] + 8);
    self_path = argv[0];
    fds_at_start = count_open_fds();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_layout_matches_go),
        cmocka_unit_test(test_size_for_value),
        cmocka_unit_test(test_status_str_and_version),
        cmocka_unit_test(test_create_makes_sparse_private_fuzz_file),
        cmocka_unit_test(test_create_in_and_its_failures),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_map_file_sizes),
        cmocka_unit_test(test_file_shorter_than_header),
        cmocka_unit_test(test_map_fd_duplicates),
        cmocka_unit_test(test_value_round_trip_and_size_query),
        cmocka_unit_test(test_rejected_writes_change_nothing),
        cmocka_unit_test(test_value_buffer_then_set_value_len),
        cmocka_unit_test(test_hostile_value_len),
        cmocka_unit_test(test_last_error_is_per_thread_and_starts_empty),
        cmocka_unit_test(test_child_process_writes_and_reads),
        cmocka_unit_test(test_nothing_left_behind),
    };
    return cmocka_run_group_tests_name("gofuzz_shm region C API", tests, NULL, NULL);
}
