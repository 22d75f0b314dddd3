/*
 * enospc.c: an LD_PRELOAD library that simulates a disk filling up: once
 * TAAFI_TEST_ENOSPC_AFTER bytes have been written to files (not to
 * stdout/stderr), every further write fails with ENOSPC.  For the test that
 * a full disk mid-write damages nothing.  With TAAFI_TEST_KILL_AT_RENAME=N
 * the process kills itself (SIGKILL) at its Nth rename(), before it: a
 * kill -9 at exactly the moment a file is being put in place.  With
 * TAAFI_TEST_FSYNC_EIO set, every fsync() fails with EIO (a disk that
 * cannot keep what was written).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long long budget = -2; /* -2: not read yet; -1: unlimited */

static int allowed(int fd, size_t n)
{
    if (budget == -2) {
        const char *s = getenv("TAAFI_TEST_ENOSPC_AFTER");
        budget = s ? atoll(s) : -1;
    }
    if (fd <= 2 || budget < 0)
        return 1;
    if ((long long)n > budget) {
        budget = 0;
        errno = ENOSPC;
        return 0;
    }
    budget -= (long long)n;
    return 1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    return allowed(fd, n) ? real(fd, buf, n) : -1;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    return allowed(fd, n) ? real(fd, buf, n, off) : -1;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off64_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off64_t))dlsym(RTLD_NEXT, "pwrite64");
    return allowed(fd, n) ? real(fd, buf, n, off) : -1;
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
    static size_t (*real)(const void *, size_t, size_t, FILE *);
    if (!real)
        real = (size_t(*)(const void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fwrite");
    return allowed(fileno(f), size * n) ? real(buf, size, n, f) : 0;
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    static long left = -2; /* -2: not read yet; -1: never */
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (left == -2) {
        const char *s = getenv("TAAFI_TEST_KILL_AT_RENAME");
        left = s ? atol(s) : -1;
    }
    if (left > 0 && --left == 0)
        raise(SIGKILL);
    return real(from, to);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (getenv("TAAFI_TEST_FSYNC_EIO")) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}
