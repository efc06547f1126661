/* The quick-start demo: create a region through the library, hand it to a second process as
 * fd 5 (where a Go fuzz worker expects it), let that process write the header and a value, then
 * read both back and print them.
 *
 *   usage: handoff <path-to-region_writer>
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "gofuzz_shm.h"

extern char **environ;

static int fail(const char *what) {
    fprintf(stderr, "handoff: %s: %s\n", what, shm_last_error());
    return 1;
}

/* Starts `writer` with the region's descriptor duplicated onto fd 5 and waits for it. */
static int run_writer(const char *writer, int region_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, region_fd, 5);
    char *argv[] = {(char *)writer, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, writer, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        fprintf(stderr, "handoff: cannot start %s\n", writer);
        return -1;
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <path-to-region_writer>\n", argv[0]);
        return 2;
    }
    shm_region_t *region = NULL;
    if (shm_create(4096, &region) != SHM_OK) return fail("shm_create");
    printf("created %s: %zu-byte header + %zu-byte value area (gofuzz-shm %s)\n",
           shm_path(region), shm_header_size(), shm_capacity(region), shm_version());

    int rc = run_writer(argv[1], shm_fd(region));
    if (rc != 0) {
        fprintf(stderr, "handoff: writer exited with %d\n", rc);
        shm_close(region);
        return 1;
    }

    const shm_header_t *h = shm_header(region);
    const uint8_t *value = NULL;
    size_t len = 0;
    if (shm_value_ref(region, &value, &len) != SHM_OK) {
        fail("shm_value_ref");
        shm_close(region);
        return 1;
    }
    printf("read back what the writer process left in the region:\n");
    printf("  count      = %" PRId64 "\n", h->count);
    printf("  value_len  = %" PRIdPTR "\n", h->value_len);
    printf("  rand_state = 0x%016" PRIx64 "\n", h->rand_state);
    printf("  rand_inc   = 0x%016" PRIx64 "\n", h->rand_inc);
    printf("  raw_in_mem = %s\n", h->raw_in_mem ? "true" : "false");
    printf("  value      = \"");
    for (size_t i = 0; i < len; i++) {
        if (value[i] == '\n') printf("\\n");
        else if (value[i] == '"' || value[i] == '\\') printf("\\%c", value[i]);
        else if (value[i] >= 0x20 && value[i] < 0x7f) putchar(value[i]);
        else printf("\\x%02x", value[i]);
    }
    printf("\"\n");
    if (shm_close(region) != SHM_OK) return fail("shm_close");
    return 0;
}
