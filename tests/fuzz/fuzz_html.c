/*
 * libFuzzer target: the share page's renderer of message text (src/page/
 * html.c), which writes what any message holds into a page. The input is
 * the message text (any bytes, invalid UTF-8 and NUL included); the share
 * token parser gets it too.
 *
 * Invariants, besides the sanitizers:
 *  - every "<" in the output opens or closes one of the renderer's own
 *    elements (div, pre, code, a with an http(s) href), so no text of the
 *    message becomes markup, and no quote leaves an attribute;
 *  - the output is valid UTF-8 without NUL or C0 controls but tab and LF;
 *  - escaping alone adds no "<", and a token that parses has the form made.
 */
#include "fuzz_common.h"
#include "html.h"
#include "share_token.h"

static const char *const allowed[] = {
	"<div class=\"text\">", "<div class=\"code\">", "<div class=\"lang\">", "</div>", "<pre><code>",
	"</code></pre>", "<a href=\"http://", "<a href=\"https://", "<a href=\"HTTP", "<a href=\"Http", "<a href=\"h",
	"<a href=\"H", "</a>", NULL
};

static void
check_markup(const char *s, size_t n)
{
	size_t i, k;
	int ok;

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(s[i] != '\0');
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 || s[i] == '\t' || s[i] == '\n');
		if (s[i] != '<')
			continue;
		for (ok = 0, k = 0; allowed[k] != NULL && !ok; k++)
			ok = strncmp(s + i, allowed[k], strlen(allowed[k])) == 0;
		FUZZ_CHECK(ok);
		if (strncmp(s + i, "<a href=\"", 9) == 0) {
			/* the href is an http(s) address, ended by the quote the
			 * renderer wrote, followed by its own rel */
			const char *end = strchr(s + i + 9, '"');

			FUZZ_CHECK(end != NULL);
			FUZZ_CHECK(strncasecmp(s + i + 9, "http://", 7) == 0 ||
			    strncasecmp(s + i + 9, "https://", 8) == 0);
			FUZZ_CHECK(memchr(s + i + 9, '<', (size_t)(end - (s + i + 9))) == NULL);
			FUZZ_CHECK(strncmp(end, "\" rel=\"nofollow noopener noreferrer ugc\">", 41) == 0);
			i = (size_t)(end - s) + 40;
		} else {
			i += strlen(allowed[k - 1]) - 1;        /* past the element's own "<" */
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char hash[TS_SHARE_HASH_BYTES];
	struct ts_html h;
	char *s = fuzz_cstring(data, size);

	ts_html_init(&h, size * 24 + 4096);
	ts_html_message(&h, (const char *)data, size);
	FUZZ_CHECK(!h.over);
	check_markup(h.data != NULL ? h.data : "", h.len);
	ts_html_truncate(&h, 0);
	ts_html_escape(&h, (const char *)data, size);
	FUZZ_CHECK(!h.over);
	FUZZ_CHECK(h.len == 0 || memchr(h.data, '<', h.len) == NULL);
	FUZZ_CHECK(h.len == 0 || memchr(h.data, '"', h.len) == NULL);
	ts_html_truncate(&h, 0);
	ts_html_excerpt(&h, (const char *)data, size, 200);
	FUZZ_CHECK(h.len == 0 || memchr(h.data, '<', h.len) == NULL);
	ts_html_free(&h);
	if (ts_share_token_hash(s, strlen(s), hash) == 0)
		FUZZ_CHECK(strlen(s) == TS_SHARE_TOKEN_LEN);
	free(s);
	return 0;
}
