/*
 * The AFL++ adapter of `gofuzz-shm build --engine afl`: a Go fuzz target as an AFL++ target.
 * Everything that matters lives in the library (shm_target_*); this file only translates
 * between AFL++'s forkserver protocol and it.
 *
 * Under afl-fuzz (and afl-showmap, afl-cmin, afl-tmin), which start it with the forkserver
 * pipes on fds 198 (control) and 199 (status):
 *  - it starts the Go test binary embedded in this executable as a Go fuzz worker once, runs
 *    the empty input to learn how many coverage counters Go has, attaches AFL's shared map
 *    (__AFL_SHM_ID) and announces that size in its hello, and the shared-memory test case
 *    (__AFL_SHM_FUZZ_ID) when AFL offers it;
 *  - per run it forks nothing: it answers AFL's request with the Go worker's pid, runs the
 *    input in the worker, copies Go's counters into AFL's map and answers a wait status: 0, or
 *    "killed by SIGABRT" for a Go failure or a worker death. AFL kills the pid it was given when
 *    its timeout expires: that is the hung Go worker, never this process; the run then ends
 *    with the worker's death and the next one starts a new worker.
 * Outside a forkserver, `OUT [-go_crashers=DIR] [-timeout=S] FILE...` runs each file (or
 * standard input when there is none) once and exits 1 when one fails, 0 otherwise.
 *
 * Failing inputs are also written as Go corpus files into -go_crashers=DIR (or
 * $GOFUZZSHM_GO_CRASHERS), for `go test -run=FuzzX/<name>`; outside a forkserver the default
 * is the current directory, under afl-fuzz none (afl-fuzz keeps its crashes/ and hangs/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

#include "gofuzz_shm.h"

extern const unsigned char gofuzz_shm_go_binary[];
extern const unsigned char gofuzz_shm_go_binary_end[];
extern const char gofuzz_shm_go_target[];
extern const char gofuzz_shm_go_types[];

/* AFL++'s forkserver protocol (include/config.h and include/types.h of AFL++ 4.04c). */
#define FORKSRV_CTL 198
#define FORKSRV_ST 199
#define FS_OPT_ENABLED 0x80000001u
#define FS_OPT_MAPSIZE 0x40000000u
#define FS_OPT_SHDMEM_FUZZ 0x01000000u
#define FS_OPT_MAX_MAPSIZE (1u << 23)
#define FS_OPT_SET_MAPSIZE(x) (((uint32_t)(x) - 1) << 1)
#define MAX_FILE (1024 * 1024) /* AFL's largest test case */
/* afl-fuzz refuses a target whose file lacks this name unless AFL_SKIP_BIN_CHECK is set: it
 * takes the name as the sign of AFL instrumentation. Ours is the map copy below. */
static const char afl_shm_env[] = "__AFL_SHM_ID";
#define AFL_SHM_FUZZ_ENV "__AFL_SHM_FUZZ_ID"
#define CRASHERS_ENV "GOFUZZSHM_GO_CRASHERS"
#define STATUS_CRASH SIGABRT /* a wait status: killed by SIGABRT */

static shm_target_t *target;

static void die(const char *what) {
    fprintf(stderr, "gofuzz-shm (AFL++ adapter for %s): %s%s%s\n", gofuzz_shm_go_target, what,
            errno ? ": " : "", errno ? strerror(errno) : "");
    if (target) shm_target_stop(target);
    exit(2);
}

static void die_library(const char *what) {
    fprintf(stderr, "gofuzz-shm (AFL++ adapter for %s): %s: %s\n", gofuzz_shm_go_target, what,
            shm_last_error());
    if (target) shm_target_stop(target);
    exit(2);
}

/* The value of "-name=value" in arg, or NULL. */
static const char *flag_value(const char *arg, const char *name) {
    size_t n = strlen(name);
    if (arg[0] != '-' || strncmp(arg + 1, name, n) != 0 || arg[1 + n] != '=') return NULL;
    return arg + 2 + n;
}

static void start(const char *crashers, double timeout_s) {
    shm_target_options_t opts;
    shm_target_options_init(&opts);
    opts.binary_image = gofuzz_shm_go_binary;
    opts.binary_image_len = (size_t)(gofuzz_shm_go_binary_end - gofuzz_shm_go_binary);
    opts.target = gofuzz_shm_go_target;
    opts.types = gofuzz_shm_go_types[0] ? gofuzz_shm_go_types : NULL;
    if (timeout_s > 0) opts.timeout_ns = (uint64_t)(timeout_s * 1e9);
    opts.crashers_dir = crashers && *crashers ? crashers : NULL;
    if (shm_target_start(&opts, &target) != SHM_OK) die_library("cannot start the Go worker");
}

static const char *verdict_name(shm_verdict_t v) {
    switch (v) {
    case SHM_VERDICT_OK: return "ok";
    case SHM_VERDICT_FAILURE: return "FAIL";
    case SHM_VERDICT_DEATH: return "DEATH";
    case SHM_VERDICT_TIMEOUT: return "TIMEOUT";
    case SHM_VERDICT_OUT_OF_MEMORY: return "OOM";
    }
    return "?";
}

/* Reads all of fd from its start (AFL rewrites the same file for every run). */
static size_t read_all(int fd, uint8_t **buf, size_t *cap) {
    size_t len = 0;
    if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) die("seek the test case");
    for (;;) {
        if (len == *cap) {
            *cap = *cap ? *cap * 2 : 65536;
            uint8_t *grown = realloc(*buf, *cap);
            if (!grown) die("allocate the test case");
            *buf = grown;
        }
        ssize_t n = read(fd, *buf + len, *cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("read the test case");
        if (n == 0) return len;
        len += (size_t)n;
    }
}

static int read_file(const char *path, uint8_t **buf, size_t *cap, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    *len = read_all(fd, buf, cap);
    close(fd);
    return 0;
}

static void *attach(const char *env) {
    const char *id = getenv(env);
    if (!id || !*id) return NULL;
    void *p = shmat(atoi(id), NULL, 0);
    if (p == (void *)-1) die(env);
    return p;
}

/* The size of AFL's map when this process did not announce one: AFL_MAP_SIZE, else 64 KiB. */
static size_t default_map_size(void) {
    const char *v = getenv("AFL_MAP_SIZE");
    long n = v ? atol(v) : 0;
    return n > 0 ? (size_t)n : 65536;
}

static void write4(uint32_t v) {
    if (write(FORKSRV_ST, &v, 4) != 4) die("write to afl-fuzz");
}

/* One run for afl-fuzz: the input, then the wait status it reads. */
static uint32_t run_for_afl(const uint8_t *data, size_t len, uint8_t *map, size_t map_len) {
    shm_target_run_t r;
    if (shm_target_run(target, data, len, &r) != SHM_OK) die_library("cannot run the input");
    if (r.verdict == SHM_VERDICT_OK) {
        size_t n = r.coverage_len < map_len ? r.coverage_len : map_len;
        if (map) memcpy(map, r.coverage, n);
        return 0;
    }
    return STATUS_CRASH;
}

static int forkserver(int argc, char **argv, int first_file) {
    uint8_t *map = attach(afl_shm_env);
    uint8_t *fuzz_shm = attach(AFL_SHM_FUZZ_ENV);
    size_t map_len = shm_target_coverage_len(target);
    uint32_t hello = 0;
    if (map_len > 1 && map_len <= FS_OPT_MAX_MAPSIZE)
        hello = FS_OPT_ENABLED | FS_OPT_MAPSIZE | FS_OPT_SET_MAPSIZE(map_len);
    else
        map_len = default_map_size();
    if (fuzz_shm) hello |= FS_OPT_ENABLED | FS_OPT_SHDMEM_FUZZ;
    write4(hello);
    if (fuzz_shm) {
        uint32_t ack;
        if (read(FORKSRV_CTL, &ack, 4) != 4) die("read afl-fuzz's answer to the hello");
        if (!(ack & FS_OPT_SHDMEM_FUZZ)) fuzz_shm = NULL;
    }
    const char *file = first_file < argc ? argv[first_file] : NULL;
    uint8_t *buf = NULL;
    size_t cap = 0;
    for (;;) {
        uint32_t last_timed_out;
        ssize_t n = read(FORKSRV_CTL, &last_timed_out, 4);
        if (n != 4) break; /* afl-fuzz is gone: stop the worker, leave nothing behind */
        /* The pid afl-fuzz kills when the run outlives its timeout: the worker the run uses. */
        if (shm_target_ready(target) != SHM_OK) die_library("cannot restart the Go worker");
        write4((uint32_t)shm_target_pid(target));
        const uint8_t *data;
        size_t len;
        if (fuzz_shm) {
            len = *(const uint32_t *)fuzz_shm;
            if (len > MAX_FILE) len = MAX_FILE;
            data = fuzz_shm + sizeof(uint32_t);
        } else {
            if (file) {
                if (read_file(file, &buf, &cap, &len) != 0) die(file);
            } else {
                len = read_all(0, &buf, &cap);
            }
            data = buf;
        }
        write4(run_for_afl(data, len, map, map_len));
    }
    free(buf);
    return 0;
}

/* Outside a forkserver: each file once, Go's verdict on each. Started by AFL++ without its
 * forkserver (AFL_NO_FORKSRV=1), it fills AFL's map and dies of SIGABRT on a failure, the only
 * crash AFL sees from a process it runs once. */
static int run_files(int argc, char **argv, int first_file) {
    uint8_t *map = attach(afl_shm_env);
    size_t map_len = default_map_size();
    uint8_t *buf = NULL;
    size_t cap = 0, len;
    int failed = 0, runs = 0;
    for (int i = first_file; i < argc || (runs == 0 && i == argc); i++) {
        const char *name = i < argc ? argv[i] : "<stdin>";
        if (i < argc) {
            if (read_file(argv[i], &buf, &cap, &len) != 0) die(argv[i]);
        } else {
            len = read_all(0, &buf, &cap);
        }
        runs++;
        shm_target_run_t r;
        if (shm_target_run(target, buf, len, &r) != SHM_OK) die_library("cannot run the input");
        fprintf(stderr, "%s %s (%zu bytes)\n", verdict_name(r.verdict), name, len);
        if (map && r.verdict == SHM_VERDICT_OK)
            memcpy(map, r.coverage, r.coverage_len < map_len ? r.coverage_len : map_len);
        if (r.verdict != SHM_VERDICT_OK) {
            failed++;
            fwrite(r.message, 1, r.message_len, stderr);
            fputc('\n', stderr);
            if (r.crasher) {
                const char *file = strrchr(r.crasher, '/');
                file = file ? file + 1 : r.crasher;
                fprintf(stderr,
                        "Go corpus file: %s (in the package, copied into testdata/fuzz/%s/, "
                        "`go test -run=%s/%s` reproduces it)\n",
                        r.crasher, gofuzz_shm_go_target, gofuzz_shm_go_target, file);
            }
            if (map) {
                shm_target_stop(target);
                abort();
            }
        }
    }
    free(buf);
    return failed ? 1 : 0;
}

int main(int argc, char **argv) {
    const char *crashers = getenv(CRASHERS_ENV);
    double timeout_s = 0;
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = flag_value(argv[i], "go_crashers"))) crashers = v;
        else if ((v = flag_value(argv[i], "timeout"))) timeout_s = atof(v);
        else if (strcmp(argv[i], "--") == 0) continue;
        else argv[out++] = argv[i];
    }
    argc = out;
    int under_forkserver = fcntl(FORKSRV_ST, F_GETFD) != -1;
    if (!under_forkserver && !crashers) crashers = ".";
    start(crashers, timeout_s);
    int rc = under_forkserver ? forkserver(argc, argv, 1) : run_files(argc, argv, 1);
    shm_target_stop(target);
    return rc;
}
