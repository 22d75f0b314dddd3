/*
 * cpus.c: how many CPUs this process may use, for the tool's default
 * number of threads.
 *
 * Counting the machine's CPUs over-counts twice over on the machines GIS
 * teams share: `taskset` or a batch scheduler narrows the affinity mask,
 * and a container's cgroup gives a share of CPU time (docker --cpus=2 on a
 * 64-core host).  Threads beyond either only queue for the same cores, and
 * each holds its own scratch memory.  So: the CPUs in the affinity mask,
 * fewer when the cgroup v2 quota (cpu.max) allows less.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "core.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int tf_cpu_quota(const char *cpu_max)
{
    char *end;
    double quota, period;
    if (!cpu_max)
        return 0;
    /* "QUOTA PERIOD" in microseconds, or "max PERIOD": no limit */
    quota = strtod(cpu_max, &end);
    if (end == cpu_max || quota <= 0)
        return 0;
    period = strtod(end, &end);
    if (!(period > 0))
        return 0;
    /* a quota of 1.5 CPUs keeps two busy half the time: two threads */
    quota = quota / period;
    if (quota > 256)
        return 256;
    return quota <= 1 ? 1 : (int)quota + (quota > (int)quota);
}

int taafi_cpu_count(void)
{
    int n = 0, q;
    cpu_set_t set;
    char line[128];
    FILE *f;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n < 1) {
        long s = sysconf(_SC_NPROCESSORS_ONLN);
        n = s < 1 ? 1 : s > 256 ? 256 : (int)s;
    }
    if ((f = fopen("/sys/fs/cgroup/cpu.max", "r"))) {
        if (fgets(line, sizeof line, f) && (q = tf_cpu_quota(line)) > 0 && q < n)
            n = q;
        fclose(f);
    }
    return n > 256 ? 256 : n;
}
