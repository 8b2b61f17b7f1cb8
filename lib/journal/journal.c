/*
 * journal: the core every backend shares (see private.h): a journal's
 * state, its transactions and the counts they carry, and the statement
 * interface, which hands each call to the statement's backend.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/private.h"
#include "journal/seal.h"
#include "json/jsonscan.h"

int
journal_is_file(const char *where)
{
	return strncmp(where, "postgresql://", 13) != 0 &&
	    strncmp(where, "postgres://", 11) != 0;
}

struct journal *
journal_open(const char *path, char *err, size_t errsz, int *failure)
{
	struct journal *j;

	j = xcalloc(1, sizeof(*j));
	j->be = journal_is_file(path) ? &journal_sqlite : &journal_pg;
	j->path = xstrdup(path);
	if (j->be->open(j) != 0) {
		snprintf(err, errsz, "%s", j->err);
		if (failure != NULL)
			*failure = j->failure;
		journal_close(j);
		return NULL;
	}
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	j->be->close(j);
	journal_count_drop(j, 1);
	buf_release(&j->key_form);
	buf_wipe(&j->sealed);
	buf_release(&j->ids);
	free(j->keys);
	seal_free(j->seal);
	free(j->path);
	free(j);
}

int
journal_fail(struct journal *j, const char *what)
{
	return j->be->fail(j, what);
}

int
journal_refuse(struct journal *j, int status, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(j->err, sizeof(j->err), "journal '%s': ", j->path);
	if (n < 0 || (size_t)n >= sizeof(j->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(j->err + n, sizeof(j->err) - (size_t)n, fmt, ap);
	va_end(ap);
	j->busy = 0;
	j->failure = status;
	return -1;
}

int
journal_seal_row(struct seal *seal, const char *prefix, const char *id,
    const void *v, size_t n, struct buf *out)
{
	char aad[sizeof(AAD_CANONICAL) + ID_LEN];	/* the longest prefix */
	int len;

	len = snprintf(aad, sizeof(aad), "%s%s", prefix, id);
	buf_reset(out);
	if (len < 0 || (size_t)len >= sizeof(aad))
		return -1;
	return seal_value(seal, v, n, aad, (size_t)len, out);
}

int
journal_needs_escape(const void *v, size_t n)
{
	const unsigned char *b = v;

	return n > 0 && (b[0] == JOURNAL_PLAIN_ESCAPE || seal_is_sealed(b, n));
}

int
journal_escaped(const void *v, size_t n)
{
	const unsigned char *b = v;

	return n >= 2 && b[0] == JOURNAL_PLAIN_ESCAPE &&
	    (b[1] == JOURNAL_PLAIN_ESCAPE || b[1] == SEAL_VERSION);
}

/* s as SQLite's JSON functions quote a string. */
static void
add_sqlite_json_string(struct buf *out, const char *s, size_t n)
{
	static const char special[32] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
		['\r'] = 'r'
	};
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	size_t i;

	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
		} else if (c < 0x20 && special[c] != '\0') {
			buf_addc(out, '\\');
			buf_addc(out, special[c]);
		} else if (c < 0x20) {
			buf_add(out, "\\u00", 4);
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 0xf]);
		} else
			buf_addc(out, (char)c);
	}
	buf_addc(out, '"');
}

void
journal_aad(struct buf *out, const char *prefix, const char *a, size_t alen,
    const char *b, size_t blen)
{
	buf_reset(out);
	if (prefix != NULL) {
		buf_adds(out, prefix);
		buf_add(out, a, alen);
		return;
	}
	buf_adds(out, "[\"sync_records\",");
	add_sqlite_json_string(out, a, alen);
	buf_addc(out, ',');
	add_sqlite_json_string(out, b, blen);
	buf_addc(out, ']');
}

/* JSON text v[0..n), valid, with no blank outside its strings. */
static void
add_compact(struct buf *out, const char *v, size_t n)
{
	int in_string = 0, escaped = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (v[i] == '\\')
				escaped = 1;
			else if (v[i] == '"')
				in_string = 0;
		} else if (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' ||
		    v[i] == '\r')
			continue;
		else if (v[i] == '"')
			in_string = 1;
		buf_addc(out, v[i]);
	}
}

void
journal_json_put(struct buf *obj, size_t at, const char *name,
    const char *v, size_t n, enum journal_json_as as)
{
	struct buf spliced = BUF_INIT;
	size_t start, end;

	if (v == NULL || json_member(obj->data + at, obj->len - at, name,
	    &start, &end) != 1)
		return;
	buf_add(&spliced, obj->data, at + start);
	if (as != JSON_PUT_TEXT && json_validate(v, n, NULL, NULL) !=
	    JSON_INVALID)
		add_compact(&spliced, v, n);
	else if (as != JSON_PUT_OR_NULL)
		buf_add_json_string(&spliced, v, n);
	else
		buf_add(&spliced, "null", 4);
	buf_add(&spliced, obj->data + at + end, obj->len - at - end);
	buf_wipe(obj);
	*obj = spliced;
}

void
journal_json_put_column(struct buf *obj, size_t at, const char *name,
    struct journal_stmt *st, int c, enum journal_json_as as)
{
	if (!journal_column_null(st, c))
		journal_json_put(obj, at, name, journal_column_text(st, c),
		    journal_column_bytes(st, c), as);
}

void
journal_set_seal(struct journal *j, struct seal *seal)
{
	j->seal = seal;
}

struct journal *
journal_open_again(const struct journal *j, char *err, size_t errsz)
{
	struct journal *again;
	struct seal *seal = NULL;

	if (j->seal != NULL && (seal = seal_dup(j->seal)) == NULL) {
		snprintf(err, errsz, "journal '%s': cannot copy its keys",
		    j->path);
		return NULL;
	}
	if ((again = journal_open(j->path, err, errsz, NULL)) == NULL) {
		seal_free(seal);
		return NULL;
	}
	again->seal = seal;
	return again;
}

int
journal_set_lax(struct journal *j)
{
	return j->be->set_lax(j);
}

int
journal_checkpoint(struct journal *j, int *left)
{
	return j->be->checkpoint(j, left);
}

const struct seal *
journal_seal(const struct journal *j)
{
	return j->seal;
}

const char *
journal_error(const struct journal *j)
{
	return j->err;
}

int
journal_busy(const struct journal *j)
{
	return j->busy;
}

int
journal_abort(struct journal *j)
{
	journal_rollback(j);
	return j->failure != 0 ? j->failure : EX_SOFTWARE;
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

int
journal_begin(struct journal *j)
{
	int rc;

	if ((rc = j->be->begin(j)) == 0) {
		j->in_tx = 1;
		j->retained = -1;
	}
	return rc;
}

int
journal_commit(struct journal *j)
{
	int rc;

	if ((rc = journal_count_flush(j)) == 0 &&
	    (j->news == 0 || (rc = j->be->notify(j, j->news)) == 0) &&
	    (rc = j->be->commit(j)) == 0) {
		j->in_tx = 0;
		j->news = 0;
	}
	return rc;
}

void
journal_rollback(struct journal *j)
{
	if (j->in_tx)
		j->be->rollback(j);
	j->in_tx = 0;
	j->news = 0;
	journal_count_drop(j, 0);
}

void
journal_tell(struct journal *j, int news)
{
	if (j->be->notify == NULL)
		return;
	if (j->in_tx)
		j->news |= news;
	else
		/* Unsent, the listeners find it when they look again. */
		(void)j->be->notify(j, news);
}

void
journal_work(struct journal *j)
{
	journal_tell(j, JOURNAL_NEWS_WORK);
}

int
journal_listen(struct journal *j, int news, int *fd)
{
	*fd = -1;
	return j->be->listen != NULL ? j->be->listen(j, news, fd) : 0;
}

int
journal_told(struct journal *j)
{
	return j->be->told != NULL ? j->be->told(j) : 0;
}

int
journal_in_transaction(const struct journal *j)
{
	return j->in_tx;
}

int
journal_step_done(struct journal *j, struct journal_stmt *st, const char *what)
{
	int rc = journal_step(st);

	journal_reset(st);
	if (rc != JOURNAL_DONE)
		return journal_fail(j, what);
	return 0;
}

int
journal_step_count(struct journal *j, struct journal_stmt *st,
    const char *what, int64_t *changed)
{
	int64_t n;
	int rc;

	if ((rc = journal_step_done(j, st, what)) != 0)
		return rc;
	if ((n = journal_ticket_changes(j, journal_changes_ticket(j),
	    what)) < 0)
		return (int)n;
	*changed = n;
	return 0;
}

int
journal_step_changed(struct journal *j, struct journal_stmt *st,
    const char *what, int *done)
{
	int64_t n;
	int rc;

	if ((rc = journal_step_count(j, st, what, &n)) != 0)
		return rc;
	*done = n == 1;
	return 0;
}

int
journal_step_end(struct journal *j, struct journal_stmt *st, int rc,
    const char *what)
{
	if (rc != JOURNAL_DONE && rc != JOURNAL_ROW) {
		rc = journal_fail(j, what);
		journal_reset(st);
		return rc;
	}
	journal_reset(st);
	return 0;
}

int
journal_step_rows(struct journal *j, struct journal_stmt *st,
    journal_row_fn fn, void *ctx, const char *what)
{
	int rc;

	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, journal_column_text(st, 0),
		    journal_column_text(st, 1),
		    journal_column_bytes(st, 1))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, what);
}

struct journal_stmt *
journal_sql(struct journal *j, enum journal_sql which)
{
	return j->be->sql(j, which);
}

void
journal_bind_int64(struct journal_stmt *st, int i, int64_t v)
{
	st->be->bind_int64(st, i, v);
}

void
journal_bind_double(struct journal_stmt *st, int i, double v)
{
	st->be->bind_double(st, i, v);
}

void
journal_bind_null(struct journal_stmt *st, int i)
{
	st->be->bind_null(st, i);
}

void
journal_bind_text(struct journal_stmt *st, int i, const char *s)
{
	if (s == NULL)
		st->be->bind_null(st, i);
	else
		st->be->bind_text(st, i, s, strlen(s), 0);
}

void
journal_bind_textn(struct journal_stmt *st, int i, const char *s, size_t n)
{
	st->be->bind_text(st, i, s, n, 0);
}

void
journal_bind_text_copy(struct journal_stmt *st, int i, const char *s)
{
	st->be->bind_text(st, i, s, strlen(s), 1);
}

void
journal_bind_opt(struct journal_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		st->be->bind_text(st, i, s, strlen(s), 1);
	else
		st->be->bind_null(st, i);
}

void
journal_bind_blob(struct journal_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL)
		st->be->bind_null(st, i);
	else
		st->be->bind_blob(st, i, p, n);
}

int
journal_bind_count(struct journal_stmt *st)
{
	return st->be->bind_count(st);
}

int
journal_step(struct journal_stmt *st)
{
	return st->be->step(st);
}

void
journal_reset(struct journal_stmt *st)
{
	st->be->reset(st);
}

int
journal_column_count(struct journal_stmt *st)
{
	return st->be->column_count(st);
}

int
journal_column_null(struct journal_stmt *st, int i)
{
	return st->be->column_null(st, i);
}

int64_t
journal_column_int64(struct journal_stmt *st, int i)
{
	return st->be->column_int64(st, i);
}

int
journal_column_int(struct journal_stmt *st, int i)
{
	return (int)st->be->column_int64(st, i);
}

double
journal_column_double(struct journal_stmt *st, int i)
{
	return st->be->column_double(st, i);
}

const char *
journal_column_text(struct journal_stmt *st, int i)
{
	return st->be->column_text(st, i);
}

const void *
journal_column_blob(struct journal_stmt *st, int i)
{
	return st->be->column_blob(st, i);
}

size_t
journal_column_bytes(struct journal_stmt *st, int i)
{
	return st->be->column_bytes(st, i);
}

enum journal_type
journal_column_type(struct journal_stmt *st, int i)
{
	return st->be->column_type(st, i);
}

struct journal_stmt *
journal_prepare(struct journal *j, const char *sql)
{
	return j->be->prepare(j, sql);
}

void
journal_finalize(struct journal_stmt *st)
{
	if (st != NULL)
		st->be->finalize(st);
}

int
journal_settle(struct journal *j, const char *what)
{
	return j->be->settle != NULL ? j->be->settle(j, what) : 0;
}

int
journal_schema(struct journal *j, journal_column_fn fn, void *ctx)
{
	return j->be->schema(j, fn, ctx);
}

int64_t
journal_changes_ticket(struct journal *j)
{
	return j->be->changes_ticket(j);
}

int64_t
journal_ticket_changes(struct journal *j, int64_t ticket, const char *what)
{
	return j->be->ticket_changes(j, ticket, what);
}

