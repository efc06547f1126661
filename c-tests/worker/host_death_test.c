/*
 * Nothing of a worker outlives its host, however the host ends. This program runs itself as a
 * C host (`--host MODE`, with a private $TMPDIR) that starts a real Go fuzz worker and then
 *   - is killed with SIGKILL in the middle of an input (the worker is running it), or
 *   - calls abort() after a crash, as a libFuzzer harness does on every failure;
 * afterwards that $TMPDIR must be empty and no process of the host may remain (this process is
 * a child subreaper, so the host's orphans become its children and are counted). The busy
 * worker must end by the kernel's death signal (SIGKILL); bounds are generous hang guards.
 *
 * Also: a worker started in a process forked (not exec'd) from a host that already runs one,
 * as a fork server would; the library must not wait on the parent's spawner thread, which the
 * child does not have.
 *
 * The Go test binary comes from GOTARGETS_FUZZ (see the Makefile).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gofuzz_shm.h"
#include "../test_support.h"

static const char *fuzz_binary;
static const char *self;

/* Bounds that only guard against hangs; nothing here asserts on time. */
#define BOUND_MS 30000

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static shm_run_result_t run_text(shm_worker_t *w, const char *text) {
    char entry[128];
    int n = snprintf(entry, sizeof entry, "go test fuzz v1\n[]byte(\"%s\")\n", text);
    shm_run_result_t r;
    memset(&r, 0, sizeof r);
    if (shm_worker_run(w, (const uint8_t *)entry, (size_t)n, &r) != SHM_OK) {
        fprintf(stderr, "host: run %s: %s\n", text, shm_last_error());
        exit(3);
    }
    return r;
}

static shm_worker_t *start_worker(uint64_t timeout_ns) {
    shm_worker_options_t opts;
    shm_worker_options_init(&opts);
    opts.binary = fuzz_binary;
    opts.target = "FuzzBehave";
    opts.timeout_ns = timeout_ns;
    shm_worker_t *w = NULL;
    if (shm_worker_start(&opts, &w) != SHM_OK) {
        fprintf(stderr, "start: %s\n", shm_last_error());
        return NULL;
    }
    return w;
}

/* The host: starts a worker, prints its pid, then dies as `mode` says. */
static int host_main(const char *mode) {
    /* A long per-call timeout: the host must not kill the hanging worker itself. */
    shm_worker_t *w = start_worker(600ull * 1000 * 1000 * 1000);
    if (w == NULL) return 3;
    printf("%lld\n", (long long)shm_worker_pid(w));
    fflush(stdout);
    if (strcmp(mode, "sigkill-mid-input") == 0) {
        run_text(w, "hang"); /* killed in here */
        return 4;
    }
    if (strcmp(mode, "abort-after-crash") == 0) {
        shm_run_result_t r = run_text(w, "fatal");
        if (r.outcome != SHM_OUTCOME_CRASH) return 5;
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    return 6;
}

/* The worker's run counter, read through its fd 5 (which must be our memfd), or -1. */
static int64_t worker_count(pid_t worker) {
    char path[64], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/fd/5", (int)worker);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) return -1;
    target[n] = '\0';
    /* fd 5 is an anonymous memfd, not a file in any directory. */
    assert_true(strncmp(target, "/memfd:", 7) == 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int64_t count = -1;
    if (pread(fd, &count, sizeof count, 0) != (ssize_t)sizeof count) count = -1;
    close(fd);
    return count;
}

/* Runs this program as a host that dies as `mode` says, with the signal `host_signal`, and
 * checks that nothing of it remains. */
static void host_dies(const char *mode, int host_signal) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/host-XXXXXX", tmpdir());
    assert_non_null(mkdtemp(dir));
    int out[2];
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    pid_t host = fork();
    assert_true(host >= 0);
    if (host == 0) {
        dup2(out[1], 1);
        setenv("TMPDIR", dir, 1);
        execl(self, self, "--host", mode, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *from_host = fdopen(out[0], "r");
    assert_non_null(from_host);
    long long worker_pid = 0;
    assert_int_equal(fscanf(from_host, "%lld", &worker_pid), 1);
    fclose(from_host);
    pid_t worker = (pid_t)worker_pid;
    assert_true(worker > 0);

    if (host_signal == SIGKILL) {
        /* Mid-input: the worker counts a run before making it. */
        double start = now_ms();
        while (worker_count(worker) < 1) {
            assert_true(now_ms() - start < BOUND_MS);
            sleep_ms(2);
        }
        assert_int_equal(kill(host, SIGKILL), 0);
    }
    int status = 0;
    assert_int_equal(waitpid(host, &status, 0), host);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), host_signal);

    /* The worker is now this process's child (subreaper): it must end, killed by the death
     * signal, without anyone stopping it. */
    double died = now_ms();
    int worker_status = 0;
    pid_t reaped;
    while ((reaped = waitpid(worker, &worker_status, WNOHANG)) == 0) {
        assert_true(now_ms() - died < BOUND_MS);
        sleep_ms(1);
    }
    assert_int_equal(reaped, worker);
    double gone_ms = now_ms() - died;
    if (host_signal == SIGKILL) {
        /* Busy in an endless loop, it cannot end by itself (Go's own watchdog would need
         * 10 s and exits with a status): only the death signal ends it. An idle worker may
         * also end by itself on end of file of its call pipe, which races with the signal. */
        assert_true(WIFSIGNALED(worker_status));
        assert_int_equal(WTERMSIG(worker_status), SIGKILL);
    }
    /* No other process of the host's is left, not even a zombie. */
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
    /* And nothing in its temp dir. */
    assert_int_equal(count_entries(dir), 0);
    assert_int_equal(rmdir(dir), 0);
    printf("# %s: worker %d gone %.1f ms after the host\n", mode, (int)worker, gone_ms);
}

static void test_host_killed_mid_input(void **state) {
    (void)state;
    host_dies("sigkill-mid-input", SIGKILL);
}

static void test_host_aborts_after_a_crash(void **state) {
    (void)state;
    host_dies("abort-after-crash", SIGABRT);
}

static void test_worker_in_a_forked_host(void **state) {
    (void)state;
    const uint64_t timeout = 3ull * 1000 * 1000 * 1000;
    shm_worker_t *w = start_worker(timeout); /* this process's spawner thread now runs */
    assert_non_null(w);
    assert_int_equal(run_text(w, "fine").outcome, SHM_OUTCOME_OK);
    /* The child's verdict comes through a pipe, not its exit status: under valgrind the child
     * exits with valgrind's error status for memory of the parent's threads, which the child
     * does not have (leak checking of a forked copy means nothing). */
    int verdict[2];
    assert_int_equal(pipe2(verdict, O_CLOEXEC), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* Only this thread was copied. `w` belongs to the parent: not touched here. */
        shm_worker_t *mine = start_worker(timeout);
        int ok = mine != NULL && run_text(mine, "fine").outcome == SHM_OUTCOME_OK &&
                 shm_worker_stop(mine) == SHM_OK;
        char answer = ok ? 'y' : 'n';
        ssize_t written = write(verdict[1], &answer, 1);
        _exit(written == 1 && ok ? 0 : 1);
    }
    close(verdict[1]);
    double start = now_ms();
    int status = 0;
    pid_t reaped;
    while ((reaped = waitpid(child, &status, WNOHANG)) == 0) {
        if (now_ms() - start > BOUND_MS) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            fail_msg("the forked host did not finish: it waits for a spawner it does not have");
        }
        sleep_ms(5);
    }
    assert_int_equal(reaped, child);
    assert_true(WIFEXITED(status));
    char answer = 0;
    assert_int_equal(read(verdict[0], &answer, 1), 1);
    close(verdict[0]);
    assert_int_equal(answer, 'y');
    assert_int_equal(run_text(w, "fine").outcome, SHM_OUTCOME_OK);
    assert_int_equal(shm_worker_stop(w), SHM_OK);
}

int main(int argc, char **argv) {
    fuzz_binary = getenv("GOTARGETS_FUZZ");
    if (!fuzz_binary) {
        fprintf(stderr, "set GOTARGETS_FUZZ (see the Makefile)\n");
        return 2;
    }
    self = argv[0];
    if (argc == 3 && strcmp(argv[1], "--host") == 0) return host_main(argv[2]);
    /* Orphans of the hosts started here become our children, so they can be counted. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        perror("PR_SET_CHILD_SUBREAPER");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_killed_mid_input),
        cmocka_unit_test(test_host_aborts_after_a_crash),
        cmocka_unit_test(test_worker_in_a_forked_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
