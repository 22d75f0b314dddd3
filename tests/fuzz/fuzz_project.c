/* libFuzzer harness: the project-file parser on arbitrary bytes.  Any
 * input must give TAAFI_OK or an error with a message, never a crash,
 * leak or hang. */
#include "families/indicator.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_status st;
    if (taafi_ctx_new(&ctx) != TAAFI_OK)
        return 0;
    st = tf_project_parse(ctx, "fuzz/project.yml", (const char *)data, size, tf_family_keys_table, &p);
    if (st != TAAFI_OK && (p != NULL || !taafi_ctx_message(ctx)[0]))
        abort(); /* an error must say what is wrong, and give nothing */
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    return 0;
}
