/*
 * The HTML report in a real browser: Debian's headless Chromium opens the
 * file offline, and the test checks that the maps and the Arabic names are
 * in the page it built, that nothing is fetched from elsewhere, and that a
 * screenshot of it is not blank.  scripts/test.sh installs Chromium.
 */
#include "support.h"

#include "example.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHROMIUM "/usr/bin/chromium"
#define FLAGS                                                                                                      \
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "       \
    "--disable-component-update --disable-sync"

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (; (hay = strstr(hay, needle)); hay++)
        n++;
    return n;
}

static void test_report_in_browser(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char path[4096], cmd[8192], *html, *dom = NULL, *shot, *profile;
    cairo_surface_t *png;
    int x, y, w, h, stride, ink = 0, samples = 0;
    unsigned char *d;
    if (!tt_exists(CHROMIUM))
        fail_msg("%s is missing: run scripts/install-deps.sh --for-tests (scripts/test.sh does)", CHROMIUM);
    snprintf(path, sizeof path, "%s/examples/homs.yml", tt_source_dir());
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r) || taafi_result_render(e->ctx, r, e->dir, 0))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    taafi_result_free(r);
    taafi_project_free(p);
    snprintf(path, sizeof path, "%s/report.html", e->dir);
    html = tt_read(path, NULL);
    /* self-contained: no address to fetch anything from */
    assert_int_equal(count(html, "src=\"http"), 0);
    assert_int_equal(count(html, "href=\"http"), 0);
    assert_int_equal(count(html, "url(http"), 0);
    free(html);
    profile = tt_path(e->dir, "profile");
    shot = tt_path(e->dir, "shot.png");
    snprintf(cmd, sizeof cmd, "timeout 120 %s %s --user-data-dir='%s' --dump-dom 'file://%s'", CHROMIUM, FLAGS,
             profile, path);
    assert_int_equal(tt_run(cmd, &dom, NULL), 0);
    /* the page as the browser built it */
    assert_true(count(dom, "<img class=\"map\"") == 6);
    assert_true(count(dom, "src=\"data:image/png;base64,") == 6);
    assert_non_null(strstr(dom, "باب الدريب"));
    assert_non_null(strstr(dom, "الخدمات الأساسية"));
    assert_int_equal(count(dom, "<details>"), 20);
    free(dom);
    snprintf(cmd, sizeof cmd, "timeout 120 %s %s --user-data-dir='%s' --window-size=1200,900 --screenshot='%s' 'file://%s'",
             CHROMIUM, FLAGS, profile, shot, path);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    png = cairo_image_surface_create_from_png(shot);
    assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    w = cairo_image_surface_get_width(png);
    h = cairo_image_surface_get_height(png);
    assert_true(w >= 1000 && h >= 800);
    d = cairo_image_surface_get_data(png);
    stride = cairo_image_surface_get_stride(png);
    for (y = 0; y < h; y += 5)
        for (x = 0; x < w; x += 5) {
            uint32_t px = *(uint32_t *)(d + y * stride + 4 * x);
            ink += (px & 0xffffff) != 0xffffff;
            samples++;
        }
    /* the first screen holds the title and the first map */
    if (ink < samples / 10)
        fail_msg("the screenshot is nearly blank: %d of %d samples not white", ink, samples);
    cairo_surface_destroy(png);
    free(shot);
    free(profile);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report_in_browser, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
