/* Helpers shared by the C suites: counting what a suite leaves behind, and starting a child
 * process (usually the suite's own binary in a child role) with a region as fd 5, where a Go
 * fuzz worker expects it. Each suite includes this once. */
#ifndef GOFUZZ_SHM_TEST_SUPPORT_H
#define GOFUZZ_SHM_TEST_SUPPORT_H

#include <dirent.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

extern char **environ;

/* Open descriptors of this process. */
static inline int count_open_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return -1;
    int n = 0;
    while (readdir(dir) != NULL) n++;
    closedir(dir);
    return n - 3; /* ".", ".." and the DIR's own descriptor */
}

/* Entries in a directory, "." and ".." not counted. */
static inline int count_entries(const char *path) {
    DIR *dir = opendir(path);
    if (dir == NULL) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(dir);
    return n;
}

/* $TMPDIR, else /tmp: where shm_create puts its files. */
static inline const char *tmpdir(void) {
    const char *dir = getenv("TMPDIR");
    return dir != NULL ? dir : "/tmp";
}

/* Starts `program arg` with `region_fd` duplicated onto fd 5; returns the pid, or -1. */
static inline pid_t spawn_with_fd5(const char *program, const char *arg, int region_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, region_fd, 5);
    char *argv[] = {(char *)program, (char *)arg, NULL};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

#endif
