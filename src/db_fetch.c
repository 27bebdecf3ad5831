/*
 * A statement's result set, fetched into a struct ts_db_rows: every value
 * as text in memory the rows own (include/db_fetch.h).
 *
 * What a statement's result needs to be fetched (its columns' types, the
 * MYSQL_BIND array, the length and NULL flags, the fetch buffers) is made
 * on the statement's first run and kept with the statement until it is
 * closed: a page costs no allocation for it. It is checked against the
 * columns the server describes on every run, and made again if they differ
 * (a column's type may follow a parameter's).
 *
 * Rows are read as they come (no mysql_stmt_store_result): libmariadb
 * hands each row over from its network buffer, with no copy of the whole
 * result and no pass over it for each column's longest value. A text
 * column's fetch buffer is as long as the longest value the statement has
 * met there (within limits); a longer value is fetched again whole,
 * straight into the rows' text. The caller drops whatever a failure leaves
 * unread (mysql_stmt_free_result), so the connection is never left in the
 * middle of a result.
 */
#include <mysql.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_fetch.h"

/* Smallest fetch buffer of a text column. */
#define TS_DB_MIN_COLUMN_BUFFER 64
/*
 * Largest fetch buffer of a text column: a longer value is fetched again
 * whole, straight into the rows' memory, so the buffers a statement keeps
 * stay small (at most this much a column) whatever it once read.
 */
#define TS_DB_MAX_COLUMN_BUFFER 4096
/* Room for a first result's text, before a statement has a size to go by. */
#define TS_DB_FIRST_TEXT_ROOM 4096
/*
 * Most text room a statement's next result starts with, whatever its last
 * result asked for: a larger result grows its block as its rows come.
 */
#define TS_DB_MAX_TEXT_HINT (256 * 1024)
/* The same for the rows a result's cells start with room for. */
#define TS_DB_MAX_ROWS_HINT 256

/* How a column is fetched. */
enum column_kind {
	COL_TEXT,       /* as text, into a slice of the fetch buffer */
	COL_INT,        /* as a 64-bit integer, its text written by int_text() */
	COL_DATETIME    /* as MYSQL_TIME, its text written by datetime_text() */
};

/* The longest text of a 64-bit integer: 20 digits, or "-" and 19. */
#define TS_DB_INT_TEXT_MAX 20

/* One column as the server describes it, and how it is fetched. */
struct column {
	enum enum_field_types type;
	unsigned int flags;
	unsigned int decimals;
	enum column_kind kind;
	unsigned char digits;   /* COL_DATETIME: fractional digits of its text */
	unsigned long want;     /* COL_TEXT: its fetch buffer, the longest value met (bounded) */
};

struct ts_db_fetch {
	unsigned int ncols;
	struct column *cols;
	MYSQL_BIND *binds;
	unsigned long *lens;
	my_bool *nulls;
	char *buf;              /* the columns' slices, each 8-byte aligned */
	size_t buf_size;
	size_t text_hint;       /* bytes of text the last result asked room for */
	size_t rows_hint;       /* rows the last result had */
};

/* The rows being fetched: their cells and their text grow as rows come. */
struct builder {
	struct ts_db_rows *out;
	size_t rows_cap;        /* rows out->cells has room for */
	size_t used;            /* bytes of out->text written */
	size_t cap;             /* bytes out->text has room for */
	size_t peak;            /* the most room the text was asked for */
};

/*
 * DATETIME and TIMESTAMP columns are fetched as MYSQL_TIME and written out
 * as text here: libmariadb's own conversion to text costs two sprintf calls
 * a value, about a tenth of a page's CPU. The text is the one libmariadb
 * would give: "YYYY-MM-DD HH:MM:SS", then "." and as many fractional digits
 * as the column declares (3 for our DATETIME(3) columns).
 */
static int
is_datetime(enum enum_field_types t)
{
	return t == MYSQL_TYPE_DATETIME || t == MYSQL_TYPE_TIMESTAMP;
}

/* "00" to "99": numbers are written two digits a division. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Writes v % 100 as two digits. */
static char *
put_pair(char *p, unsigned long v)
{
	memcpy(p, &digit_pairs[2 * (v % 100)], 2);
	return p + 2;
}

/* The text of t with decimals fractional digits (at most 6); its length. */
static size_t
datetime_text(const MYSQL_TIME *t, unsigned int decimals, char *out)
{
	char *p = out;

	p = put_pair(p, t->year / 100);
	p = put_pair(p, t->year);
	*p++ = '-';
	p = put_pair(p, t->month);
	*p++ = '-';
	p = put_pair(p, t->day);
	*p++ = ' ';
	p = put_pair(p, t->hour);
	*p++ = ':';
	p = put_pair(p, t->minute);
	*p++ = ':';
	p = put_pair(p, t->second);
	if (decimals > 0 && decimals <= 6) {
		unsigned long us = t->second_part % 1000000;
		char micro[6];

		put_pair(micro, us / 10000);
		put_pair(micro + 2, us / 100);
		put_pair(micro + 4, us);
		*p++ = '.';
		memcpy(p, micro, decimals);
		p += decimals;
	}
	return (size_t)(p - out);
}

/*
 * Integer columns are fetched as 64-bit integers and written out as text
 * here: libmariadb's conversion to text (ma_ll2str into an alloca'd buffer,
 * then the string path) costs several times as much. The text is the one
 * libmariadb would give: the decimal digits, "-" first when negative.
 */
static int
is_integer(enum enum_field_types t, unsigned int flags)
{
	/* ZEROFILL pads the text to the column's width: left to libmariadb. */
	if (flags & ZEROFILL_FLAG)
		return 0;
	return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_INT24 ||
	    t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_LONGLONG;
}

/* Writes v in decimal; its length. */
static size_t
ull_text(unsigned long long v, char *out)
{
	unsigned long long bound = 10;
	size_t n = 1, k;

	/* The digits are counted first, so they go straight to their place. */
	while (n < TS_DB_INT_TEXT_MAX && v >= bound) {
		n++;
		if (n < TS_DB_INT_TEXT_MAX)
			bound *= 10;
	}
	for (k = n; v >= 10; v /= 100, k -= 2)
		memcpy(&out[k - 2], &digit_pairs[2 * (v % 100)], 2);
	if (k == 1)
		out[0] = (char)('0' + v);
	return n;
}

/* The text of the integer fetched into buf, of a column unsigned or not; its length. */
static size_t
int_text(const void *buf, int is_unsigned, char *out)
{
	long long v;

	memcpy(&v, buf, sizeof(v));
	if (is_unsigned || v >= 0)
		return ull_text((unsigned long long)v, out);
	*out = '-';
	return 1 + ull_text(0 - (unsigned long long)v, out + 1);
}

/* The most room column i's value takes as text (a NULL none). */
static size_t
value_room(const struct ts_db_fetch *f, unsigned int i)
{
	if (f->nulls[i])
		return 0;
	if (f->cols[i].kind == COL_INT)
		return TS_DB_INT_TEXT_MAX;
	if (f->cols[i].kind == COL_DATETIME)
		return 19 + (f->cols[i].digits > 0 ? 1 + (size_t)f->cols[i].digits : 0);
	return f->lens[i];
}

/*
 * Writes column i's value of the fetched row as text at p; its length. A
 * value longer than its buffer (MYSQL_DATA_TRUNCATED) is fetched again
 * whole, never cut. (size_t)-1 when that fails.
 */
static size_t
put_value(MYSQL_STMT *s, struct ts_db_fetch *f, unsigned int i, char *p)
{
	const MYSQL_BIND *b = &f->binds[i];
	MYSQL_BIND whole;

	if (f->cols[i].kind == COL_INT)
		return int_text(b->buffer, b->is_unsigned, p);
	if (f->cols[i].kind == COL_DATETIME)
		return datetime_text(b->buffer, f->cols[i].digits, p);
	if (f->lens[i] <= b->buffer_length) {
		memcpy(p, b->buffer, f->lens[i]);
		return f->lens[i];
	}
	/* The statement's next results get a buffer this long here, bounded. */
	if (f->cols[i].want < TS_DB_MAX_COLUMN_BUFFER)
		f->cols[i].want = f->lens[i] < TS_DB_MAX_COLUMN_BUFFER ? f->lens[i] : TS_DB_MAX_COLUMN_BUFFER;
	memset(&whole, 0, sizeof(whole));
	whole.buffer_type = MYSQL_TYPE_STRING;
	whole.buffer = p;
	whole.buffer_length = f->lens[i];
	if (mysql_stmt_fetch_column(s, &whole, i, 0) != 0)
		return (size_t)-1;
	return f->lens[i];
}

/* Room in b's cells for one more row; -1 out of memory. */
static int
room_for_cells(struct builder *b)
{
	struct ts_db_rows *r = b->out;
	struct ts_db_cell *cells;
	size_t n = b->rows_cap > 0 ? 2 * b->rows_cap : 8;

	if (r->nrows < b->rows_cap)
		return 0;
	if (r->ncols == 0 || n > SIZE_MAX / sizeof(*cells) / r->ncols)
		return -1;
	if ((cells = realloc(r->cells, n * r->ncols * sizeof(*cells))) == NULL)
		return -1;
	r->cells = cells;
	b->rows_cap = n;
	return 0;
}

/*
 * Room in b's text for room more bytes; -1 out of memory. A larger block
 * takes the text written so far, and the cells of the rows taken so far
 * are pointed at it.
 */
static int
room_for_text(struct builder *b, size_t room)
{
	struct ts_db_rows *r = b->out;
	size_t n = 2 * b->cap, i;
	char *text;

	if (room > SIZE_MAX / 2 - b->used)
		return -1;
	/* A row asks room for the longest text of each of its numbers: the
	 * next result starts with all the room this one asked for. */
	if (b->peak < b->used + room)
		b->peak = b->used + room;
	if (r->text != NULL && b->cap - b->used >= room)
		return 0;
	if (n < b->used + room)
		n = b->used + room;
	if (n < TS_DB_FIRST_TEXT_ROOM)
		n = TS_DB_FIRST_TEXT_ROOM;
	if ((text = malloc(n)) == NULL)
		return -1;
	if (b->used > 0)
		memcpy(text, r->text, b->used);
	for (i = 0; i < r->nrows * r->ncols; i++)
		if (r->cells[i].data != NULL)
			r->cells[i].data = text + (r->cells[i].data - r->text);
	free(r->text);
	r->text = text;
	b->cap = n;
	return 0;
}

/*
 * Appends the fetched row to b: its values as text at the end of the
 * rows' one block of text, its cells pointing there. One allocation for a
 * whole result in the usual case, rather than one a row.
 */
static enum ts_db_fetch_status
take_row(MYSQL_STMT *s, struct ts_db_fetch *f, struct builder *b)
{
	struct ts_db_rows *r = b->out;
	struct ts_db_cell *cells;
	size_t room = 0;
	unsigned int i;
	char *p;

	for (i = 0; i < f->ncols; i++)
		if (!f->nulls[i])
			room += value_room(f, i) + 1;
	if (room_for_cells(b) != 0 || room_for_text(b, room) != 0)
		return TS_DB_FETCH_NOMEM;
	cells = &r->cells[r->nrows * r->ncols];
	p = r->text + b->used;
	for (i = 0; i < f->ncols; i++) {
		size_t len;

		if (f->nulls[i]) {
			cells[i].data = NULL;
			cells[i].len = 0;
			continue;
		}
		if ((len = put_value(s, f, i, p)) == (size_t)-1)
			return TS_DB_FETCH_CLIENT_ERROR;
		p[len] = '\0';
		cells[i].data = p;
		cells[i].len = (unsigned long)len;
		p += len + 1;
	}
	/* Only now is the row counted: a row cut short is never read. */
	r->nrows++;
	b->used = (size_t)(p - r->text);
	return TS_DB_FETCH_OK;
}

void
ts_db_fetch_free(struct ts_db_fetch *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	free(f->binds);
	free(f->lens);
	free(f->nulls);
	free(f->cols);
	free(f);
}

/* Whether f was made for these columns. */
static int
same_columns(const struct ts_db_fetch *f, const MYSQL_FIELD *fields, unsigned int ncols)
{
	unsigned int i;

	if (f->ncols != ncols)
		return 0;
	for (i = 0; i < ncols; i++)
		if (f->cols[i].type != fields[i].type || f->cols[i].flags != fields[i].flags ||
		    f->cols[i].decimals != fields[i].decimals)
			return 0;
	return 1;
}

/* What a result of these columns needs, with no fetch buffer yet; NULL out of memory. */
static struct ts_db_fetch *
fetch_new(const MYSQL_FIELD *fields, unsigned int ncols)
{
	struct ts_db_fetch *f = calloc(1, sizeof(*f));
	unsigned int i;

	if (f == NULL)
		return NULL;
	f->ncols = ncols;
	f->cols = calloc(ncols, sizeof(*f->cols));
	f->binds = calloc(ncols, sizeof(*f->binds));
	f->lens = calloc(ncols, sizeof(*f->lens));
	f->nulls = calloc(ncols, sizeof(*f->nulls));
	if (f->cols == NULL || f->binds == NULL || f->lens == NULL || f->nulls == NULL) {
		ts_db_fetch_free(f);
		return NULL;
	}
	for (i = 0; i < ncols; i++) {
		struct column *c = &f->cols[i];

		c->type = fields[i].type;
		c->flags = fields[i].flags;
		c->decimals = fields[i].decimals;
		c->kind = is_datetime(c->type) ? COL_DATETIME :
		    is_integer(c->type, c->flags) ? COL_INT : COL_TEXT;
		c->digits = c->kind == COL_DATETIME && c->decimals <= 6 ? (unsigned char)c->decimals : 0;
		c->want = TS_DB_MIN_COLUMN_BUFFER;
		f->binds[i].buffer_type = c->kind == COL_DATETIME ? MYSQL_TYPE_DATETIME :
		    c->kind == COL_INT ? MYSQL_TYPE_LONGLONG : MYSQL_TYPE_STRING;
		f->binds[i].is_unsigned = (c->flags & UNSIGNED_FLAG) != 0;
		f->binds[i].length = &f->lens[i];
		f->binds[i].is_null = &f->nulls[i];
	}
	return f;
}

/* The fetch buffer a column takes. */
static unsigned long
column_buffer_size(const struct column *c)
{
	if (c->kind == COL_DATETIME)
		return sizeof(MYSQL_TIME);
	if (c->kind == COL_INT)
		return sizeof(long long);
	return c->want;
}

/* Rounded up: a MYSQL_TIME slice must be aligned for its members. */
static size_t
slice_size(unsigned long buffer_length)
{
	return ((size_t)buffer_length + 1 + 7) & ~(size_t)7;
}

/*
 * Points the binds at slices of f's fetch buffer, each as long as the
 * longest value the statement has met in its column (bounded), and binds
 * them to s. The buffer only grows, and is made again only when a longer
 * value was met.
 */
static enum ts_db_fetch_status
bind_buffers(struct ts_db_fetch *f, MYSQL_STMT *s)
{
	size_t total = 0;
	unsigned int i;
	char *p;

	for (i = 0; i < f->ncols; i++) {
		f->binds[i].buffer_length = column_buffer_size(&f->cols[i]);
		total += slice_size(f->binds[i].buffer_length);
	}
	if (total > f->buf_size) {
		free(f->buf);
		f->buf_size = 0;
		if ((f->buf = malloc(total)) == NULL)
			return TS_DB_FETCH_NOMEM;
		f->buf_size = total;
	}
	p = f->buf;
	for (i = 0; i < f->ncols; i++) {
		f->binds[i].buffer = p;
		p += slice_size(f->binds[i].buffer_length);
	}
	if (mysql_stmt_bind_result(s, f->binds) != 0)
		return TS_DB_FETCH_CLIENT_ERROR;
	return TS_DB_FETCH_OK;
}

enum ts_db_fetch_status
ts_db_fetch_all(struct ts_db_fetch **fp, MYSQL_STMT *s, struct ts_db_rows *out)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(s);
	const MYSQL_FIELD *fields;
	struct ts_db_fetch *f;
	struct builder b;
	enum ts_db_fetch_status st = TS_DB_FETCH_NOMEM;
	unsigned int ncols;
	int rc;

	memset(out, 0, sizeof(*out));
	if (meta == NULL)
		return TS_DB_FETCH_OK;  /* the statement has no result set */
	fields = mysql_fetch_fields(meta);
	ncols = mysql_num_fields(meta);
	if (*fp != NULL && !same_columns(*fp, fields, ncols)) {
		ts_db_fetch_free(*fp);
		*fp = NULL;
	}
	if (*fp == NULL && (*fp = fetch_new(fields, ncols)) == NULL)
		goto out;
	f = *fp;
	if ((st = bind_buffers(f, s)) != TS_DB_FETCH_OK)
		goto out;
	out->ncols = f->ncols;
	memset(&b, 0, sizeof(b));
	b.out = out;
	/* Sized at once for as many rows and as much text as the last result. */
	if (f->rows_hint > 0) {
		if ((out->cells = malloc(f->rows_hint * out->ncols * sizeof(*out->cells))) == NULL ||
		    (out->text = malloc(f->text_hint + 1)) == NULL) {
			st = TS_DB_FETCH_NOMEM;
			goto out;
		}
		b.rows_cap = f->rows_hint;
		b.cap = f->text_hint + 1;
	}
	while ((rc = mysql_stmt_fetch(s)) == 0 || rc == MYSQL_DATA_TRUNCATED)
		if ((st = take_row(s, f, &b)) != TS_DB_FETCH_OK)
			goto out;
	if (rc == 1) {
		st = TS_DB_FETCH_CLIENT_ERROR;
		goto out;
	}
	f->rows_hint = out->nrows < TS_DB_MAX_ROWS_HINT ? out->nrows : TS_DB_MAX_ROWS_HINT;
	f->text_hint = b.peak < TS_DB_MAX_TEXT_HINT ? b.peak : TS_DB_MAX_TEXT_HINT;
	st = TS_DB_FETCH_OK;
out:
	mysql_free_result(meta);
	if (st != TS_DB_FETCH_OK)
		ts_db_rows_free(out);
	return st;
}
