/* The project-file reader: the model it builds and every error it names. */
#include "support.h"

#include "families/indicator.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char GOOD[] = "name: test\n"
                           "crs: EPSG:32637\n"
                           "areas:\n"
                           "  source: ../data/areas.geojson\n"
                           "  id: code\n"
                           "  name: name_en\n"
                           "layers:\n"
                           "  damage:\n"
                           "    source: pts.geojson\n"
                           "    where: \"cls <> 'none'\"\n"
                           "indicators:\n"
                           "  - id: km2\n"
                           "    type: area\n"
                           "  - id: dmg\n"
                           "    type: count\n"
                           "    layer: damage\n"
                           "    class_field: cls\n"
                           "    classes: [destroyed, severe]\n"
                           "    density: true\n"
                           "    pillar: ideal_neighbourhood\n"
                           "    direction: lower_is_better\n"
                           "outputs:\n"
                           "  geojson: false\n";

typedef tt_env fixture;
#define setup tt_env_setup
#define teardown tt_env_teardown

/* Loads `text` as sub/p.yml in the fixture folder. */
static taafi_status load(fixture *f, const char *text, taafi_project **p)
{
    char *sub = tt_path(f->dir, "sub"), *path;
    taafi_status st;
    mkdir(sub, 0777);
    path = tt_write(sub, "p.yml", text);
    st = taafi_project_load(f->ctx, path, p);
    free(sub);
    free(path);
    return st;
}

static void test_good(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    char *want;
    assert_int_equal(load(f, GOOD, &p), TAAFI_OK);
    assert_int_equal(p->crs_epsg, 32637);
    /* ../data from sub/ is data/ in the fixture folder. */
    want = tt_path(f->dir, "data/areas.geojson");
    assert_string_equal(p->areas.path, want);
    free(want);
    want = tt_path(f->dir, "sub/pts.geojson");
    assert_string_equal(p->layers[0].path, want);
    free(want);
    assert_string_equal(p->area_id, "code");
    assert_null(p->area_name_ar);
    assert_string_equal(p->layers[0].where, "cls <> 'none'");
    assert_int_equal(p->n_inds, 2);
    assert_int_equal(p->inds[0].type, TF_IND_AREA);
    assert_int_equal(p->inds[1].type, TF_IND_COUNT);
    assert_int_equal(p->inds[1].layer, 0);
    assert_int_equal(p->inds[1].n_classes, 2);
    assert_string_equal(p->inds[1].classes[1], "severe");
    assert_true(p->inds[1].density);
    assert_false(p->inds[1].percent);
    assert_string_equal(p->out_gpkg, "recovery.gpkg");
    assert_null(p->out_geojson);
    assert_non_null(strstr(p->text, "name: test"));
    taafi_project_free(p);
}

/* Each bad file gives TAAFI_ERR_PROJECT and a message holding every
 * fragment listed. */
typedef struct bad_case {
    const char *text;
    const char *frag1, *frag2;
} bad_case;

static void test_errors(void **state)
{
    static const bad_case cases[] = {
        {"areas:\n  sorce: a.shp\n  id: x\nindicators: []\n", "p.yml:2:", "did you mean 'source'?"},
        {"areas:\n  source: a.shp\n  id: x\nindicator: []\n", "p.yml:4:", "did you mean 'indicators'?"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: a\n    type: cuont\n", "p.yml:6:",
         "did you mean 'count'?"},
        {"areas:\n  source: a.shp\n  id: x\nlayers:\n  damage:\n    source: d.shp\nindicators:\n"
         "  - id: a\n    type: count\n    layer: damge\n",
         "p.yml:10:", "did you mean 'damage'?"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: a\n    type: area\n  - id: a\n    type: area\n",
         "p.yml:7:", "used twice"},
        {"areas:\n  source: a.shp\nindicators: []\n", "p.yml:2:", "no 'id'"},
        {"areas:\n  source: a.shp\n  id: x\n", "no 'indicators'", NULL},
        {"crs: EPSG:abc\nareas:\n  source: a.shp\n  id: x\nindicators: []\n", "p.yml:1:", "EPSG code"},
        {"areas: [1, 2\n", "not valid YAML", NULL},
        {"", "empty", NULL},
        {"areas:\n  source: a.shp\n  id: x\nlayers:\n  d:\n    source: d.shp\nindicators:\n"
         "  - id: a\n    type: count\n    layer: d\n    classes: [x]\n",
         "p.yml:11:", "needs 'class_field'"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: 9lives\n    type: area\n", "p.yml:5:",
         "must start with a letter"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: a\n    type: area\n    pillar: basic_service\n",
         "p.yml:7:", "did you mean 'basic_services'?"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: a\n    type: area\n    density: true\n",
         "p.yml:7:", "does not apply"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\noutputs:\n  gpkg: ../x.gpkg\n", "p.yml:6:",
         "plain file name"},
        {"areas:\n  source: a.shp\n  id: x\nlayers:\n  pts: {source: p.csv, x: lon}\nindicators: []\n", "p.yml:5:",
         "'x' and 'y' go together"},
        /* a scenario named maps would write into the run's maps folder */
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\nscenarios:\n  maps:\n    pillars: {}\n", "p.yml:6:",
         "folder of the run's own maps"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\nscenarios:\n  a-b:\n    pillars: {}\n", "p.yml:6:",
         "plain word"},
        /* a key twice: the first would win unseen (issue 16) */
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - id: a\n    type: area\n    pillar: basic_services\n"
         "    direction: higher_is_better\n    weight: 1\n    weight: 0\n",
         "p.yml:10:", "key 'weight' is given twice in the same mapping (first on line 9)"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - {id: a, type: area, type: count}\n", "p.yml:5:",
         "key 'type' is given twice"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\n---\nareas: {}\n", "p.yml:5:",
         "a second YAML document"},
        /* names that collide, found on reading, not at write time (issue 16) */
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - {id: fid, type: area}\n", "p.yml:5:",
         "'fid' is the name of a column taafi writes itself"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - {id: Rank, type: area}\n", "p.yml:5:",
         "'Rank' is the name of a column taafi writes itself"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - {id: basic_services, type: area}\n", "p.yml:5:",
         "pillar basic_services's columns"},
        {"areas:\n  source: a.shp\n  id: x\nindicators:\n  - {id: Area, type: area}\n  - {id: AREA, type: area}\n",
         "p.yml:6:", "'AREA' is used twice (first on line 5)"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\noutputs: {gpkg: areas.csv}\n", "p.yml:5:",
         "outputs.gpkg 'areas.csv' is the name of another output"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\noutputs: {gpkg: maps}\n", "p.yml:5:",
         "outputs.gpkg 'maps' is the name of another output"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\noutputs: {gpkg: x.gpkg, geojson: x.gpkg}\n", "p.yml:5:",
         "both 'x.gpkg'"},
        {"areas:\n  source: a.shp\n  id: x\nindicators: []\nscenarios:\n  heavy:\n    pillars: {}\n"
         "outputs: {gpkg: heavy}\n",
         "p.yml:8:", "the folder of scenario 'heavy'"},
    };
    fixture *f = *state;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        taafi_project *p = (taafi_project *)1;
        taafi_status st = load(f, cases[i].text, &p);
        const char *msg = taafi_ctx_message(f->ctx);
        if (st != TAAFI_ERR_PROJECT || !strstr(msg, cases[i].frag1) ||
            (cases[i].frag2 && !strstr(msg, cases[i].frag2)))
            fail_msg("case %zu: status %d, message '%s'", i, (int)st, msg);
        assert_null(p);
    }
}

/* Brackets nested 150,000 deep (300 kB) kept libyaml busy for over 90 s:
 * refused at the 65th level, at once. */
static void test_nesting_bomb(void **state)
{
    fixture *f = *state;
    size_t n = 150000, i;
    char *text = malloc(2 * n + 32);
    taafi_project *p = (taafi_project *)1;
    strcpy(text, "scoring: ");
    for (i = 0; i < n; i++)
        text[9 + i] = '[';
    for (i = 0; i < n; i++)
        text[9 + n + i] = ']';
    strcpy(text + 9 + 2 * n, "\n");
    assert_int_equal(load(f, text, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "p.yml:1: nested deeper than 64 levels"));
    assert_null(p);
    free(text);
}

/* Project files made to hurt: a "billion laughs" of aliases (libyaml keeps
 * an alias as a reference: nothing is expanded, and the first alias that
 * is not what its key wants is refused), a 50 MB name (read, kept whole),
 * NUL bytes, and more than 64 MB (refused before parsing). */
static void test_hostile_files(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    char *text = malloc(70u << 20), *at = text;
    size_t big = 50u << 20;
    int i;
    at += sprintf(at, "l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for (i = 1; i < 10; i++)
        at += sprintf(at, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i - 1, i - 1,
                      i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    strcpy(at, "areas: {source: a.shp, id: x}\nindicators: *l9\n");
    assert_int_equal(load(f, text, &p), TAAFI_ERR_PROJECT);
    assert_null(p);
    at = text + sprintf(text, "name: \"");
    memset(at, 'x', big);
    strcpy(at + big, "\"\nareas: {source: a.shp, id: x}\nindicators: [{id: a, type: area}]\n");
    assert_int_equal(load(f, text, &p), TAAFI_OK);
    taafi_project_free(p);
    p = NULL;
    {
        char *sub = tt_path(f->dir, "sub"), *path = tt_path(sub, "p.yml");
        FILE *out = fopen(path, "wb");
        assert_non_null(out);
        assert_int_equal(fwrite("areas: {}\n\0x\n", 1, 13, out), 13);
        fclose(out);
        assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_ERR_PROJECT);
        assert_non_null(strstr(taafi_ctx_message(f->ctx), "holds NUL bytes"));
        memset(text, '#', 65u << 20);
        strcpy(text + (65u << 20), "\n");
        assert_int_equal(load(f, text, &p), TAAFI_ERR_PROJECT);
        assert_non_null(strstr(taafi_ctx_message(f->ctx), "larger than 64 MB"));
        assert_null(p);
        free(path);
        free(sub);
    }
    free(text);
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    assert_int_equal(taafi_project_load(f->ctx, "/no/such/project.yml", &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "/no/such/project.yml"));
    assert_null(p);
    taafi_project_free(NULL); /* accepts NULL */
}

static void test_suggest(void **state)
{
    static const char *const keys[] = {"source", "layer", "where", "id", NULL};
    (void)state;
    assert_string_equal(tf_suggest("sorce", keys), "source");
    assert_string_equal(tf_suggest("SOURCE", keys), "source");
    assert_string_equal(tf_suggest("lyaer", keys), "layer");
    assert_null(tf_suggest("colour", keys));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_bomb, setup, teardown),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
