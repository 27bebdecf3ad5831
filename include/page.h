/*
 * The share page (API reference: The share page): GET <mount>/s/{token}
 * answered with HTML that threadstore renders itself, over the same share
 * operations as /api/shared (share_ops.h). Its own surface: every answer
 * under /s, errors included, is a page with the same strict headers
 * (a Content-Security-Policy that allows the page's one stylesheet and
 * nothing else, no referrer, no caching).
 */
#ifndef TS_PAGE_H
#define TS_PAGE_H

#include "app.h"

/* Whether a routed path belongs to the page (/s, /s/...). */
int ts_page_path(const char *path);
/* Whether a routed path is a link's JSON (/api/shared, /api/shared/...). */
int ts_api_shared_path(const char *path);

void ts_page_share(struct ts_ctx *ctx);

/* The page surface's error answer: one plain page per status, the same
 * bytes whatever made it (an unknown, revoked or expired link alike). */
void ts_page_answer_problem(struct ts_response *res, const struct ts_problem *p);

/* The stylesheet every page carries inline, and the Content-Security-Policy
 * that allows it by its SHA-256 (computed once per process). */
extern const char ts_page_css[];
const char *ts_page_csp(void);

#endif
