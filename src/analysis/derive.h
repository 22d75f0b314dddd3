/*
 * derive.h: columns computed from other columns once every family has
 * finished: counts per 1,000 residents, and `expression` indicators
 * evaluated by SQLite.
 */
#ifndef TAAFI_DERIVE_H
#define TAAFI_DERIVE_H

#include "result/result.h"

taafi_status tf_derive(taafi_ctx *ctx, taafi_result *r);

#endif
