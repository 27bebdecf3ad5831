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
void ts_h_message_create(struct ts_ctx *ctx);
void ts_h_messages_batch(struct ts_ctx *ctx);
void ts_h_messages_list(struct ts_ctx *ctx);
void ts_h_messages_context(struct ts_ctx *ctx);
void ts_h_messages_clear(struct ts_ctx *ctx);
void ts_h_message_get(struct ts_ctx *ctx);
void ts_h_message_patch(struct ts_ctx *ctx);
void ts_h_message_delete(struct ts_ctx *ctx);

/* with_details=true|false (default true); 0, or -1 after answering 422. */
int ts_q_with_details(struct ts_ctx *ctx, int *with_details);

#endif
