/* The share page's HTML (API reference: The share page): escaping, fenced
 * code, links, excerpts and the bounded buffer; and share link tokens. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "share_token.h"

/* The markup for text, as a new string in a static buffer. */
static const char *
render(void (*fn)(struct ts_html *, const char *, size_t), const char *text, size_t n)
{
	static char out[8192];
	struct ts_html h;

	ts_html_init(&h, sizeof(out) - 1);
	fn(&h, text, n);
	ck_assert_int_eq(h.over, 0);
	memcpy(out, h.data != NULL ? h.data : "", h.len);
	out[h.len] = '\0';
	ts_html_free(&h);
	return out;
}

#define ESC(s) render(ts_html_escape, s, sizeof(s) - 1)
#define MSG(s) render(ts_html_message, s, sizeof(s) - 1)

START_TEST(test_escape_every_special_character)
{
	ck_assert_str_eq(ESC("<script>alert('x')</script> & \"q\""),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	ck_assert_str_eq(ESC("plain text, tabs\tand\nlines"), "plain text, tabs\tand\nlines");
	ck_assert_str_eq(ESC("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}
END_TEST

START_TEST(test_escape_bad_utf8_and_controls_become_replacement)
{
	/* a lone continuation, an overlong "/", a surrogate, a cut sequence */
	ck_assert_str_eq(ESC("a\x80z"), "a\xEF\xBF\xBDz");
	ck_assert_str_eq(ESC("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(ESC("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(ESC("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(ESC("a\x01\x1b\x7f" "b"), "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	ck_assert_str_eq(ESC("\xC2\x85"), "\xEF\xBF\xBD");
	/* CR LF and a lone CR are line feeds */
	ck_assert_str_eq(ESC("a\r\nb\rc"), "a\nb\nc");
}
END_TEST

START_TEST(test_message_prose_keeps_its_lines)
{
	ck_assert_str_eq(MSG("one\n\ntwo  spaced"), "<div class=\"text\">one\n\ntwo  spaced</div>");
	ck_assert_str_eq(MSG(""), "");
	ck_assert_str_eq(MSG("<img src=x onerror=alert(1)>"),
	    "<div class=\"text\">&lt;img src=x onerror=alert(1)&gt;</div>");
}
END_TEST

START_TEST(test_message_fenced_code)
{
	ck_assert_str_eq(MSG("Look:\n```c\nif (a < b)\n\treturn \"x\";\n```\nDone."),
	    "<div class=\"text\">Look:</div><div class=\"code\"><div class=\"lang\">c</div><pre><code>"
	    "if (a &lt; b)\n\treturn &quot;x&quot;;</code></pre></div><div class=\"text\">Done.</div>");
	/* no language; CR LF lines; a fence of four backticks, indented by up to three spaces */
	ck_assert_str_eq(MSG("```\r\na\r\nb\r\n   ````"),
	    "<div class=\"code\"><pre><code>a\nb</code></pre></div>");
	/* the language is text too */
	ck_assert_str_eq(MSG("```<script>\nx"),
	    "<div class=\"code\"><div class=\"lang\">&lt;script&gt;</div><pre><code>x</code></pre></div>");
}
END_TEST

START_TEST(test_message_bad_unclosed_fence_runs_to_the_end)
{
	ck_assert_str_eq(MSG("a\n```\n</code></pre><script>"),
	    "<div class=\"text\">a</div><div class=\"code\"><pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"
	    "</code></pre></div>");
	/* two backticks, or four spaces before, are no fence */
	ck_assert_str_eq(MSG("``\n    ```"), "<div class=\"text\">``\n    ```</div>");
}
END_TEST

START_TEST(test_message_links_http_only)
{
	ck_assert_str_eq(MSG("see https://example.org/a?b=1&c=(2)."),
	    "<div class=\"text\">see <a href=\"https://example.org/a?b=1&amp;c=(2)\" "
	    "rel=\"nofollow noopener noreferrer ugc\">https://example.org/a?b=1&amp;c=(2)</a>.</div>");
	ck_assert_str_eq(MSG("(http://x.test/y)"),
	    "<div class=\"text\">(<a href=\"http://x.test/y\" rel=\"nofollow noopener noreferrer ugc\">"
	    "http://x.test/y</a>)</div>");
}
END_TEST

START_TEST(test_message_bad_schemes_are_never_links)
{
	ck_assert_str_eq(MSG("javascript:alert(1) data:text/html,<b> vbscript:x"),
	    "<div class=\"text\">javascript:alert(1) data:text/html,&lt;b&gt; vbscript:x</div>");
	/* a quote or an angle bracket ends an address: it cannot leave the attribute */
	ck_assert_str_eq(MSG("https://a.test/\"onmouseover=alert(1)"),
	    "<div class=\"text\"><a href=\"https://a.test/\" rel=\"nofollow noopener noreferrer ugc\">"
	    "https://a.test/</a>&quot;onmouseover=alert(1)</div>");
	ck_assert_str_eq(MSG("xhttps://a.test https:// http:"),
	    "<div class=\"text\">xhttps://a.test https:// http:</div>");
	/* inside a code block nothing is a link */
	ck_assert_str_eq(MSG("```\nhttps://a.test\n```"),
	    "<div class=\"code\"><pre><code>https://a.test</code></pre></div>");
}
END_TEST

START_TEST(test_excerpt)
{
	struct ts_html h;

	ts_html_init(&h, 1024);
	ts_html_excerpt(&h, "  Hello,\n\n  <world>  ", strlen("  Hello,\n\n  <world>  "), 200);
	ck_assert_str_eq(h.data, "Hello, &lt;world&gt;");
	ts_html_truncate(&h, 0);
	ts_html_excerpt(&h, "abc def", 7, 5);
	ck_assert_str_eq(h.data, "abc d\xE2\x80\xA6");
	ts_html_free(&h);
}
END_TEST

START_TEST(test_buffer_bad_over_its_maximum)
{
	struct ts_html h;
	size_t len;
	char *out;

	ts_html_init(&h, 8);
	ts_html_lit(&h, "12345678");
	ck_assert_int_eq(h.over, 0);
	ts_html_lit(&h, "9");
	ck_assert_int_eq(h.over, 1);
	ts_html_lit(&h, "x");
	ck_assert_uint_eq(h.len, 8);
	ck_assert_ptr_null(ts_html_take(&h, &len));
	ck_assert_uint_eq(len, 0);
	ts_html_lit(&h, "ok");
	out = ts_html_take(&h, &len);
	ck_assert_str_eq(out, "ok");
	free(out);
	ts_html_free(&h);
}
END_TEST

START_TEST(test_token_new_is_well_formed_and_hashes_as_parsed)
{
	char token[TS_SHARE_TOKEN_LEN + 1], other[TS_SHARE_TOKEN_LEN + 1];
	unsigned char hash[TS_SHARE_HASH_BYTES], again[TS_SHARE_HASH_BYTES], h2[TS_SHARE_HASH_BYTES];

	ck_assert_int_eq(ts_share_token_new(token, hash), 0);
	ck_assert_uint_eq(strlen(token), TS_SHARE_TOKEN_LEN);
	ck_assert_int_eq(ts_share_token_hash(token, strlen(token), again), 0);
	ck_assert_int_eq(ts_share_hash_equal(hash, again), 1);
	ck_assert_int_eq(ts_share_token_new(other, h2), 0);
	ck_assert_str_ne(token, other);
	ck_assert_int_eq(ts_share_hash_equal(hash, h2), 0);
}
END_TEST

START_TEST(test_token_bad_forms_are_refused)
{
	unsigned char hash[TS_SHARE_HASH_BYTES];
	char t[TS_SHARE_TOKEN_LEN + 2];

	memset(t, 'A', TS_SHARE_TOKEN_LEN);
	t[TS_SHARE_TOKEN_LEN] = '\0';
	ck_assert_int_eq(ts_share_token_hash(t, TS_SHARE_TOKEN_LEN, hash), 0);
	ck_assert_int_eq(ts_share_token_hash(t, TS_SHARE_TOKEN_LEN - 1, hash), -1);
	/* the last character's unused bits set: another spelling of a token */
	t[TS_SHARE_TOKEN_LEN - 1] = 'B';
	ck_assert_int_eq(ts_share_token_hash(t, TS_SHARE_TOKEN_LEN, hash), -1);
	t[TS_SHARE_TOKEN_LEN - 1] = 'A';
	t[5] = '+';
	ck_assert_int_eq(ts_share_token_hash(t, TS_SHARE_TOKEN_LEN, hash), -1);
	t[5] = '=';
	ck_assert_int_eq(ts_share_token_hash(t, TS_SHARE_TOKEN_LEN, hash), -1);
	ck_assert_int_eq(ts_share_token_hash(NULL, 0, hash), -1);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");
	TCase *tk = tcase_create("token");

	tcase_add_test(tc, test_escape_every_special_character);
	tcase_add_test(tc, test_escape_bad_utf8_and_controls_become_replacement);
	tcase_add_test(tc, test_message_prose_keeps_its_lines);
	tcase_add_test(tc, test_message_fenced_code);
	tcase_add_test(tc, test_message_bad_unclosed_fence_runs_to_the_end);
	tcase_add_test(tc, test_message_links_http_only);
	tcase_add_test(tc, test_message_bad_schemes_are_never_links);
	tcase_add_test(tc, test_excerpt);
	tcase_add_test(tc, test_buffer_bad_over_its_maximum);
	tcase_add_test(tk, test_token_new_is_well_formed_and_hashes_as_parsed);
	tcase_add_test(tk, test_token_bad_forms_are_refused);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tk);
	return s;
}

#include "check_main.h"
