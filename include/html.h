/*
 * HTML for the share page (src/page/share.c): a bounded buffer and the
 * escaping every piece of stored text goes through. Nothing a message
 * holds ever reaches the page unescaped: & < > " ' become character
 * references, invalid UTF-8 and control characters (but tab and line feed)
 * become U+FFFD, and the only markup made from a message is its fenced
 * code blocks and its http(s) addresses as links
 * (API reference: The share page). A pure module: no I/O.
 */
#ifndef TS_HTML_H
#define TS_HTML_H

#include <stddef.h>

/*
 * A growable buffer created with its maximum (curl's dynbuf): an append
 * that would pass max, or find no memory, marks it `over` and adds
 * nothing more. Free it with ts_html_free (also when over).
 */
struct ts_html {
	char *data;                     /* owned; NUL-terminated while not over */
	size_t len, cap, max;
	int over;
};

void ts_html_init(struct ts_html *h, size_t max);
void ts_html_free(struct ts_html *h);
/* Hands the text over (NULL when over); the buffer is empty after. */
char *ts_html_take(struct ts_html *h, size_t *len);
/* Drops what follows byte len (len <= h->len), clearing `over`. */
void ts_html_truncate(struct ts_html *h, size_t len);

/* Trusted markup, as it is. */
void ts_html_raw(struct ts_html *h, const char *s, size_t n);
void ts_html_lit(struct ts_html *h, const char *s);

/* Text, escaped for an element's content or a quoted attribute value; a
 * CR LF pair and a lone CR become LF. */
void ts_html_escape(struct ts_html *h, const char *s, size_t n);

/*
 * A message's text as markup: prose in <div class="text"> (whose CSS keeps
 * its line breaks and spaces), fenced code blocks (a line of three or more
 * backticks after at most three spaces opens one, with an optional
 * language; the next such line, or the end, closes it) in
 * <pre><code>, and http:// and https:// addresses as links that send no
 * referrer. Everything else escaped.
 */
void ts_html_message(struct ts_html *h, const char *s, size_t n);

/* The first max_points code points of s with every run of white space as
 * one space, trimmed, escaped; "…" where it was cut. */
void ts_html_excerpt(struct ts_html *h, const char *s, size_t n, size_t max_points);

#endif
