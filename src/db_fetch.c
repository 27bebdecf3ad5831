/*
 * A statement's result set, fetched into a struct ts_db_rows: every value
 * as text in memory the rows own (include/db_fetch.h).
 */
#include <mysql.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_fetch.h"

/* Initial fetch buffer per column; longer values are fetched again whole. */
#define TS_DB_MIN_COLUMN_BUFFER 64

/*
 * DATETIME and TIMESTAMP columns are fetched as MYSQL_TIME and written out
 * as text here: libmariadb's own conversion to text costs two sprintf calls
 * a value, about a tenth of a page's CPU. The text is the one libmariadb
 * would give: "YYYY-MM-DD HH:MM:SS", then "." and as many fractional digits
 * as the column declares (3 for our DATETIME(3) columns).
 */
#define TS_DB_DATETIME_TEXT_MAX (sizeof("YYYY-MM-DD HH:MM:SS.ffffff") - 1)

static int
is_datetime(enum enum_field_types t)
{
	return t == MYSQL_TYPE_DATETIME || t == MYSQL_TYPE_TIMESTAMP;
}

/* Writes v as exactly n decimal digits (leading zeros; v < 10^n). */
static char *
put_digits(char *p, unsigned long v, unsigned int n)
{
	unsigned int i;

	for (i = n; i > 0; i--) {
		p[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* The text of t with decimals fractional digits (at most 6); its length. */
static size_t
datetime_text(const MYSQL_TIME *t, unsigned int decimals, char *out)
{
	char *p = out;

	p = put_digits(p, t->year % 10000, 4);
	*p++ = '-';
	p = put_digits(p, t->month % 100, 2);
	*p++ = '-';
	p = put_digits(p, t->day % 100, 2);
	*p++ = ' ';
	p = put_digits(p, t->hour % 100, 2);
	*p++ = ':';
	p = put_digits(p, t->minute % 100, 2);
	*p++ = ':';
	p = put_digits(p, t->second % 100, 2);
	if (decimals > 0 && decimals <= 6) {
		char micro[6];

		put_digits(micro, t->second_part % 1000000, 6);
		*p++ = '.';
		memcpy(p, micro, decimals);
		p += decimals;
	}
	return (size_t)(p - out);
}

/* The length of column i's value as text (a NULL counts nothing). */
static size_t
value_len(const MYSQL_BIND *b, const unsigned char *decimals, unsigned int i)
{
	if (*b[i].is_null)
		return 0;
	if (b[i].buffer_type == MYSQL_TYPE_DATETIME)
		return 19 + (decimals[i] > 0 && decimals[i] <= 6 ? 1 + (size_t)decimals[i] : 0);
	return *b[i].length;
}

/*
 * Copies the fetched row into one allocation, *store, that the row's cells
 * point into: one malloc a row rather than one a cell. A column longer than
 * its buffer (MYSQL_DATA_TRUNCATED) is fetched again whole, never cut.
 */
static int
take_row(MYSQL_STMT *s, const MYSQL_BIND *b, const unsigned char *decimals, unsigned int ncols,
    struct ts_db_cell *cells, char **store)
{
	size_t total = 1;
	unsigned int i;
	char *p;

	for (i = 0; i < ncols; i++)
		if (!*b[i].is_null)
			total += value_len(b, decimals, i) + 1;
	if ((p = *store = malloc(total)) == NULL)
		return -1;
	for (i = 0; i < ncols; i++) {
		unsigned long len = (unsigned long)value_len(b, decimals, i);

		if (*b[i].is_null) {
			cells[i].data = NULL;
			cells[i].len = 0;
			continue;
		}
		if (b[i].buffer_type == MYSQL_TYPE_DATETIME) {
			datetime_text(b[i].buffer, decimals[i], p);
		} else if (len <= b[i].buffer_length) {
			memcpy(p, b[i].buffer, len);
		} else {
			MYSQL_BIND whole;
			memset(&whole, 0, sizeof(whole));
			whole.buffer_type = MYSQL_TYPE_STRING;
			whole.buffer = p;
			whole.buffer_length = len;
			if (mysql_stmt_fetch_column(s, &whole, i, 0) != 0)
				return -1;
		}
		p[len] = '\0';
		cells[i].data = p;
		cells[i].len = len;
		p += len + 1;
	}
	return 0;
}

/* The fetch buffers of a result: per column, one slice of buf. */
struct fetch_state {
	MYSQL_BIND *binds;
	unsigned long *lens;
	my_bool *nulls;
	unsigned char *decimals;        /* per column: fractional digits of a DATETIME */
	char *buf;
	unsigned int ncols;
};

static void
fetch_state_free(struct fetch_state *f)
{
	free(f->buf);
	free(f->binds);
	free(f->lens);
	free(f->nulls);
	free(f->decimals);
}

/* The fetch buffer column i needs: a MYSQL_TIME for a DATETIME, else room
 * for its longest value (the result is stored with
 * STMT_ATTR_UPDATE_MAX_LENGTH), so values are rarely fetched twice. */
static unsigned long
column_buffer_size(const MYSQL_FIELD *field)
{
	if (is_datetime(field->type))
		return sizeof(MYSQL_TIME);
	return field->max_length > TS_DB_MIN_COLUMN_BUFFER ? field->max_length : TS_DB_MIN_COLUMN_BUFFER;
}

static int
fetch_state_init(struct fetch_state *f, MYSQL_RES *meta)
{
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	size_t total = 0;
	unsigned int i;
	char *p;

	memset(f, 0, sizeof(*f));
	f->ncols = mysql_num_fields(meta);
	f->binds = calloc(f->ncols, sizeof(*f->binds));
	f->lens = calloc(f->ncols, sizeof(*f->lens));
	f->nulls = calloc(f->ncols, sizeof(*f->nulls));
	f->decimals = calloc(f->ncols, sizeof(*f->decimals));
	if (f->binds == NULL || f->lens == NULL || f->nulls == NULL || f->decimals == NULL)
		return -1;
	for (i = 0; i < f->ncols; i++) {
		f->binds[i].buffer_length = column_buffer_size(&fields[i]);
		/* Rounded up: a MYSQL_TIME slice must be aligned for its members. */
		total += (f->binds[i].buffer_length + 1 + 7) & ~(size_t)7;
	}
	if ((p = f->buf = malloc(total)) == NULL)
		return -1;
	for (i = 0; i < f->ncols; i++) {
		int dt = is_datetime(fields[i].type);

		f->binds[i].buffer_type = dt ? MYSQL_TYPE_DATETIME : MYSQL_TYPE_STRING;
		f->decimals[i] = dt && fields[i].decimals <= 6 ? (unsigned char)fields[i].decimals : 0;
		f->binds[i].buffer = p;
		f->binds[i].length = &f->lens[i];
		f->binds[i].is_null = &f->nulls[i];
		p += (f->binds[i].buffer_length + 1 + 7) & ~(size_t)7;
	}
	return 0;
}

/*
 * Fetches the whole result set of an executed statement into out. On
 * failure out is empty and what is left of the result is the caller's to
 * drop (mysql_stmt_free_result), after reading the error.
 */
enum ts_db_fetch_status
ts_db_fetch_all(MYSQL_STMT *s, struct ts_db_rows *out)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(s);
	struct fetch_state f;
	my_bool update_max = 1;
	enum ts_db_fetch_status st = TS_DB_FETCH_NOMEM;
	size_t row = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (meta == NULL)
		return TS_DB_FETCH_OK;  /* the statement has no result set */
	mysql_stmt_attr_set(s, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	if (mysql_stmt_store_result(s) != 0) {
		st = TS_DB_FETCH_CLIENT_ERROR;
		goto out;
	}
	if (fetch_state_init(&f, meta) != 0)
		goto out;
	if (mysql_stmt_bind_result(s, f.binds) != 0) {
		st = TS_DB_FETCH_CLIENT_ERROR;
		goto out;
	}
	out->ncols = f.ncols;
	out->nrows = (size_t)mysql_stmt_num_rows(s);
	if (out->nrows > 0) {
		out->cells = calloc(out->nrows * out->ncols, sizeof(*out->cells));
		out->store = calloc(out->nrows, sizeof(*out->store));
		if (out->cells == NULL || out->store == NULL)
			goto out;
	}
	while ((rc = mysql_stmt_fetch(s)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		if (row >= out->nrows)
			break;
		if (take_row(s, f.binds, f.decimals, f.ncols, &out->cells[row * out->ncols], &out->store[row]) != 0)
			goto out;
		row++;
	}
	if (rc == 1) {
		st = TS_DB_FETCH_CLIENT_ERROR;
		goto out;
	}
	st = TS_DB_FETCH_OK;
out:
	fetch_state_free(&f);
	mysql_free_result(meta);
	if (st != TS_DB_FETCH_OK)
		ts_db_rows_free(out);
	return st;
}
