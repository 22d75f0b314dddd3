/*
 * taafi.h: the public API of libtaafi, neighbourhood recovery analysis.
 *
 * This is the only public header; nothing else in the source tree is API.
 *
 * THE RULES
 *
 * Context.  Every call takes a taafi_ctx, made with taafi_ctx_new() and freed
 * with taafi_ctx_free().  The context owns a GEOS handle, a PROJ context and
 * the text of the last error.  A context is not thread-safe: use one context
 * per thread.  Different contexts may be used on different threads at once;
 * libtaafi keeps no global mutable state.
 *
 * Status.  Every function that can fail returns a taafi_status.  TAAFI_OK is
 * zero.  Results come back through out-parameters, which are set only on
 * success (they are set to NULL/0 first).  On failure the context holds a
 * message, taafi_ctx_message(), of the form "FILE: what is wrong; what to do"
 * (GDAL's, GEOS's and PROJ's own error messages are routed into it).
 *
 * Ownership.  An object returned through an out-parameter belongs to the
 * caller, who frees it with the matching *_free() function.  Every *_free()
 * accepts NULL.  Strings returned as `const char *` belong to the object they
 * were read from and stay valid until that object is freed or, for the
 * context's message, until the next call on the context.  Objects made with a
 * context must be freed before that context is.
 *
 * Lifetimes.  A project outlives every result made from it: a result
 * borrows its project (its paths, indicator definitions and scenarios) and
 * must be freed first.  A result owns its areas, columns, service gaps,
 * facilities, data-quality notes and inputs; nothing in it borrows another
 * result.  A scenario's result (taafi_result_scenario) borrows the result
 * it was made from, its base, which must outlive it and stays as it was:
 * the scenario's result shares the base's areas and the geometries of its
 * service gaps and facilities, and owns its columns and scores.  Once made,
 * a result does not change.  The result of a round
 * (taafi_run_rounds, taafi_project_run) owns the view of the project that
 * its round read, and still borrows the project.
 *
 * Threads.  Each context may be given threads for its own work
 * (taafi_ctx_set_threads); the library starts none otherwise, and results
 * are byte-identical for any number of threads.  A result's accessors
 * (taafi_result_value and the like) may be called from several threads at
 * once.
 *
 * Memory.  Every allocation libtaafi makes goes through its context's
 * allocator: malloc/realloc/free unless one is given to
 * taafi_ctx_new_with_allocator().  GDAL, GEOS, PROJ, SQLite and the other
 * libraries allocate their own memory as they do.  When an allocation
 * fails, the call returns TAAFI_ERR_NOMEM, frees what it made and writes
 * no output.
 *
 * Units and CRS.  Analysis happens in a projected CRS in metres (the project
 * file's `crs`, or the UTM zone of the areas when `auto`).  Areas are reported
 * in km², densities per km², counts as numbers of features.
 *
 * Inputs are only ever opened read-only.  taafi_project_run commits a run
 * whole: everything it writes goes into a stage folder beside the output
 * folder, which takes the output folder's place in one step, so that after
 * any failure, interrupt or kill the folder holds the complete earlier
 * result or the complete new one; taafi_project_render likewise.
 * taafi_result_write and taafi_result_render alone write each file under a
 * temporary name in the output folder and rename it into place when all
 * are complete.
 */
#ifndef TAAFI_H
#define TAAFI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the exported API: libtaafi is built with hidden visibility, so
 * nothing else is reachable from outside. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define TAAFI_API __attribute__((visibility("default")))
#else
#define TAAFI_API
#endif

#define TAAFI_VERSION_MAJOR 0
#define TAAFI_VERSION_MINOR 1
#define TAAFI_VERSION_PATCH 0
#define TAAFI_VERSION_STRING "0.1.0"

/* Status codes.  The command-line tool maps them to exit codes: TAAFI_OK to
 * 0, TAAFI_ERR_PROJECT and TAAFI_ERR_USAGE to 2, every other code to 1. */
typedef enum taafi_status {
    TAAFI_OK = 0,
    TAAFI_ERR_USAGE = 1,   /* a bad argument from the caller            */
    TAAFI_ERR_PROJECT = 2, /* the project file is wrong                 */
    TAAFI_ERR_IO = 3,      /* a file cannot be read or written          */
    TAAFI_ERR_DATA = 4,    /* input data cannot be used as it is        */
    TAAFI_ERR_CRS = 5,     /* a CRS is missing or cannot be transformed */
    TAAFI_ERR_GEOM = 6,    /* a geometry operation failed               */
    TAAFI_ERR_EXISTS = 7,  /* an output exists and overwrite is off     */
    TAAFI_ERR_NOMEM = 8,   /* out of memory                             */
    TAAFI_ERR_INTERNAL = 9,    /* a bug in taafi: please report it          */
    TAAFI_ERR_INTERRUPTED = 10 /* taafi_ctx_interrupt() was called          */
} taafi_status;

/* Severity of a log line sent to the log callback. */
typedef enum taafi_log_level {
    TAAFI_LOG_DEBUG = 0,
    TAAFI_LOG_INFO = 1,
    TAAFI_LOG_WARNING = 2
} taafi_log_level;

typedef struct taafi_ctx taafi_ctx;         /* per-thread state          */
typedef struct taafi_project taafi_project; /* a loaded project file     */
typedef struct taafi_result taafi_result;   /* areas x indicator columns */

/* Receives warnings and progress lines.  `message` is valid only during the
 * call.  `user` is the pointer given to taafi_ctx_set_log(). */
typedef void (*taafi_log_fn)(taafi_log_level level, const char *message, void *user);

/* ---- library ---------------------------------------------------------- */

/* "0.1.0".  Static storage. */
TAAFI_API const char *taafi_version(void);

/* A one-line description of `status`.  Static storage. */
TAAFI_API const char *taafi_status_string(taafi_status status);

/* Writes into `buf` (at most `size` bytes, NUL-terminated) the versions of
 * taafi and the libraries it runs on, e.g. "taafi 0.1.0 (GDAL 3.6.2, GEOS
 * 3.11.1, PROJ 9.1.1, SQLite 3.40.1, libyaml 0.2.5)". */
TAAFI_API void taafi_versions(char *buf, size_t size);

/* ---- context ---------------------------------------------------------- */

/* Makes a context.  On TAAFI_OK the caller owns *out and frees it with
 * taafi_ctx_free().  Registers GDAL's drivers the first time it is called
 * (GDAL's own registration is idempotent and thread-safe). */
TAAFI_API taafi_status taafi_ctx_new(taafi_ctx **out);

/* Functions that allocate for libtaafi, as malloc, realloc and free do
 * (realloc with ptr NULL allocates; free accepts NULL), with `user` passed
 * back.  They may be called from the threads a context starts
 * (taafi_ctx_set_threads) at once. */
typedef struct taafi_allocator {
    void *(*malloc)(void *user, size_t size);
    void *(*realloc)(void *user, void *ptr, size_t size);
    void (*free)(void *user, void *ptr);
    void *user;
} taafi_allocator;

/* taafi_ctx_new() with every allocation of libtaafi made by `alloc` for
 * the context, for the threads it starts and for every object made with
 * it.  `alloc` is borrowed, not copied: it must stay valid until the
 * context and every object made with it are freed. */
TAAFI_API taafi_status taafi_ctx_new_with_allocator(const taafi_allocator *alloc, taafi_ctx **out);

/* Frees a context.  Accepts NULL. */
TAAFI_API void taafi_ctx_free(taafi_ctx *ctx);

/* The message of the last failed call on `ctx` ("" if none).  Owned by the
 * context; valid until the next call on it. */
TAAFI_API const char *taafi_ctx_message(const taafi_ctx *ctx);

/* Asks the call running on `ctx` (from another thread, or a signal
 * handler: this only sets a flag and is async-signal-safe) to stop soon
 * with TAAFI_ERR_INTERRUPTED; outputs being written are discarded, earlier
 * results left as they were.  The flag stays set until
 * taafi_ctx_clear_interrupt(). */
TAAFI_API void taafi_ctx_interrupt(taafi_ctx *ctx);
TAAFI_API void taafi_ctx_clear_interrupt(taafi_ctx *ctx);

/* Receives progress: `stage` (e.g. "reading damage", "coverage clinic",
 * "writing"), items done and the total (0 when unknown).  Called from the
 * thread that called into libtaafi, often but not for every item; the last
 * call of a stage has done == total.  `stage` is valid during the call. */
typedef void (*taafi_progress_fn)(const char *stage, uint64_t done, uint64_t total, void *user);

/* Sends progress to `fn` (NULL: none). */
TAAFI_API void taafi_ctx_set_progress(taafi_ctx *ctx, taafi_progress_fn fn, void *user);

/* Lets calls on `ctx` use up to `threads` threads for work that splits by
 * area (raster sums, coverage) and for writing the output files; with more
 * than one, the per-area work also runs beside the reading of the other
 * layers, on one more thread.  Results are identical whatever the number.
 * Default 1: everything on the calling thread. */
TAAFI_API void taafi_ctx_set_threads(taafi_ctx *ctx, int threads);

/* The number of CPUs this process may use: those its affinity mask
 * allows (taskset, a batch scheduler), fewer when a cgroup's CPU quota (a
 * container's --cpus, a systemd unit's CPUQuota; cgroup v1 or v2) allows
 * less; from 1 to 256.  A sensible
 * argument for taafi_ctx_set_threads(); `taafi run` uses it when no
 * --jobs is given.  Thread-safe; reads the system each call. */
TAAFI_API int taafi_cpu_count(void);

/* Sends log lines at `min_level` and above to `fn` (NULL: discard them).
 * Without a callback, nothing is printed: the library never writes to
 * stdout or stderr itself. */
TAAFI_API void taafi_ctx_set_log(taafi_ctx *ctx, taafi_log_level min_level, taafi_log_fn fn, void *user);

/* ---- project ---------------------------------------------------------- */

/* Reads and checks a project file (YAML; see docs/project-file.md).  Every
 * relative path in it is resolved against the folder of `path`.  Errors name
 * the line: "homs.yml:12: unknown key 'sorce' in areas; did you mean
 * 'source'?".  Inputs are not opened: see taafi_project_validate().
 * On TAAFI_OK the caller owns *out (free with taafi_project_free()). */
TAAFI_API taafi_status taafi_project_load(taafi_ctx *ctx, const char *path, taafi_project **out);

/* Frees a project.  Accepts NULL. */
TAAFI_API void taafi_project_free(taafi_project *project);

/* Path of the project file as given.  Owned by the project. */
TAAFI_API const char *taafi_project_path(const taafi_project *project);

/* Opens every input of the project read-only and checks what the analysis
 * will need (layers, fields, CRS, filters), computing nothing.  Writes a
 * human-readable report of what it found into *report_out, which the caller
 * owns and frees with taafi_string_free(), on success and on
 * TAAFI_ERR_DATA/IO/CRS alike (the report then ends with the problem). */
TAAFI_API taafi_status taafi_project_validate(taafi_ctx *ctx, const taafi_project *project, char **report_out);

/* Writes a starter project file for the areas in `areas_source` (any
 * vector format GDAL reads) into *yaml_out: the areas section filled in
 * from the file (its id and name fields guessed from their names and
 * values), and the five pillars with their usual indicators over layers
 * the user then points at their own files.  The caller owns *yaml_out
 * (free with taafi_string_free()). */
TAAFI_API taafi_status taafi_project_template(taafi_ctx *ctx, const char *areas_source, char **yaml_out);

/* The same project written to the file `path`, whole (a temporary name,
 * then renamed): TAAFI_ERR_EXISTS if it exists without
 * TAAFI_WRITE_OVERWRITE; TAAFI_ERR_USAGE, whatever the flags, if `path` is
 * one of the files of the areas' dataset (a shapefile's .shp, .dbf, ...). */
TAAFI_API taafi_status taafi_project_template_write(taafi_ctx *ctx, const char *areas_source, const char *path,
                                                    unsigned flags);

/* Frees a string returned by libtaafi.  Accepts NULL. */
TAAFI_API void taafi_string_free(char *s);

/* ---- analysis --------------------------------------------------------- */

/* Runs the analysis: reads the areas and every layer, computes every
 * indicator per area.  Point layers are streamed, never held whole.
 * On TAAFI_OK the caller owns *out (free with taafi_result_free()). */
TAAFI_API taafi_status taafi_run(taafi_ctx *ctx, const taafi_project *project, taafi_result **out);

/* Frees a result.  Accepts NULL. */
TAAFI_API void taafi_result_free(taafi_result *result);

/* Number of areas (rows), in input order. */
TAAFI_API size_t taafi_result_area_count(const taafi_result *result);

/* Number of indicator columns. */
TAAFI_API size_t taafi_result_column_count(const taafi_result *result);

/* Name of indicator column `col` (e.g. "damage_destroyed"), or NULL if `col`
 * is out of range.  Owned by the result. */
TAAFI_API const char *taafi_result_column_name(const taafi_result *result, size_t col);

/* Index of the column named `name`, through *col_out. TAAFI_ERR_USAGE if
 * there is none. */
TAAFI_API taafi_status taafi_result_find_column(const taafi_result *result, const char *name, size_t *col_out);

/* Id of area `row` as text (the project's `areas.id` field), or NULL if out
 * of range.  Owned by the result. */
TAAFI_API const char *taafi_result_area_id(const taafi_result *result, size_t row);

/* Value of column `col` for area `row`.  *is_null_out is set to 1 when the
 * value is undefined (a density of an empty area, say) and *value_out to
 * NaN then.  TAAFI_ERR_USAGE when row or col is out of range. */
TAAFI_API taafi_status taafi_result_value(const taafi_result *result, size_t row, size_t col, double *value_out,
                                int *is_null_out);

/* Number of data-quality records (skipped, repaired or doubtful features). */
TAAFI_API size_t taafi_result_issue_count(const taafi_result *result);

/* Data-quality record `i`: layer name, feature id (-1 when not about one
 * feature), problem and the action taken.  Strings owned by the result.
 * TAAFI_ERR_USAGE if `i` is out of range. */
TAAFI_API taafi_status taafi_result_issue(const taafi_result *result, size_t i, const char **layer_out, int64_t *fid_out,
                                const char **problem_out, const char **action_out);

/* ---- outputs ---------------------------------------------------------- */

/* Flags for taafi_result_write(). */
#define TAAFI_WRITE_OVERWRITE 0x1u /* replace existing outputs */

/* Writes the project's outputs into folder `dir` (made if missing):
 * recovery.gpkg (layers `areas`, `run`, `data_quality`) and areas.geojson
 * (RFC 7946), or the names the project's `outputs` gives.  Every file is
 * written under a temporary name and renamed into place once all are
 * complete.  Without TAAFI_WRITE_OVERWRITE an existing output is an error
 * (TAAFI_ERR_EXISTS) and nothing is written. */
TAAFI_API taafi_status taafi_result_write(taafi_ctx *ctx, const taafi_result *result, const char *dir, unsigned flags);

/* Draws the project's map sheets (the recovery index and each pillar, as
 * PNG, SVG and PDF, per the project's `maps` section) into DIR/maps/, the
 * atlas (DIR/maps/atlas.pdf, one page per area) and the self-contained
 * report DIR/report.html.  Arabic is shaped and laid out right to left
 * (Pango/HarfBuzz).  Same writing rules as taafi_result_write(). */
TAAFI_API taafi_status taafi_result_render(taafi_ctx *ctx, const taafi_result *result, const char *dir,
                                           unsigned flags);

/* The project's scenarios (its `scenarios` section): named variants of
 * the scoring and of coverage distances.  Names are owned by the project;
 * NULL if out of range. */
TAAFI_API size_t taafi_project_scenario_count(const taafi_project *project);
TAAFI_API const char *taafi_project_scenario_name(const taafi_project *project, size_t i);

/* The result of scenario `name` of `base`'s project, as a result of its
 * own: every score, pillar score, index, rank and class computed with the
 * scenario's weights, targets and methods.  The indicator values are the
 * base's, except those of coverage indicators the scenario measures by
 * another distance or other facilities: taafi_run computed those already,
 * and the scenario's result holds them with their service gaps and
 * facilities (and the expressions and per-1,000 columns computed again).
 * No input is read again and `base` is not changed.  The scenario's result
 * borrows `base` (its areas, and the geometries of its gaps and
 * facilities): free it before `base`, and change nothing in `base` while
 * it lives.  TAAFI_ERR_USAGE for an unknown name or a base that is itself
 * a scenario's result; a scenario that cannot be scored (a value missing
 * with scoring.missing: fail, say) fails with *out NULL.  On TAAFI_OK the
 * caller owns *out (free with taafi_result_free()). */
TAAFI_API taafi_status taafi_result_scenario(taafi_ctx *ctx, const taafi_result *base, const char *name,
                                             taafi_result **out);

/* The project's assessment rounds (its `rounds` section); 0 if none. */
TAAFI_API size_t taafi_project_round_count(const taafi_project *project);

/* For a project with rounds: computes every round, each on its own inputs
 * with the same indicator definitions, and writes DIR's outputs: `areas`
 * holds the latest round, table `area_rounds` every round, layer `change`
 * (and change.geojson) the change between them.  With `round` set, only
 * that round is computed; the others are read back from DIR's GeoPackage
 * and written again unchanged (refused if the indicator definitions
 * changed since, unless the project sets rounds_recompute).  Same writing
 * rules as taafi_result_write().  *latest_out, if not NULL, receives the
 * latest round's result when it was computed (for maps), else NULL; the
 * caller frees it. */
TAAFI_API taafi_status taafi_run_rounds(taafi_ctx *ctx, const taafi_project *project, const char *round,
                                        const char *dir, unsigned flags, taafi_result **latest_out);

/* Whether the project asks for maps with every run (its `maps` section). */
TAAFI_API int taafi_project_wants_maps(const taafi_project *project);

/* Checks, before any work, that the outputs `project` would write into
 * `dir` can be written: TAAFI_ERR_EXISTS if one exists and `flags` lacks
 * TAAFI_WRITE_OVERWRITE, TAAFI_ERR_IO if `dir` exists but is not a
 * writable folder.  Makes nothing.  taafi_result_write() checks again. */
TAAFI_API taafi_status taafi_project_check_outputs(taafi_ctx *ctx, const taafi_project *project, const char *dir,
                                         unsigned flags);

/* Checks that a file a program writes beside a run (a summary of a batch,
 * say) may be written at `path`: TAAFI_ERR_USAGE if it is one of the
 * files `project` reads (the project file, a source, one of a shapefile's
 * files; by real path or device and inode), whatever `flags` say;
 * TAAFI_ERR_EXISTS if it exists and `flags` lack TAAFI_WRITE_OVERWRITE.
 * Writes nothing. */
TAAFI_API taafi_status taafi_project_check_output_file(taafi_ctx *ctx, const taafi_project *project,
                                                       const char *path, unsigned flags);

/* Flag for taafi_project_run(): also the maps, atlas and report (as the
 * project's `maps` section asks anyway). */
#define TAAFI_RUN_MAPS 0x2u

/* Runs `project` as `taafi run` does and writes every output into folder
 * `dir` (made with its parents if missing): the analysis (for a project
 * with rounds every round, or only `round` with the others read back from
 * DIR), the outputs of taafi_result_write(), the maps and report with
 * TAAFI_RUN_MAPS, and each scenario into DIR/NAME/.  The run is committed
 * whole: everything is written into a stage folder beside DIR, which then
 * takes DIR's place in one step, keeping the files in DIR that are not an
 * earlier run's outputs; after any failure, interrupt or kill, DIR holds
 * the complete earlier result or the complete new one.  DIR/taafi-run.json
 * lists the run's files and its id, which every GeoPackage (`run` table,
 * item `run`) and meta.json record too.  Without TAAFI_WRITE_OVERWRITE an
 * earlier run's output in DIR is an error (TAAFI_ERR_EXISTS) before any
 * work.  *result_out, if not NULL, receives the result with the project's
 * own scoring in force (NULL for a `round` that is not the latest); the
 * caller frees it with taafi_result_free.  It borrows `project`. */
TAAFI_API taafi_status taafi_project_run(taafi_ctx *ctx, const taafi_project *project, const char *dir,
                                         const char *round, unsigned flags, taafi_result **result_out);

/* Runs the analysis of `project` and draws its maps, atlas and report into
 * folder `dir` (made with its parents if missing), as `taafi render` does:
 * the files of taafi_result_render() added to what DIR holds, which stays
 * (over a run's folder, the maps join its taafi-run.json).  Committed as
 * taafi_project_run() commits: written into a stage that holds DIR's
 * entries (hard links) and takes DIR's place in one step, so that after
 * any failure, interrupt or kill DIR is as it was or holds every new file.
 * Without TAAFI_WRITE_OVERWRITE a map or report already in DIR is an error
 * (TAAFI_ERR_EXISTS).  *result_out, if not NULL, receives the result; the
 * caller frees it.  It borrows `project`. */
TAAFI_API taafi_status taafi_project_render(taafi_ctx *ctx, const taafi_project *project, const char *dir,
                                            unsigned flags, taafi_result **result_out);

#ifdef __cplusplus
}
#endif

#endif /* TAAFI_H */
