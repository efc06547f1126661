/* Helpers for the cgo files of package gofuzzshm.
 *
 * shm_last_error() is thread-local, and a goroutine may continue on another OS thread once a cgo
 * call returns, so each wrapper reads the message inside the same cgo call as the function that
 * failed, and hands the Go side a malloc'd copy (freed by the Go side with free). */
#ifndef GOFUZZSHM_SHIM_H
#define GOFUZZSHM_SHIM_H

#include <stdlib.h>
#include <string.h>

#include <gofuzz_shm.h>

/* On failure, stores a copy of this thread's last error message in *msg (NULL if out of
 * memory). Must be called right after the failing call, on the same thread. */
static inline shm_status_t gfs_check(shm_status_t st, char **msg) {
	if (st != SHM_OK) {
		*msg = strdup(shm_last_error());
	}
	return st;
}

static inline shm_status_t gfs_create(size_t capacity, shm_region_t **out, char **msg) {
	return gfs_check(shm_create(capacity, out), msg);
}

static inline shm_status_t gfs_create_in(const char *dir, size_t capacity, shm_region_t **out,
                                         char **msg) {
	return gfs_check(shm_create_in(dir, capacity, out), msg);
}

static inline shm_status_t gfs_map_file(const char *path, size_t size, _Bool remove_on_close,
                                        shm_region_t **out, char **msg) {
	return gfs_check(shm_map_file(path, size, remove_on_close, out), msg);
}

static inline shm_status_t gfs_map_fd(int fd, size_t size, shm_region_t **out, char **msg) {
	return gfs_check(shm_map_fd(fd, size, out), msg);
}

static inline shm_status_t gfs_close(shm_region_t *region, char **msg) {
	return gfs_check(shm_close(region), msg);
}

static inline shm_status_t gfs_set_value_len(shm_region_t *region, size_t len, char **msg) {
	return gfs_check(shm_set_value_len(region, len), msg);
}

#endif
