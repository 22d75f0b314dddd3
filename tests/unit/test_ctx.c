/* The context: messages, status strings, logging, NULL-safety, and GDAL's
 * errors routed into the context rather than printed; the CPU count. */
#define _GNU_SOURCE /* sched_setaffinity */
#include "support.h"

#include "core/core.h"
#include "core/dq.h"

#include <cpl_error.h>

#include <sched.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct log_capture {
    int warnings, infos;
    char last[512];
} log_capture;

static void capture(taafi_log_level level, const char *message, void *user)
{
    log_capture *c = user;
    if (level == TAAFI_LOG_WARNING)
        c->warnings++;
    else if (level == TAAFI_LOG_INFO)
        c->infos++;
    snprintf(c->last, sizeof c->last, "%s", message);
}

static void test_basics(void **state)
{
    taafi_ctx *ctx = NULL;
    char v[512];
    (void)state;
    assert_int_equal(taafi_ctx_new(NULL), TAAFI_ERR_USAGE);
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_string_equal(taafi_ctx_message(ctx), "");
    assert_string_equal(taafi_ctx_message(NULL), "");
    assert_int_equal(tf_error(ctx, TAAFI_ERR_DATA, "%s: %d", "x", 3), TAAFI_ERR_DATA);
    assert_string_equal(taafi_ctx_message(ctx), "x: 3");
    assert_string_equal(taafi_status_string(TAAFI_OK), "ok");
    assert_string_equal(taafi_status_string(TAAFI_ERR_EXISTS), "output exists");
    assert_string_equal(taafi_version(), TAAFI_VERSION_STRING);
    taafi_versions(v, sizeof v);
    assert_non_null(strstr(v, "GDAL 3"));
    assert_non_null(strstr(v, "GEOS 3"));
    assert_non_null(strstr(v, "PROJ 9"));
    taafi_ctx_free(ctx);
    taafi_ctx_free(NULL);
    taafi_result_free(NULL);
    taafi_string_free(NULL);
}

/* The log gets only what is at or above its level; without a callback
 * nothing is printed anywhere. */
static void test_log(void **state)
{
    taafi_ctx *ctx = NULL;
    log_capture c = {0};
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    tf_log(ctx, TAAFI_LOG_WARNING, "dropped: no callback");
    taafi_ctx_set_log(ctx, TAAFI_LOG_WARNING, capture, &c);
    tf_log(ctx, TAAFI_LOG_INFO, "below the level");
    tf_log(ctx, TAAFI_LOG_WARNING, "w %d", 1);
    assert_int_equal(c.warnings, 1);
    assert_int_equal(c.infos, 0);
    assert_string_equal(c.last, "w 1");
    taafi_ctx_free(ctx);
}

/* A GDAL failure inside a taafi call lands in the context's library
 * error, and GDAL's handler stack is left as it was. */
static void test_gdal_routing(void **state)
{
    taafi_ctx *ctx = NULL;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    tf_gdal_enter(ctx);
    tf_gdal_enter(ctx); /* nests */
    CPLError(CE_Failure, CPLE_AppDefined, "simulated failure %d", 42);
    tf_gdal_leave(ctx);
    assert_string_equal(tf_lib_error(ctx), "simulated failure 42");
    tf_gdal_leave(ctx);
    assert_null(CPLGetErrorHandlerUserData());
    tf_lib_error_clear(ctx);
    assert_string_equal(tf_lib_error(ctx), "");
    taafi_ctx_free(ctx);
}

static void test_dq(void **state)
{
    taafi_ctx *ctx = NULL;
    tf_dq dq = {0};
    int i;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    for (i = 0; i < 100; i++)
        assert_int_equal(tf_dq_add(ctx, &dq, "layer", i, "problem", "action"), TAAFI_OK);
    assert_int_equal(dq.n, 100);
    assert_true(dq.items[99].fid == 99);
    assert_string_equal(dq.items[50].layer, "layer");
    tf_dq_free(&dq);
    tf_dq_free(&dq);
    tf_dq_free(NULL);
    taafi_ctx_free(ctx);
}

/* cgroup v2 cpu.max lines, and the count under a narrowed affinity mask. */
static void test_cpu_count(void **state)
{
    cpu_set_t was, one;
    int first = -1, c;
    (void)state;
    assert_int_equal(tf_cpu_quota("max 100000\n"), 0);
    assert_int_equal(tf_cpu_quota("200000 100000\n"), 2);
    assert_int_equal(tf_cpu_quota("150000 100000"), 2); /* 1.5 CPUs: 2 threads */
    assert_int_equal(tf_cpu_quota("50000 100000"), 1);
    assert_int_equal(tf_cpu_quota("100000000 1000"), 256);
    assert_int_equal(tf_cpu_quota(""), 0);
    assert_int_equal(tf_cpu_quota("100000"), 0); /* no period */
    assert_int_equal(tf_cpu_quota(NULL), 0);
    /* cgroups, in a made-up tree: the smallest quota of the group and
     * the groups above it; v1's "cpu" tree (named with its co-mounted
     * controllers); a group missing below the mount (a container) reads
     * the mount's own files; other controllers are ignored */
    {
        char *root = tt_tmpdir(), path[4096];
        snprintf(path, sizeof path, "%s/a", root);
        assert_int_equal(mkdir(path, 0777), 0);
        snprintf(path, sizeof path, "%s/a/b", root);
        assert_int_equal(mkdir(path, 0777), 0);
        free(tt_write(root, "cpu.max", "max 100000\n"));
        snprintf(path, sizeof path, "%s/a", root);
        free(tt_write(path, "cpu.max", "300000 100000\n"));
        snprintf(path, sizeof path, "%s/a/b", root);
        free(tt_write(path, "cpu.max", "max 100000\n"));
        assert_int_equal(tf_cgroup_cpus(root, "0::/a/b\n"), 3);
        assert_int_equal(tf_cgroup_cpus(root, "0::/\n"), 0);
        snprintf(path, sizeof path, "%s/cpu,cpuacct", root);
        assert_int_equal(mkdir(path, 0777), 0);
        free(tt_write(path, "cpu.cfs_quota_us", "-1\n"));
        free(tt_write(path, "cpu.cfs_period_us", "100000\n"));
        snprintf(path, sizeof path, "%s/cpu,cpuacct/x", root);
        assert_int_equal(mkdir(path, 0777), 0);
        free(tt_write(path, "cpu.cfs_quota_us", "150000\n"));
        free(tt_write(path, "cpu.cfs_period_us", "100000\n"));
        assert_int_equal(tf_cgroup_cpus(root, "4:memory:/x\n3:cpu,cpuacct:/x\n0::/a/b\n"), 2);
        assert_int_equal(tf_cgroup_cpus(root, "3:cpu,cpuacct:/x/gone/deeper\n"), 2);
        assert_int_equal(tf_cgroup_cpus(root, "3:cpu,cpuacct:/elsewhere\n"), 0);
        snprintf(path, sizeof path, "%s/cpu,cpuacct", root);
        free(tt_write(path, "cpu.cfs_quota_us", "50000\n"));
        assert_int_equal(tf_cgroup_cpus(root, "3:cpu,cpuacct:/elsewhere\n"), 1);
        assert_int_equal(tf_cgroup_cpus(root, "4:memory:/x\n"), 0);
        assert_int_equal(tf_cgroup_cpus(root, ""), 0);
        tt_rmrf(root);
    }
    assert_int_equal(sched_getaffinity(0, sizeof was, &was), 0);
    assert_true(taafi_cpu_count() >= 1);
    assert_true(taafi_cpu_count() <= CPU_COUNT(&was));
    for (c = 0; c < CPU_SETSIZE && first < 0; c++)
        if (CPU_ISSET(c, &was))
            first = c;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    c = taafi_cpu_count();
    assert_int_equal(sched_setaffinity(0, sizeof was, &was), 0);
    assert_int_equal(c, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basics),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_gdal_routing),
        cmocka_unit_test(test_dq),
        cmocka_unit_test(test_cpu_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
