/*
 * Strict JSON input (RFC 8259) on top of json-c 0.16.
 *
 * json-c's tokener, even with JSON_TOKENER_STRICT, accepts single-quoted
 * strings, NaN, Infinity, "1.", raw control characters in strings, overlong
 * and surrogate UTF-8, lone surrogate escapes (it turns them into U+FFFD) and
 * repeated keys (the last one wins). So a body goes through three steps:
 *
 *  1. A lexical pass over the raw bytes (lex_check) that accepts exactly the
 *     tokens of RFC 8259: strings with valid escapes, well-formed UTF-8 and
 *     paired surrogates; numbers of the JSON grammar; true, false and null;
 *     the six structural characters and the four whitespace characters.
 *     Anything else outside a string (a quote ', a comment's /, a NUL, a
 *     letter, a byte order mark) is refused here. It also counts the ':'
 *     outside strings.
 *     And it measures the nesting depth itself: json-c's own depth counts
 *     the value inside the innermost container as one more level, so an
 *     empty innermost container ("[[]]") gets one level more than one with
 *     something in it ("[[1]]").
 *  2. json-c's strict tokener for the structure (commas, colons, nesting),
 *     with the end of the value required to be the end of the buffer apart
 *     from whitespace.
 *  3. The repeated-key check. In text both passes accept, every ':' outside a
 *     string separates the name and value of exactly one object member, so
 *     the colon count is the number of members written. json-c's tokener adds
 *     each member with json_object_object_add, which replaces the value of a
 *     key already present instead of adding a second entry; so the number of
 *     entries over all parsed objects is the number of distinct keys per
 *     object. The two counts are equal exactly when no object repeats a key.
 *     Keys compare as json-c stores them, after unescaping ("a" equals
 *     "\u0061"). A key holding \u0000 would be cut at the NUL by json-c (keys
 *     are C strings), so step 1 refuses such keys outright; or, for a request
 *     body, notes them for a 422 and hands json-c a copy of the text in which
 *     they cannot be cut (uncut_keys): a cut key could collide with another
 *     and silently drop a member, and with it whatever repeated key or flaw
 *     that member held.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hexdigit.h"
#include "json_in.h"

/*
 * Ceiling on the max_depth argument: json-c allocates one parser stack entry
 * per level up front. Only guards against a programming mistake; callers pass
 * small constants (TS_MAX_JSON_DEPTH).
 */
#define JSON_IN_DEPTH_CEILING 1024

struct lexer {
	const unsigned char	*p;     /* next unread byte */
	const unsigned char	*end;   /* one past the last byte */
	size_t			 colons; /* ':' seen outside strings */
	int			 depth;  /* containers open at p */
	int			 max_depth;
	size_t			 numbers; /* number tokens seen */
	size_t			 objects; /* '{' seen */
	/* open_object[d]: the ordinal of the object open at depth d (1 is the
	 * outermost level), 0 for an array */
	size_t			 open_object[JSON_IN_DEPTH_CEILING + 1];
	struct ts_json_flaws	*flaws;  /* NULL: a key with \u0000 is invalid */
};

static int
is_json_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The code unit of the escape "\uXXXX" starting at p, or -1 when fewer than
 * six bytes remain or the four digits are not hexadecimal.
 */
static long
u_escape(const unsigned char *p, const unsigned char *end)
{
	long u = 0;
	int i, h;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((h = ts_hex_digit(p[i])) < 0)
			return -1;
		u = u * 16 + h;
	}
	return u;
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629, the table in its
 * section 4: no overlong forms, no surrogates, nothing above U+10FFFF), or 0
 * when the bytes at p do not start one.
 */
static size_t
utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

int
ts_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n;

	while (p < end) {
		if ((n = utf8_sequence(p, end)) == 0 || *p == '\0')
			return 0;
		p += n;
	}
	return 1;
}

/*
 * Consumes the string whose opening quote is at lx->p. Sets *has_nul when it
 * holds the escape \u0000. Returns 0, or -1 when it is not a valid string.
 */
static int
lex_string(struct lexer *lx, int *has_nul)
{
	const unsigned char *p = lx->p + 1, *end = lx->end;
	long u, low;
	size_t n;

	*has_nul = 0;
	for (;;) {
		if (p == end)
			return -1;
		if (*p == '"')
			break;
		if (*p < 0x20)
			return -1;
		if (*p >= 0x80) {
			if ((n = utf8_sequence(p, end)) == 0)
				return -1;
			p += n;
			continue;
		}
		if (*p != '\\') {
			p++;
			continue;
		}
		if (end - p < 2)
			return -1;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			p += 2;
			continue;
		case 'u':
			break;
		default:
			return -1;
		}
		if ((u = u_escape(p, end)) < 0)
			return -1;
		p += 6;
		if (u >= 0xDC00 && u <= 0xDFFF)
			return -1;      /* a low surrogate without its high half */
		if (u >= 0xD800 && u <= 0xDBFF) {
			low = u_escape(p, end);
			if (low < 0xDC00 || low > 0xDFFF)
				return -1;  /* a high surrogate without its low half */
			p += 6;
		}
		if (u == 0)
			*has_nul = 1;
	}
	lx->p = p + 1;
	return 0;
}

/* Consumes a number of the RFC 8259 grammar starting at lx->p. */
static int
lex_number(struct lexer *lx)
{
	const unsigned char *p = lx->p, *end = lx->end;

	if (*p == '-')
		p++;
	if (p == end || !is_digit(*p))
		return -1;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p == end || !is_digit(*p))
			return -1;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !is_digit(*p))
			return -1;
		while (p < end && is_digit(*p))
			p++;
	}
	lx->p = p;
	return 0;
}

/*
 * Whether the number token [p, end) is an integer literal that json-c cannot
 * hold: below INT64_MIN or above UINT64_MAX, which json-c 0.16 clamps
 * silently. Literals have no leading zeros, so length orders them.
 */
static int
integer_beyond_64_bits(const unsigned char *p, const unsigned char *end)
{
	static const char min_mag[] = "9223372036854775808";
	static const char max_pos[] = "18446744073709551615";
	const char *limit = max_pos;
	size_t n, lim;

	if (memchr(p, '.', (size_t)(end - p)) != NULL || memchr(p, 'e', (size_t)(end - p)) != NULL ||
	    memchr(p, 'E', (size_t)(end - p)) != NULL)
		return 0;
	if (*p == '-') {
		p++;
		limit = min_mag;
	}
	n = (size_t)(end - p);
	lim = strlen(limit);
	return n > lim || (n == lim && memcmp(p, limit, n) > 0);
}

/* Consumes true, false or null (exactly, lower case) starting at lx->p. */
static int
lex_literal(struct lexer *lx)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i, n, left = (size_t)(lx->end - lx->p);

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (left >= n && memcmp(lx->p, words[i], n) == 0) {
			lx->p += n;
			return 0;
		}
	}
	return -1;
}

/*
 * Whether the byte at lx->p may follow a number or a literal: anything else
 * ("01", "1.2.3", "truex", "1e5e") would glue two tokens together.
 */
static int
at_delimiter(const struct lexer *lx)
{
	unsigned char c;

	if (lx->p == lx->end)
		return 1;
	c = *lx->p;
	return is_json_ws(c) || c == ',' || c == ']' || c == '}' || c == ':';
}

/* Whether the string just consumed is an object key (a ':' follows). */
static int
is_key(const struct lexer *lx)
{
	const unsigned char *q;

	for (q = lx->p; q < lx->end && is_json_ws(*q); q++)
		continue;
	return q < lx->end && *q == ':';
}

/*
 * A key holding \u0000: json-c would cut it at the NUL (keys are C strings).
 * Without flaws to record it in, the text is refused (-1); else the object
 * holding the first such key is noted and the caller answers 422.
 */
static int
note_nul_key(struct lexer *lx)
{
	if (lx->flaws == NULL)
		return -1;
	if (lx->flaws->nul_key_object == 0)
		lx->flaws->nul_key_object = lx->open_object[lx->depth];
	return 0;
}

/*
 * Step 1: TS_JSON_OK when every byte of the input is part of a JSON token or
 * whitespace and containers nest at most lx->max_depth deep.
 */
static enum ts_json_status
lex_check(struct lexer *lx)
{
	const unsigned char *q;
	size_t tokens = 0;
	int has_nul;

	while (lx->p < lx->end) {
		if (is_json_ws(*lx->p)) {
			lx->p++;
			continue;
		}
		tokens++;
		switch (*lx->p) {
		case '{':
		case '[':
			if (++lx->depth > lx->max_depth)
				return TS_JSON_TOO_DEEP;
			lx->open_object[lx->depth] = *lx->p == '{' ? ++lx->objects : 0;
			lx->p++;
			break;
		case '}':
		case ']':
			if (--lx->depth < 0)
				return TS_JSON_INVALID;
			lx->p++;
			break;
		case ':':
			lx->colons++;
			/* FALLTHROUGH */
		case ',':
			lx->p++;
			break;
		case '"':
			if (lex_string(lx, &has_nul) == -1)
				return TS_JSON_INVALID;
			if (has_nul && is_key(lx) && note_nul_key(lx) != 0)
				return TS_JSON_INVALID;
			break;
		case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			q = lx->p;
			if (lex_number(lx) == -1 || !at_delimiter(lx))
				return TS_JSON_INVALID;
			lx->numbers++;
			if (lx->flaws != NULL && lx->flaws->big_int == 0 &&
			    integer_beyond_64_bits(q, lx->p))
				lx->flaws->big_int = lx->numbers;
			break;
		case 't':
		case 'f':
		case 'n':
			if (lex_literal(lx) == -1 || !at_delimiter(lx))
				return TS_JSON_INVALID;
			break;
		default:
			return TS_JSON_INVALID;
		}
	}
	return tokens > 0 ? TS_JSON_OK : TS_JSON_INVALID;
}

/*
 * Whether p, inside a lexically checked string, starts the escape \u with
 * these four hex digits. Only used for 0000 and 0001, whose digits have no
 * case.
 */
static int
is_escape_of(const unsigned char *p, const char *digits)
{
	return p[0] == '\\' && p[1] == 'u' && memcmp(p + 2, digits, 4) == 0;
}

/*
 * Copies the string token [p, end) (quotes included) to out + *o, rewriting,
 * in a key, \u0000 as \u0001\u0001 and \u0001 as \u0001\u0002: keys then hold
 * no NUL for json-c to cut at, and two keys are equal after the rewrite
 * exactly when they were before (U+0001 can only be written as \u0001 in a
 * valid string). *o advances over what was written.
 */
static void
copy_string(const unsigned char *p, const unsigned char *end, int key, char *out, size_t *o)
{
	while (p < end) {
		if (key && is_escape_of(p, "0000")) {
			memcpy(out + *o, "\\u0001\\u0001", 12);
			*o += 12;
			p += 6;
		} else if (key && is_escape_of(p, "0001")) {
			memcpy(out + *o, "\\u0001\\u0002", 12);
			*o += 12;
			p += 6;
		} else {
			/* An escaped quote or backslash is copied whole. */
			if (*p == '\\')
				out[(*o)++] = (char)*p++;
			out[(*o)++] = (char)*p++;
		}
	}
}

/*
 * The text with keys rewritten by copy_string, for text that lex_check
 * accepted; malloc'd (the caller frees), its length in *outlen, or NULL out
 * of memory.
 */
static char *
uncut_keys(const char *text, size_t len, size_t *outlen)
{
	struct lexer lx;
	const unsigned char *start;
	size_t o = 0;
	int has_nul;
	char *out;

	/* A rewritten escape doubles: six bytes become twelve. */
	if ((out = malloc(2 * len + 1)) == NULL)
		return NULL;
	lx.p = (const unsigned char *)text;
	lx.end = lx.p + len;
	while (lx.p < lx.end) {
		if (*lx.p != '"') {
			out[o++] = (char)*lx.p++;
			continue;
		}
		start = lx.p;
		(void)lex_string(&lx, &has_nul);  /* valid: lex_check passed it */
		copy_string(start, lx.p, is_key(&lx), out, &o);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Entries of all the objects in the tree under o (o included). */
static size_t
count_members(struct json_object *o)
{
	struct json_object_iterator it, itend;
	size_t n = 0, i, len;

	switch (json_object_get_type(o)) {
	case json_type_object:
		it = json_object_iter_begin(o);
		itend = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &itend); json_object_iter_next(&it))
			n += 1 + count_members(json_object_iter_peek_value(&it));
		break;
	case json_type_array:
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += count_members(json_object_array_get_idx(o, i));
		break;
	default:
		break;
	}
	return n;
}

enum ts_json_status
ts_json_parse(const char *text, size_t len, int max_depth, struct json_object **out)
{
	return ts_json_parse_body(text, len, max_depth, out, NULL);
}

/*
 * Step 2: json-c's strict tokener over text[0..len), which must hold one
 * value and nothing but whitespace after it. *obj is the tree (NULL for the
 * literal null, or on failure).
 */
static enum ts_json_status
structure_check(const char *text, size_t len, int max_depth, struct json_object **obj)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	enum ts_json_status st = TS_JSON_INVALID;
	size_t end;

	*obj = NULL;
	/* json-c takes an int length. */
	if (len > (size_t)INT32_MAX)
		return TS_JSON_INVALID;
	/*
	 * json-c counts the value inside the innermost container as a level
	 * too: json_tokener_new_ex(n) admits n - 1 nested containers holding
	 * a value, n empty ones (measured on 0.16; its default of 32 admits
	 * 31). The lexer has enforced max_depth exactly; n = max_depth + 1
	 * only keeps json-c's own limit from refusing what is allowed.
	 */
	if ((tok = json_tokener_new_ex(max_depth + 1)) == NULL)
		return TS_JSON_NOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

	*obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (*obj == NULL && jerr == json_tokener_continue) {
		/*
		 * A number or literal that ends the buffer is complete only
		 * once json-c sees what follows it: hand it the NUL it would
		 * find after a C string. (An unfinished array or object
		 * fails here with json_tokener_error_parse_eof.)
		 */
		*obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	if (jerr != json_tokener_success) {
		st = jerr == json_tokener_error_depth ? TS_JSON_TOO_DEEP : TS_JSON_INVALID;
		goto out;
	}
	while (end < len && is_json_ws((unsigned char)text[end]))
		end++;
	if (end == len)
		st = TS_JSON_OK;
out:
	if (st != TS_JSON_OK) {
		json_object_put(*obj);
		*obj = NULL;
	}
	json_tokener_free(tok);
	return st;
}

enum ts_json_status
ts_json_parse_body(const char *text, size_t len, int max_depth, struct json_object **out,
    struct ts_json_flaws *flaws)
{
	struct lexer lx;
	struct json_object *obj = NULL;
	enum ts_json_status st = TS_JSON_INVALID;
	char *uncut = NULL;
	size_t uncut_len;

	*out = NULL;
	if (flaws != NULL)
		memset(flaws, 0, sizeof(*flaws));
	/* json-c takes an int length; bodies are capped far below that. */
	if (text == NULL || len == 0 || len > (size_t)INT32_MAX)
		goto out;

	if (max_depth < 0)
		max_depth = 0;
	if (max_depth > JSON_IN_DEPTH_CEILING)
		max_depth = JSON_IN_DEPTH_CEILING;
	lx.p = (const unsigned char *)text;
	lx.end = lx.p + len;
	lx.colons = 0;
	lx.depth = 0;
	lx.max_depth = max_depth;
	lx.numbers = 0;
	lx.objects = 0;
	lx.open_object[0] = 0;
	lx.flaws = flaws;
	if ((st = lex_check(&lx)) != TS_JSON_OK)
		goto out;

	/* Keys holding \u0000 (noted for a 422) go to json-c uncut. */
	if (flaws != NULL && flaws->nul_key_object != 0) {
		if ((uncut = uncut_keys(text, len, &uncut_len)) == NULL) {
			st = TS_JSON_NOMEM;
			goto out;
		}
		text = uncut;
		len = uncut_len;
	}
	if ((st = structure_check(text, len, max_depth, &obj)) != TS_JSON_OK)
		goto out;
	/* Step 3: as many members in the tree as the text wrote. */
	st = TS_JSON_INVALID;
	if (count_members(obj) != lx.colons)
		goto out;

	*out = obj;
	obj = NULL;
	st = TS_JSON_OK;
out:
	/* Flaws noted before a later step refused the text are not the caller's. */
	if (st != TS_JSON_OK && flaws != NULL)
		memset(flaws, 0, sizeof(*flaws));
	json_object_put(obj);
	free(uncut);
	return st;
}

int
ts_json_string_has_nul(struct json_object *str)
{
	const char *s;
	int len;

	if (!json_object_is_type(str, json_type_string))
		return 0;
	s = json_object_get_string(str);
	len = json_object_get_string_len(str);
	return len > 0 && memchr(s, '\0', (size_t)len) != NULL;
}

/* The walk of ts_json_find_flaw: document order, as the lexer counted. */
struct flaw_walk {
	const struct ts_json_flaws *flaws;
	size_t numbers, objects;
	struct json_object *path;       /* keys and indexes down to the node */
	const char *why;
};

static int walk_value(struct flaw_walk *w, struct json_object *o);

/* Descends into child under the path step `step` (taken over). */
static int
walk_child(struct flaw_walk *w, struct json_object *step, struct json_object *child)
{
	int r;

	if (step == NULL || json_object_array_add(w->path, step) != 0) {
		json_object_put(step);
		return -1;
	}
	if ((r = walk_value(w, child)) == 0)
		json_object_array_del_idx(w->path, json_object_array_length(w->path) - 1, 1);
	return r;
}

static int
walk_value(struct flaw_walk *w, struct json_object *o)
{
	struct json_object_iterator it, itend;
	size_t i, n;
	int r = 0;

	switch (json_object_get_type(o)) {
	case json_type_string:
		if (ts_json_string_has_nul(o))
			w->why = "must not contain \\u0000";
		return w->why != NULL;
	case json_type_int:
	case json_type_double:
		if (++w->numbers == w->flaws->big_int)
			w->why = "integer out of range";
		return w->why != NULL;
	case json_type_object:
		if (++w->objects == w->flaws->nul_key_object) {
			w->why = "a key must not contain \\u0000";
			return 1;
		}
		it = json_object_iter_begin(o);
		itend = json_object_iter_end(o);
		for (; r == 0 && !json_object_iter_equal(&it, &itend); json_object_iter_next(&it))
			r = walk_child(w, json_object_new_string(json_object_iter_peek_name(&it)),
			    json_object_iter_peek_value(&it));
		return r;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; r == 0 && i < n; i++)
			r = walk_child(w, json_object_new_int((int)i), json_object_array_get_idx(o, i));
		return r;
	default:
		return 0;
	}
}

int
ts_json_find_flaw(struct json_object *root, const struct ts_json_flaws *flaws,
    struct json_object *path, const char **why)
{
	struct flaw_walk w = { flaws, 0, 0, path, NULL };
	int r = walk_value(&w, root);

	*why = w.why;
	/* Never expected (the tree holds every member the text wrote), but a
	 * flaw the lexer noted must never be let through unreported. */
	if (r == 0 && (flaws->big_int != 0 || flaws->nul_key_object != 0)) {
		*why = flaws->nul_key_object != 0 ? "a key must not contain \\u0000" :
		    "integer out of range";
		return 1;
	}
	return r;
}
