/* The second process of the demo: maps the region it inherited as fd 5 (size 0 = the file's
 * size, as a Go worker does), writes the header fields a worker writes and a corpus entry. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gofuzz_shm.h"

int main(void) {
    shm_region_t *region = NULL;
    if (shm_map_fd(5, 0, &region) != SHM_OK) {
        fprintf(stderr, "region_writer: %s\n", shm_last_error());
        return 1;
    }
    shm_header_t *h = shm_header(region);
    h->count = 1;
    h->rand_state = 0x243f6a8885a308d3u;
    h->rand_inc = 0x13198a2e03707345u;
    h->raw_in_mem = false;
    char entry[128];
    int n = snprintf(entry, sizeof entry, "go test fuzz v1\n[]byte(\"written by pid %d\")\n",
                     (int)getpid());
    shm_status_t status = shm_set_value(region, (const uint8_t *)entry, (size_t)n);
    if (status != SHM_OK) fprintf(stderr, "region_writer: %s\n", shm_last_error());
    /* Closing a mapped descriptor closes our duplicate only; the file stays the creator's. */
    if (shm_close(region) != SHM_OK) status = SHM_ERR_IO;
    return status == SHM_OK ? 0 : 1;
}
