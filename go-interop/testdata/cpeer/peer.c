/* The C peer of the cross-language tests: the same command line as examples/region_peer.rs
 * (see there for the full description), using only the public C API.
 *
 *   peer read      <target> <label>
 *   peer write     <target> <count> <rand_state> <rand_inc> <raw_in_mem> <value>
 *   peer readwrite <target> <label> <count> <rand_state> <rand_inc> <raw_in_mem> <value>
 *   peer host      <fd|path> <capacity> <count> <rand_state> <rand_inc> <raw_in_mem> <value> <child argv...>
 *
 * <target> is fd:N or path:P; <value> is x followed by hex. Exits 0 on success, 1 with a
 * message on stderr otherwise. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gofuzz_shm.h>

static int fail(const char *what, const char *detail) {
	fprintf(stderr, "cpeer: %s: %s\n", what, detail);
	return 1;
}

static int fail_status(const char *what, shm_status_t st) {
	fprintf(stderr, "cpeer: %s: %s (%s)\n", what, shm_last_error(), shm_status_str(st));
	return 1;
}

static int parse_i64(const char *s, int64_t *out) {
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0') return -1;
	*out = (int64_t)v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out) {
	char *end;
	errno = 0;
	if (*s == '-') return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0') return -1;
	*out = (uint64_t)v;
	return 0;
}

/* Decodes "x<hex>" into a malloc'd buffer. */
static int hex_decode(const char *s, uint8_t **out, size_t *len) {
	if (s[0] != 'x') return -1;
	s++;
	size_t n = strlen(s);
	if (n % 2 != 0) return -1;
	uint8_t *buf = malloc(n / 2 + 1);
	if (buf == NULL) return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(buf);
			return -1;
		}
		buf[i] = (uint8_t)v;
	}
	*out = buf;
	*len = n / 2;
	return 0;
}

static int map_target(const char *target, shm_region_t **out) {
	shm_status_t st;
	if (strncmp(target, "fd:", 3) == 0) {
		int64_t fd;
		if (parse_i64(target + 3, &fd) != 0 || fd < 0 || fd > INT32_MAX) return fail("bad descriptor", target);
		st = shm_map_fd((int)fd, 0, out);
	} else if (strncmp(target, "path:", 5) == 0) {
		st = shm_map_file(target + 5, 0, false, out);
	} else {
		return fail("target is neither fd:N nor path:P", target);
	}
	return st == SHM_OK ? 0 : fail_status("map", st);
}

/* Writes count, rand_state, rand_inc, raw_in_mem, then the value (which sets value_len). */
static int write_region(shm_region_t *region, char **f) {
	int64_t count;
	uint64_t rand_state, rand_inc, raw;
	uint8_t *value;
	size_t len;
	if (parse_i64(f[0], &count) || parse_u64(f[1], &rand_state) || parse_u64(f[2], &rand_inc) ||
	    parse_u64(f[3], &raw) || hex_decode(f[4], &value, &len))
		return fail("bad field", f[0]);
	shm_header_t *h = shm_header(region);
	h->count = count;
	h->rand_state = rand_state;
	h->rand_inc = rand_inc;
	h->raw_in_mem = raw != 0;
	shm_status_t st = shm_set_value(region, value, len);
	free(value);
	return st == SHM_OK ? 0 : fail_status("set value", st);
}

static int print_region(shm_region_t *region, const char *label) {
	const uint8_t *data;
	size_t len;
	shm_status_t st = shm_value_ref(region, &data, &len);
	if (st != SHM_OK) return fail_status("value", st);
	const shm_header_t *h = shm_header(region);
	printf("%s count=%" PRId64 " value_len=%" PRIdPTR " rand_state=%" PRIu64 " rand_inc=%" PRIu64
	       " raw_in_mem=%u capacity=%zu value=x",
	       label, h->count, h->value_len, h->rand_state, h->rand_inc,
	       (unsigned)*(const volatile uint8_t *)&h->raw_in_mem, shm_capacity(region));
	for (size_t i = 0; i < len; i++) printf("%02x", data[i]);
	printf("\n");
	return fflush(stdout) == 0 ? 0 : fail("stdout", strerror(errno));
}

static int close_region(shm_region_t *region) {
	shm_status_t st = shm_close(region);
	return st == SHM_OK ? 0 : fail_status("close", st);
}

static int host(const char *mode, const char *capacity, char **fields, int child_argc, char **child_argv) {
	uint64_t cap;
	if (parse_u64(capacity, &cap)) return fail("bad capacity", capacity);
	shm_region_t *region;
	shm_status_t st = shm_create((size_t)cap, &region);
	if (st != SHM_OK) return fail_status("create", st);

	int rc = write_region(region, fields);
	char target[4096];
	if (rc == 0 && strcmp(mode, "fd") == 0) {
		snprintf(target, sizeof target, "fd:5");
	} else if (rc == 0 && strcmp(mode, "path") == 0) {
		snprintf(target, sizeof target, "path:%s", shm_path(region));
	} else if (rc == 0) {
		rc = fail("mode is neither fd nor path", mode);
	}
	char **argv = calloc((size_t)child_argc + 1, sizeof *argv);
	if (rc == 0 && argv == NULL) rc = fail("calloc", strerror(errno));
	if (rc == 0) {
		for (int i = 0; i < child_argc; i++)
			argv[i] = strcmp(child_argv[i], "{target}") == 0 ? target : child_argv[i];
		int fd = shm_fd(region);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* dup2 onto 5 gives a descriptor without close-on-exec; if the region's descriptor
			 * already is 5, clear the flag instead. */
			if (strcmp(mode, "fd") == 0 && (fd == 5 ? fcntl(5, F_SETFD, 0) : dup2(fd, 5)) < 0) _exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		int status;
		if (pid < 0) {
			rc = fail("fork", strerror(errno));
		} else if (waitpid(pid, &status, 0) != pid) {
			rc = fail("waitpid", strerror(errno));
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			rc = fail("child failed", argv[0]);
		} else {
			rc = print_region(region, "host");
		}
	}
	free(argv);
	return close_region(region) || rc;
}

int main(int argc, char **argv) {
	shm_region_t *region;
	if (argc == 4 && strcmp(argv[1], "read") == 0) {
		if (map_target(argv[2], &region)) return 1;
		int rc = print_region(region, argv[3]);
		return close_region(region) || rc;
	}
	if (argc == 8 && strcmp(argv[1], "write") == 0) {
		if (map_target(argv[2], &region)) return 1;
		int rc = write_region(region, argv + 3);
		return close_region(region) || rc;
	}
	if (argc == 9 && strcmp(argv[1], "readwrite") == 0) {
		if (map_target(argv[2], &region)) return 1;
		int rc = print_region(region, argv[3]);
		if (rc == 0) rc = write_region(region, argv + 4);
		return close_region(region) || rc;
	}
	if (argc > 9 && strcmp(argv[1], "host") == 0) return host(argv[2], argv[3], argv + 4, argc - 9, argv + 9);
	return fail("usage", "read|write|readwrite|host ... (see peer.c)");
}
