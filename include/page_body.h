/*
 * A page's body written again (src/page_body.c): any surface that renders
 * a page of messages (struct ts_message_page) can keep the body it wrote
 * with the worker's kept page (page_cache.h) and answer it again while the
 * page is served unchanged. The tag names everything the body was made of
 * besides the page's rows, in the order they are shown: a body is answered
 * again only under the tag it was kept with, so two ways of showing one
 * page never answer each other's body.
 */
#ifndef TS_PAGE_BODY_H
#define TS_PAGE_BODY_H

#include "app.h"
#include "message_ops.h"

/*
 * Answers 200 with a copy of the body kept with pg under tag: 1, or 0
 * when there is none (tag NULL, pg not a kept page, no body or another
 * tag's), and then the surface renders the page itself.
 */
int ts_page_body_answer(struct ts_ctx *ctx, const struct ts_message_page *pg, const char *tag);

/* After the surface has rendered pg: keeps the answer's body with pg's
 * kept page under tag, when the answer is a 200 and there is a kept page. */
void ts_page_body_keep(struct ts_ctx *ctx, const struct ts_message_page *pg, const char *tag);

#endif
