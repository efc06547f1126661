/* The child of go-interop/example: maps the region it inherited as fd 5 (where a Go fuzz worker
 * finds it), prints the corpus entry the Go parent wrote, counts one run and writes a reply. */
#include <stdio.h>
#include <string.h>

#include <gofuzz_shm.h>

int main(void) {
	shm_region_t *region;
	if (shm_map_fd(5, 0, &region) != SHM_OK) { /* 0: the whole file */
		fprintf(stderr, "child: %s\n", shm_last_error());
		return 1;
	}
	const uint8_t *value;
	size_t len;
	if (shm_value_ref(region, &value, &len) != SHM_OK) { /* checks value_len */
		fprintf(stderr, "child: %s\n", shm_last_error());
		shm_close(region);
		return 1;
	}
	printf("c: capacity %zu, entry:\n%.*s", shm_capacity(region), (int)len, (const char *)value);
	fflush(stdout);

	shm_header(region)->count = 1;
	const char reply[] = "hello, Go";
	shm_status_t st = shm_set_value(region, (const uint8_t *)reply, strlen(reply));
	if (st != SHM_OK) fprintf(stderr, "child: %s\n", shm_last_error());
	/* Closing a region mapped from a descriptor neither closes fd 5 nor removes the file. */
	return shm_close(region) == SHM_OK && st == SHM_OK ? 0 : 1;
}
