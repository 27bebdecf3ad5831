/*
 * The share page (page.h): a shared thread's title and messages, oldest
 * first, a page at a time, as HTML that needs no script, readable on a
 * phone and a desktop, in light and dark schemes and on paper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "html.h"
#include "ts_limits.h"
#include "page.h"
#include "roles.h"
#include "share_ops.h"
#include "timefmt.h"

#define HTML_TYPE "text/html; charset=utf-8"
/* What a page adds around its messages (head, header, navigation). */
#define PAGE_FRAME_BYTES 16384

static int
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return path != NULL && strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int
ts_page_path(const char *path)
{
	return under(path, "/s");
}

int
ts_api_shared_path(const char *path)
{
	return under(path, "/api/shared");
}

const char ts_page_css[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--muted:#50525a;--line:#d5d7dd;"
    "--user:#edf2fb;--assistant:#f6f6f7;--system:#fbf4e6;--tool:#ecf6ef;--code:#eff0f3;--link:#0b57d0}"
    "@media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#e8e8ec;--muted:#aeb0b8;--line:#3a3c44;"
    "--user:#1b2536;--assistant:#1d1d21;--system:#2a2518;--tool:#17281e;--code:#26272d;--link:#8ab4f8}}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}"
    ".wrap{max-width:48rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0;overflow-wrap:anywhere}"
    ".meta{color:var(--muted);margin:0 0 1rem;font-size:.9rem}"
    "ol.messages{list-style:none;margin:0;padding:0}"
    ".msg{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem;"
    "background:var(--assistant)}"
    ".msg.user{background:var(--user)}.msg.system{background:var(--system)}.msg.tool{background:var(--tool)}"
    ".msg h2{font-size:.85rem;font-weight:600;margin:0 0 .35rem;color:var(--muted);"
    "display:flex;flex-wrap:wrap;gap:.25rem .75rem}"
    ".text{white-space:pre-wrap;overflow-wrap:anywhere}"
    ".code{margin:.5rem 0}"
    ".lang{font-size:.75rem;color:var(--muted)}"
    "pre{background:var(--code);padding:.75rem;border-radius:.375rem;overflow-x:auto;margin:0;"
    "font:.875rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    "a{color:var(--link)}"
    "nav.pages{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}"
    "footer{color:var(--muted);font-size:.8rem;border-top:1px solid var(--line);margin-top:1.5rem;padding-top:.75rem}"
    "@media (max-width:30rem){.wrap{padding:.5rem}.msg{padding:.6rem .7rem}h1{font-size:1.3rem}}"
    "@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--user:#fff;--assistant:#fff;"
    "--system:#fff;--tool:#fff;--code:#fff;--link:#000}nav.pages{display:none}"
    ".msg{break-inside:avoid}pre{white-space:pre-wrap;overflow-wrap:anywhere}}";

const char *
ts_page_csp(void)
{
	static char csp[256];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char b64[64];

	if (csp[0] != '\0')
		return csp;
	if (EVP_Digest(ts_page_css, sizeof(ts_page_css) - 1, md, &n, EVP_sha256(), NULL) != 1 || n != 32 ||
	    EVP_EncodeBlock((unsigned char *)b64, md, (int)n) != 44)
		return "default-src 'none'";    /* no style then, and still nothing else */
	snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'sha256-%s'; base-uri 'none'; "
	    "form-action 'none'; frame-ancestors 'none'", b64);
	return csp;
}

/* The headers every answer under /s carries, errors included. */
static void
page_headers(struct ts_response *res)
{
	ts_response_header(res, "Content-Security-Policy", ts_page_csp());
	ts_response_header(res, "X-Content-Type-Options", "nosniff");
	/* The token is in the address: no referrer ever leaves the page. */
	ts_response_header(res, "Referrer-Policy", "no-referrer");
	ts_response_header(res, "Cache-Control", "private, no-store");
	ts_response_header(res, "X-Frame-Options", "DENY");
	ts_response_header(res, "X-Robots-Tag", "noindex, nofollow");
}

/* The document's start, up to and including <body>: title and description
 * are escaped here. */
static void
head(struct ts_html *h, const char *title, size_t title_len, const char *desc, size_t desc_len)
{
	ts_html_lit(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	ts_html_escape(h, title, title_len);
	ts_html_lit(h, "</title>\n");
	if (desc != NULL) {
		ts_html_lit(h, "<meta property=\"og:type\" content=\"article\">\n"
		    "<meta property=\"og:site_name\" content=\"threadstore\">\n<meta property=\"og:title\" content=\"");
		ts_html_escape(h, title, title_len);
		ts_html_lit(h, "\">\n<meta property=\"og:description\" content=\"");
		ts_html_raw(h, desc, desc_len);
		ts_html_lit(h, "\">\n<meta name=\"description\" content=\"");
		ts_html_raw(h, desc, desc_len);
		ts_html_lit(h, "\">\n<meta name=\"twitter:card\" content=\"summary\">\n");
	}
	ts_html_lit(h, "<style>");
	ts_html_lit(h, ts_page_css);
	ts_html_lit(h, "</style>\n</head>\n<body>\n");
}

/* Answers with the page in h (taken) or, out of memory, a 500. */
static void
answer(struct ts_response *res, int status, struct ts_html *h, enum ts_error error)
{
	size_t len;
	char *body = ts_html_take(h, &len);

	ts_response_text(res, status, HTML_TYPE, body, len, error);
	page_headers(res);
}

/* Each error's page: a heading and a sentence, nothing of the request. */
static void
error_text(enum ts_error e, const char **heading, const char **text)
{
	switch (e) {
	case TS_E_NOT_FOUND:
		*heading = "This link does not work";
		*text = "It may have been revoked or have expired, or its address is not complete. "
		    "Ask the person who shared it for a new link.";
		return;
	case TS_E_PUBLIC_SHARING_DISABLED:
		*heading = "Sharing is turned off";
		*text = "The site does not show shared conversations at the moment.";
		return;
	case TS_E_INVALID_TOKEN:
	case TS_E_UNAUTHORIZED:
		*heading = "Sign-in not accepted";
		*text = "The credentials sent with this request are not valid. Open the link without them.";
		return;
	case TS_E_VALIDATION:
	case TS_E_URI_TOO_LONG:
	case TS_E_METHOD_NOT_ALLOWED:
	case TS_E_INVALID_ID:
		*heading = "This address is not valid";
		*text = "Open the link as it was shared, without changes.";
		return;
	default:
		*heading = "Something went wrong";
		*text = "The page cannot be shown right now. Try again in a moment.";
		return;
	}
}

void
ts_page_answer_problem(struct ts_response *res, const struct ts_problem *p)
{
	const char *heading, *text;
	struct ts_html h;
	char line[64];
	int status = ts_error_status(p->error);

	error_text(p->error, &heading, &text);
	ts_html_init(&h, PAGE_FRAME_BYTES);
	head(&h, heading, strlen(heading), NULL, 0);
	ts_html_lit(&h, "<main class=\"wrap\">\n<h1>");
	ts_html_lit(&h, heading);
	ts_html_lit(&h, "</h1>\n<p>");
	ts_html_lit(&h, text);
	snprintf(line, sizeof(line), "</p>\n<p class=\"meta\">Error %d</p>\n</main>\n</body>\n</html>\n", status);
	ts_html_lit(&h, line);
	answer(res, status, &h, p->error);
}

const struct ts_surface ts_page_surface = { ts_page_answer_problem, ts_path_ids_none };

static const char *const role_labels[TS_ROLE__COUNT] = { "User", "Assistant", "System", "Tool" };

/* A DATETIME(3) cell as <time>: 2026-01-15 10:30 UTC. */
static void
time_element(struct ts_html *h, const struct ts_db_cell *c)
{
	char iso[TS_ISO_LEN + 1], shown[32];

	if (c->data == NULL || ts_time_db_to_iso(c->data, c->len, iso) != 0)
		return;
	snprintf(shown, sizeof(shown), "%.10s %.5s UTC", iso, iso + 11);
	ts_html_lit(h, "<time datetime=\"");
	ts_html_lit(h, iso);
	ts_html_lit(h, "\">");
	ts_html_lit(h, shown);
	ts_html_lit(h, "</time>");
}

static void
message(struct ts_html *h, const struct ts_db_cell *m)
{
	int role = (int)strtol(m[TS_MC_ROLE].data, NULL, 10);
	const char *label = role >= 0 && role < TS_ROLE__COUNT ? role_labels[role] : "Message";

	ts_html_lit(h, "<li class=\"msg ");
	ts_html_lit(h, ts_role_name(role));
	ts_html_lit(h, "\" id=\"m");
	ts_html_raw(h, m[TS_MC_SEQ].data, m[TS_MC_SEQ].len);
	ts_html_lit(h, "\"><h2><span class=\"role\">");
	ts_html_lit(h, label);
	ts_html_lit(h, "</span>");
	time_element(h, &m[TS_MC_CREATED_AT]);
	ts_html_lit(h, "</h2>");
	ts_html_message(h, m[TS_MC_TEXT].data != NULL ? m[TS_MC_TEXT].data : "", m[TS_MC_TEXT].len);
	ts_html_lit(h, "</li>\n");
}

/* A paging link: ?after=N or ?before=N, with the limit when one was asked. */
static void
page_link(struct ts_html *h, const char *rel, const char *dir, const struct ts_db_cell *seq, long long limit,
    const char *label)
{
	char lim[32] = "";

	if (limit != TS_SHARE_PAGE_DEFAULT)
		snprintf(lim, sizeof(lim), "&amp;limit=%lld", limit);
	ts_html_lit(h, "<a rel=\"");
	ts_html_lit(h, rel);
	ts_html_lit(h, "\" href=\"?");
	ts_html_lit(h, dir);
	ts_html_lit(h, "=");
	ts_html_raw(h, seq->data, seq->len);
	ts_html_lit(h, lim);
	ts_html_lit(h, "\">");
	ts_html_lit(h, label);
	ts_html_lit(h, "</a>");
}

/*
 * The page: its messages go in one at a time while the body stays within
 * max_response_bytes; one that would pass it waits for the next page
 * (unless it is the first, which is shown whole, as the API does).
 */
static void
render(struct ts_ctx *ctx, const struct ts_shared *sh, const struct ts_message_page *pg,
    const struct ts_shared_query *q)
{
	const struct ts_db_cell *title = ts_shared_title(sh), *first = pg->n > 0 ? pg->cells[0] : NULL;
	size_t budget = ctx->app->cfg->max_response_bytes, shown = 0, before, i, dlen = 0;
	const char *t = title->data != NULL && title->len > 0 ? title->data : "Shared conversation";
	size_t tlen = title->data != NULL && title->len > 0 ? title->len : strlen(t);
	struct ts_html h, desc;
	char line[128];
	char *d;
	int more_after, more_before;

	/* og:description: the first message shown (on the link's own address,
	 * the thread's first). */
	ts_html_init(&desc, TS_SHARE_EXCERPT_POINTS * 12 + 16);
	if (first != NULL)
		ts_html_excerpt(&desc, first[TS_MC_TEXT].data != NULL ? first[TS_MC_TEXT].data : "",
		    first[TS_MC_TEXT].len, TS_SHARE_EXCERPT_POINTS);
	if (desc.len == 0)
		ts_html_lit(&desc, "A shared conversation");
	d = ts_html_take(&desc, &dlen);
	/* One message may be larger than the budget; room for it whole. */
	ts_html_init(&h, budget + (size_t)TS_MAX_MESSAGE_TEXT_BYTES * 12 + PAGE_FRAME_BYTES);
	head(&h, t, tlen, d != NULL ? d : "", dlen);
	free(d);
	ts_html_lit(&h, "<header class=\"wrap\">\n<h1>");
	ts_html_escape(&h, t, tlen);
	ts_html_lit(&h, "</h1>\n<p class=\"meta\">");
	if (sh->mode == TS_SHARE_SNAPSHOT) {
		ts_html_lit(&h, "Snapshot of ");
		time_element(&h, ts_db_cell(&sh->rows, 0, TS_SH_CREATED_AT));
	} else {
		ts_html_lit(&h, "Shared conversation");
	}
	snprintf(line, sizeof(line), " \xC2\xB7 %lld message%s", pg->total, pg->total == 1 ? "" : "s");
	ts_html_lit(&h, line);
	if (ts_db_cell(&sh->rows, 0, TS_SH_EXPIRES_AT)->data != NULL) {
		ts_html_lit(&h, " \xC2\xB7 link expires ");
		time_element(&h, ts_db_cell(&sh->rows, 0, TS_SH_EXPIRES_AT));
	}
	ts_html_lit(&h, "</p>\n</header>\n<main class=\"wrap\">\n");
	if (pg->n == 0)
		ts_html_lit(&h, "<p>No messages here.</p>\n");
	else
		ts_html_lit(&h, "<ol class=\"messages\">\n");
	for (i = 0; i < pg->n; i++) {
		before = h.len;
		message(&h, pg->cells[i]);
		if (i > 0 && (h.over || h.len > budget)) {
			ts_html_truncate(&h, before);
			break;
		}
		shown++;
	}
	if (pg->n > 0)
		ts_html_lit(&h, "</ol>\n");
	ts_html_lit(&h, "</main>\n");
	more_after = (q->kind != TS_CURSOR_BEFORE && (pg->has_more || shown < pg->n)) || q->kind == TS_CURSOR_BEFORE;
	more_before = (q->kind == TS_CURSOR_BEFORE && pg->has_more) || q->kind == TS_CURSOR_AFTER;
	if (shown > 0 && (more_after || more_before)) {
		ts_html_lit(&h, "<nav class=\"wrap pages\" aria-label=\"Pages\">");
		if (more_before)
			page_link(&h, "prev", "before", &pg->cells[0][TS_MC_SEQ], q->limit,
			    "\xE2\x86\x90 Earlier messages");
		else
			ts_html_lit(&h, "<span></span>");
		if (more_after)
			page_link(&h, "next", "after", &pg->cells[shown - 1][TS_MC_SEQ], q->limit,
			    "Later messages \xE2\x86\x92");
		ts_html_lit(&h, "</nav>\n");
	}
	ts_html_lit(&h, "<footer class=\"wrap\"><p>A read-only copy shared with a link. ");
	ts_html_lit(&h, sh->mode == TS_SHARE_SNAPSHOT ? "It shows the conversation as it was when the link was made."
	    : "It shows the conversation as it is now.");
	ts_html_lit(&h, "</p></footer>\n</body>\n</html>\n");
	answer(ctx->res, 200, &h, TS_E__COUNT);
}

void
ts_page_share(struct ts_ctx *ctx)
{
	const char *token = ctx->match->nparams > 0 ? ctx->match->params[0] : "";
	struct ts_shared_query q;
	struct ts_message_page pg;
	struct ts_problem invalid;
	struct ts_shared sh;

	memset(&pg, 0, sizeof(pg));
	ts_problem_init(&invalid);
	(void)ts_shared_query_parse(&invalid, ctx->req->query, TS_SHARE_PAGE_DEFAULT, &q);
	/* The page reads oldest first, and measures what it shows. */
	q.order = TS_ORDER_ASC;
	q.with_details = 0;
	if (ts_shared_open(&ctx->call, token, strlen(token), &sh) != 0) {
		ts_answer_failure(ctx);
	} else {
		if (ts_shared_messages(&ctx->call, &sh, &q, &invalid, &pg) != 0)
			ts_answer_failure(ctx);
		else
			render(ctx, &sh, &pg, &q);
		ts_shared_release(&sh);
	}
	ts_message_page_free(&pg);
	ts_problem_free(&invalid);
}
