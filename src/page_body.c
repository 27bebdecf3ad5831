/*
 * A kept page's body answered again (include/page_body.h). The body lives
 * with the kept page and goes with it: it is never answered for a page the
 * worker does not serve unchanged, so it is exactly as current as the kept
 * rows (docs/design.md: The page cache).
 */
#include <stdlib.h>
#include <string.h>

#include "page_body.h"
#include "page_cache.h"

int
ts_page_body_answer(struct ts_ctx *ctx, const struct ts_message_page *pg, const char *tag)
{
	const char *kept;
	char *body;
	size_t len;

	if (pg->kept == NULL || tag == NULL || (kept = ts_kept_page_body(pg->kept, tag, &len)) == NULL)
		return 0;
	/* A copy: the response outlives the page's loan. */
	if ((body = malloc(len > 0 ? len : 1)) != NULL)
		memcpy(body, kept, len);
	if (ts_response_text(ctx->res, 200, NULL, body, len, TS_E__COUNT) != 0)
		ts_fail(ctx, TS_E_INTERNAL, NULL);
	return 1;
}

void
ts_page_body_keep(struct ts_ctx *ctx, const struct ts_message_page *pg, const char *tag)
{
	const struct ts_response *res = ctx->res;

	if (pg->kept != NULL && tag != NULL && res->status == 200 && !res->is_error && res->body != NULL)
		ts_page_cache_keep_body(ctx->call.pages, pg->kept, tag, res->body, res->body_len);
}
