/*
 * cpus.c: how many CPUs this process may use, for the tool's default
 * number of threads.
 *
 * Counting the machine's CPUs over-counts twice over on the machines GIS
 * teams share: `taskset` or a batch scheduler narrows the affinity mask,
 * and a container's or a systemd unit's cgroup gives a share of CPU time
 * (docker --cpus=2 on a 64-core host).  Threads beyond either only queue
 * for the same cores, and each holds its own scratch memory.  So: the
 * CPUs in the affinity mask, fewer when a cgroup's quota allows less
 * (cgroup v2's cpu.max, or v1's cpu.cfs_quota_us and cpu.cfs_period_us,
 * of the process's group and of every group above it).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "core.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPUs, rounded up, of a quota and a period (microseconds); 0: no limit. */
static int quota_cpus(double quota, double period)
{
    if (!(quota > 0) || !(period > 0))
        return 0;
    /* a quota of 1.5 CPUs keeps two busy half the time: two threads */
    quota = quota / period;
    if (quota > 256)
        return 256;
    return quota <= 1 ? 1 : (int)quota + (quota > (int)quota);
}

int tf_cpu_quota(const char *cpu_max)
{
    char *end;
    double quota, period;
    if (!cpu_max)
        return 0;
    /* "QUOTA PERIOD" in microseconds, or "max PERIOD": no limit */
    quota = strtod(cpu_max, &end);
    if (end == cpu_max)
        return 0;
    period = strtod(end, &end);
    return quota_cpus(quota, period);
}

/* The first line of file `path`, or "" when it cannot be read. */
static void first_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f)
        return;
    if (!fgets(buf, (int)size, f))
        buf[0] = '\0';
    fclose(f);
}

/* The quota one group directory sets (0: none): v2 or v1 files. */
static int dir_cpus(const char *dir, int v2)
{
    char path[4200], line[128], line2[128];
    if (v2) {
        snprintf(path, sizeof path, "%s/cpu.max", dir);
        first_line(path, line, sizeof line);
        return tf_cpu_quota(line);
    }
    snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
    first_line(path, line, sizeof line); /* -1: no limit */
    snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
    first_line(path, line2, sizeof line2);
    return quota_cpus(strtod(line, NULL), strtod(line2, NULL));
}

/* The smallest quota of `base`/`group` and of each group above it, up to
 * and including `base` itself (where a container sees its own group). */
static int walk_up(const char *base, const char *group, int v2)
{
    char dir[4096];
    int best = 0, q;
    size_t base_len = strlen(base);
    if ((size_t)snprintf(dir, sizeof dir, "%s%s", base, group) >= sizeof dir)
        return 0;
    for (;;) {
        size_t len = strlen(dir);
        while (len > base_len && dir[len - 1] == '/') /* "base/" and "base/a/" */
            dir[--len] = '\0';
        if ((q = dir_cpus(dir, v2)) > 0 && (!best || q < best))
            best = q;
        if (len <= base_len)
            return best;
        while (len > base_len && dir[len - 1] != '/')
            dir[--len] = '\0';
    }
}

int tf_cgroup_cpus(const char *root, const char *self_cgroup)
{
    const char *line = self_cgroup;
    int best = 0;
    while (line && *line) {
        /* "ID:CONTROLLERS:PATH" */
        const char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *eol = strchr(line, '\n');
        char controllers[256], group[2048], base[4096];
        size_t nc, ng;
        int q = 0;
        if (!eol)
            eol = line + strlen(line);
        if (c1 && c2 && c2 < eol && (nc = (size_t)(c2 - c1 - 1)) < sizeof controllers &&
            (ng = (size_t)(eol - c2 - 1)) < sizeof group) {
            memcpy(controllers, c1 + 1, nc);
            controllers[nc] = '\0';
            memcpy(group, c2 + 1, ng);
            group[ng] = '\0';
            if (!nc && c1 - line == 1 && line[0] == '0') { /* v2: one tree */
                q = walk_up(root, group, 1);
            } else {
                /* v1: the tree whose controllers include "cpu" */
                char *tok, *save = NULL, list[256];
                int has_cpu = 0;
                memcpy(list, controllers, nc + 1);
                for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                    has_cpu |= !strcmp(tok, "cpu");
                if (has_cpu) {
                    snprintf(base, sizeof base, "%s/%s", root, controllers);
                    q = walk_up(base, group, 0);
                }
            }
            if (q > 0 && (!best || q < best))
                best = q;
        }
        line = *eol ? eol + 1 : eol;
    }
    return best;
}

int taafi_cpu_count(void)
{
    int n = 0, q;
    cpu_set_t set;
    char *text = NULL;
    size_t cap = 0, len = 0;
    FILE *f;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n < 1) {
        long s = sysconf(_SC_NPROCESSORS_ONLN);
        n = s < 1 ? 1 : s > 256 ? 256 : (int)s;
    }
    if ((f = fopen("/proc/self/cgroup", "r"))) {
        char buf[512];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            char *t;
            if (len + got + 1 > cap) {
                cap = (len + got + 1) * 2;
                if (!(t = tf_realloc(text, cap)))
                    break;
                text = t;
            }
            memcpy(text + len, buf, got);
            len += got;
            text[len] = '\0';
        }
        fclose(f);
    }
    if (text && (q = tf_cgroup_cpus("/sys/fs/cgroup", text)) > 0 && q < n)
        n = q;
    tf_free(text);
    return n > 256 ? 256 : n;
}
