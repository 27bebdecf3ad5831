/* HTML building and escaping for the share page (html.h). */
#include <stdlib.h>
#include <string.h>

#include "html.h"

void
ts_html_init(struct ts_html *h, size_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
}

void
ts_html_free(struct ts_html *h)
{
	free(h->data);
	memset(h, 0, sizeof(*h));
}

char *
ts_html_take(struct ts_html *h, size_t *len)
{
	char *d = h->over ? NULL : h->data;

	*len = h->over ? 0 : h->len;
	if (h->over)
		free(h->data);
	h->data = NULL;
	h->len = h->cap = 0;
	h->over = 0;
	return d;
}

void
ts_html_truncate(struct ts_html *h, size_t len)
{
	if (len <= h->len && h->data != NULL) {
		h->len = len;
		h->data[len] = '\0';
	}
	h->over = 0;
}

void
ts_html_raw(struct ts_html *h, const char *s, size_t n)
{
	size_t want;
	char *d;

	if (h->over || n == 0)
		return;
	if (n > h->max || h->len > h->max - n) {
		h->over = 1;
		return;
	}
	if (h->len + n + 1 > h->cap) {
		want = h->cap < 4096 ? 4096 : h->cap;
		while (want < h->len + n + 1)
			want *= 2;
		if (want > h->max + 1)
			want = h->max + 1;
		if ((d = realloc(h->data, want)) == NULL) {
			h->over = 1;
			return;
		}
		h->data = d;
		h->cap = want;
	}
	memcpy(h->data + h->len, s, n);
	h->len += n;
	h->data[h->len] = '\0';
}

void
ts_html_lit(struct ts_html *h, const char *s)
{
	ts_html_raw(h, s, strlen(s));
}

static const char replacement[] = "\xEF\xBF\xBD";      /* U+FFFD */

/*
 * The length of the valid UTF-8 sequence at s[0..n), or 0 when it is not
 * one (overlong, a surrogate, above U+10FFFF, cut short); *cp its code point.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2, v = s[0] & 0x1F, min = 0x80;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3, v = s[0] & 0x0F, min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4, v = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

void
ts_html_escape(struct ts_html *h, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, len;
	unsigned long cp;
	const char *rep;

	/* Runs of bytes that need nothing go in one append. */
	while (i < n) {
		len = utf8_seq(u + i, n - i, &cp);
		rep = NULL;
		if (len == 0)
			rep = replacement, len = 1;
		else if (cp == '&')
			rep = "&amp;";
		else if (cp == '<')
			rep = "&lt;";
		else if (cp == '>')
			rep = "&gt;";
		else if (cp == '"')
			rep = "&quot;";
		else if (cp == '\'')
			rep = "&#39;";
		else if (cp == '\r')
			rep = i + 1 < n && u[i + 1] == '\n' ? "" : "\n";
		else if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F))
			rep = replacement;
		if (rep == NULL) {
			i += len;
			run += len;
			continue;
		}
		ts_html_raw(h, s + i - run, run);
		ts_html_lit(h, rep);
		run = 0;
		i += len;
	}
	ts_html_raw(h, s + i - run, run);
}

/* Characters an address may hold (RFC 3986's, without quotes or angles). */
static int
url_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

static int
starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t i, k = strlen(prefix);

	if (n < k)
		return 0;
	for (i = 0; i < k; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

/*
 * The length of an http(s) address at s[0..n), or 0: the scheme, "://",
 * then address characters, without the punctuation that usually ends a
 * sentence after it (and a ")" it does not open).
 */
static size_t
url_at(const char *s, size_t n)
{
	size_t start, end, open = 0, close = 0, i;

	if (starts_ci(s, n, "https://"))
		start = 8;
	else if (starts_ci(s, n, "http://"))
		start = 7;
	else
		return 0;
	for (end = start; end < n && url_char((unsigned char)s[end]); end++)
		;
	for (i = start; i < end; i++) {
		open += s[i] == '(';
		close += s[i] == ')';
	}
	while (end > start) {
		char c = s[end - 1];

		if (c == ')' && close > open) {
			close--;
			end--;
		} else if (strchr(".,;:!?'*", c) != NULL) {
			end--;
		} else {
			break;
		}
	}
	return end > start ? end : 0;
}

static int
word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Prose, escaped, with its http(s) addresses as links. */
static void
prose(struct ts_html *h, const char *s, size_t n)
{
	size_t i = 0, from = 0, u;

	while (i < n) {
		if ((s[i] == 'h' || s[i] == 'H') && (i == 0 || !word_char((unsigned char)s[i - 1])) &&
		    (u = url_at(s + i, n - i)) > 0) {
			ts_html_escape(h, s + from, i - from);
			ts_html_lit(h, "<a href=\"");
			ts_html_escape(h, s + i, u);
			ts_html_lit(h, "\" rel=\"nofollow noopener noreferrer ugc\">");
			ts_html_escape(h, s + i, u);
			ts_html_lit(h, "</a>");
			i += u;
			from = i;
			continue;
		}
		i++;
	}
	ts_html_escape(h, s + from, n - from);
}

/* Whether line s[0..n) is a code fence: at most three spaces, then three
 * or more backticks; *info its rest, trimmed. */
static int
fence(const char *s, size_t n, const char **info, size_t *info_len)
{
	size_t i = 0, ticks = 0, end;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	while (i < n && s[i] == '`') {
		i++;
		ticks++;
	}
	if (ticks < 3)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	end = n;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
		end--;
	*info = s + i;
	*info_len = end - i;
	return 1;
}

void
ts_html_message(struct ts_html *h, const char *s, size_t n)
{
	const char *line, *nl, *info;
	size_t at = 0, len, info_len, code_len;
	size_t prose_from = 0, code_lines = 0;
	int in_code = 0, in_prose = 0;

	while (at <= n) {
		line = s + at;
		nl = at < n ? memchr(line, '\n', n - at) : NULL;
		len = nl != NULL ? (size_t)(nl - line) : n - at;
		if (fence(line, len, &info, &info_len)) {
			if (in_prose) {
				/* the prose up to the fence, without its last line break */
				prose(h, s + prose_from, at > prose_from ? at - prose_from - 1 : 0);
				ts_html_lit(h, "</div>");
				in_prose = 0;
			}
			if (!in_code) {
				ts_html_lit(h, "<div class=\"code\">");
				if (info_len > 0) {
					ts_html_lit(h, "<div class=\"lang\">");
					ts_html_escape(h, info, info_len);
					ts_html_lit(h, "</div>");
				}
				ts_html_lit(h, "<pre><code>");
				in_code = 1;
				code_lines = 0;
			} else {
				ts_html_lit(h, "</code></pre></div>");
				in_code = 0;
			}
		} else if (in_code) {
			/* Lines apart, the break of a CR LF line included. */
			code_len = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
			if (code_lines++ > 0)
				ts_html_lit(h, "\n");
			ts_html_escape(h, line, code_len);
		} else if (!in_prose && (len > 0 || nl != NULL)) {
			ts_html_lit(h, "<div class=\"text\">");
			in_prose = 1;
			prose_from = at;
		}
		if (nl == NULL)
			break;
		at += len + 1;
	}
	if (in_prose) {
		prose(h, s + prose_from, n - prose_from);
		ts_html_lit(h, "</div>");
	}
	if (in_code)
		ts_html_lit(h, "</code></pre></div>");
}

void
ts_html_excerpt(struct ts_html *h, const char *s, size_t n, size_t max_points)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len, points = 0, from;
	unsigned long cp;
	int space = 0, any = 0;

	while (i < n && points < max_points) {
		len = utf8_seq(u + i, n - i, &cp);
		if (len == 0)
			len = 1, cp = 0xFFFD;
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C) {
			space = any;
			i += len;
			continue;
		}
		if (space) {
			ts_html_lit(h, " ");
			points++;
			space = 0;
		}
		from = i;
		i += len;
		ts_html_escape(h, s + from, len);
		points++;
		any = 1;
	}
	/* Anything but white space left is cut off. */
	for (; i < n; i++)
		if (strchr(" \t\n\r\v\f", s[i]) == NULL) {
			ts_html_lit(h, "\xE2\x80\xA6");
			break;
		}
}
