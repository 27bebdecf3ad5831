/* Route handlers, one file per resource (src/handlers_<resource>.c). */
#ifndef TS_HANDLERS_H
#define TS_HANDLERS_H

#include "app.h"

void ts_h_health(struct ts_ctx *ctx);
void ts_h_settings_get(struct ts_ctx *ctx);
void ts_h_settings_put(struct ts_ctx *ctx);
void ts_h_threads_create(struct ts_ctx *ctx);
void ts_h_threads_list(struct ts_ctx *ctx);
void ts_h_thread_get(struct ts_ctx *ctx);
void ts_h_thread_patch(struct ts_ctx *ctx);
void ts_h_thread_delete(struct ts_ctx *ctx);

#endif
