/*
 * journal/copy: a whole journal into another, empty one (copy.h).  It
 * knows no table: each comes from the source's schema (journal_schema),
 * and its rows go through statements made from its columns, in the
 * backends' own marks, so a table a migration adds is copied as well.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/utf8.h"
#include "journal/copy.h"
#include "journal/journal.h"
#include "journal/private.h"

/* Rows read a statement: a page of the source's table. */
#define PAGE	1000

/*
 * The tables others refer to, copied before the rest: events (the raw
 * and canonical envelopes by its seq, deliveries by a foreign key),
 * deliveries (attempts).  The rest go in the order of their names.
 */
static const char *const parents[] = { "events", "deliveries" };

struct column {
	char			*name;
	enum journal_type	 type;	/* declared */
	int			 key;	/* place in the primary key from 1,
					   or 0 */
};

struct table {
	char		*name;
	struct column	*col;
	size_t		 ncol;
};

struct schema {
	struct table	*table;
	size_t		 ntable;
};

/* A key's value in the last row of a page, bound to read the next. */
struct keyval {
	enum journal_type	 type;
	int64_t			 i;
	double			 d;
	struct buf		 b;
};

static int
add_column(void *ctx, const char *table, const char *column,
    enum journal_type type, int key)
{
	struct schema *s = ctx;
	struct table *t;

	if (s->ntable == 0 || strcmp(s->table[s->ntable - 1].name,
	    table) != 0) {
		s->table = xrealloc(s->table, (s->ntable + 1) *
		    sizeof(*s->table));
		t = &s->table[s->ntable++];
		*t = (struct table){ .name = xstrdup(table) };
	}
	t = &s->table[s->ntable - 1];
	t->col = xrealloc(t->col, (t->ncol + 1) * sizeof(*t->col));
	t->col[t->ncol++] = (struct column){ xstrdup(column), type, key };
	return 0;
}

static void
schema_release(struct schema *s)
{
	size_t i, k;

	for (i = 0; i < s->ntable; i++) {
		for (k = 0; k < s->table[i].ncol; k++)
			free(s->table[i].col[k].name);
		free(s->table[i].col);
		free(s->table[i].name);
	}
	free(s->table);
}

static const struct table *
table_named(const struct schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntable; i++)
		if (strcmp(s->table[i].name, name) == 0)
			return &s->table[i];
	return NULL;
}

static const struct column *
column_named(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (strcmp(t->col[i].name, name) == 0)
			return &t->col[i];
	return NULL;
}

/* A failure of from's, told as to's: the one journal the caller reads. */
static int
blame(struct journal *to, const struct journal *from)
{
	memcpy(to->err, from->err, sizeof(to->err));
	to->failure = from->failure;
	to->busy = from->busy;
	return -1;
}

/*
 * Whether the two schemas hold the same tables with the same columns (in
 * any order), each name one a statement can quote as it is.
 */
static int
alike(struct journal *to, const struct schema *from_s,
    const struct schema *to_s)
{
	const struct table *ft, *tt;
	size_t i, k;

	for (i = 0; i < from_s->ntable; i++) {
		ft = &from_s->table[i];
		/* Names are quoted into statements as they are. */
		if (strchr(ft->name, '"') != NULL)
			return journal_refuse(to, EX_SOFTWARE, "copy: table"
			    " %s: a name with a quote", ft->name);
		if ((tt = table_named(to_s, ft->name)) == NULL)
			return journal_refuse(to, EX_SOFTWARE, "copy: it has"
			    " no table %s", ft->name);
		if (tt->ncol != ft->ncol)
			return journal_refuse(to, EX_SOFTWARE, "copy: table"
			    " %s has %zu columns, the source's %zu", ft->name,
			    tt->ncol, ft->ncol);
		for (k = 0; k < ft->ncol; k++) {
			if (column_named(tt, ft->col[k].name) == NULL)
				return journal_refuse(to, EX_SOFTWARE, "copy:"
				    " table %s has no column %s", ft->name,
				    ft->col[k].name);
			if (strchr(ft->col[k].name, '"') != NULL)
				return journal_refuse(to, EX_SOFTWARE, "copy:"
				    " column %s.%s: a name with a quote",
				    ft->name, ft->col[k].name);
		}
	}
	if (to_s->ntable != from_s->ntable)
		return journal_refuse(to, EX_SOFTWARE, "copy: it has %zu"
		    " tables, the source %zu", to_s->ntable, from_s->ntable);
	return 0;
}

/* The one-number answer of sql (a count); -1 with j's reason. */
static int
scalar(struct journal *j, const char *sql, int64_t *n)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_prepare(j, sql)) == NULL)
		return -1;
	*n = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*n = journal_column_int64(st, 0);
	else if (rc != JOURNAL_DONE)
		rc = journal_fail(j, sql);
	journal_finalize(st);
	return rc == JOURNAL_ROW || rc == JOURNAL_DONE ? 0 : rc;
}

static int
empty(struct journal *to, const struct schema *s)
{
	struct buf sql = BUF_INIT;
	int64_t n = 0;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->ntable && rc == 0 && n == 0; i++) {
		buf_reset(&sql);
		buf_addf(&sql, "SELECT count(*) FROM (SELECT 1 FROM \"%s\""
		    " LIMIT 1) AS t", s->table[i].name);
		if ((rc = scalar(to, sql.data, &n)) == 0 && n > 0)
			rc = journal_refuse(to, EX_CANTCREAT, "copy: it holds"
			    " rows already (%s): copy into a new journal",
			    s->table[i].name);
	}
	buf_release(&sql);
	return rc;
}

/* "a", "b", ... (with a prefix before each and a separator between). */
static void
add_names(struct buf *sql, const struct column *const *col, size_t n,
    const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(sql, "%s\"%s\"", i > 0 ? sep : "", col[i]->name);
}

/* mark 1, mark 2, ... from first. */
static void
add_params(struct buf *sql, char mark, int first, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(sql, "%s%c%zu", i > 0 ? ", " : "", mark,
		    (size_t)first + i);
}

/*
 * The value of row's column i bound as insert's parameter i + 1, as the
 * destination's column keeps it: text a bytea takes as its bytes, and a
 * bytea's bytes (PostgreSQL's) go into a TEXT column (SQLite's) as text
 * when they are UTF-8 text, as they were before they were moved.
 */
static void
bind_value(struct journal_stmt *insert, struct journal_stmt *row, int i,
    enum journal_type from_type, enum journal_type to_type)
{
	const void *p;
	size_t n;

	switch (journal_column_type(row, i)) {
	case JOURNAL_INTEGER:
		journal_bind_int64(insert, i + 1, journal_column_int64(row, i));
		return;
	case JOURNAL_FLOAT:
		journal_bind_double(insert, i + 1,
		    journal_column_double(row, i));
		return;
	case JOURNAL_TEXT:
		p = journal_column_text(row, i);
		n = journal_column_bytes(row, i);
		if (to_type == JOURNAL_BLOB)
			journal_bind_blob(insert, i + 1, p, n);
		else
			journal_bind_textn(insert, i + 1, p, n);
		return;
	case JOURNAL_BLOB:
		n = journal_column_bytes(row, i);
		if ((p = journal_column_blob(row, i)) == NULL)
			p = "";		/* SQLite's empty blob */
		if (from_type == JOURNAL_BLOB && to_type == JOURNAL_TEXT &&
		    memchr(p, '\0', n) == NULL && utf8_valid(p, n))
			journal_bind_textn(insert, i + 1, p, n);
		else
			journal_bind_blob(insert, i + 1, p, n);
		return;
	case JOURNAL_NULL:
		journal_bind_null(insert, i + 1);
		return;
	}
}

static void
key_keep(struct keyval *k, struct journal_stmt *row, int i)
{
	k->type = journal_column_type(row, i);
	buf_reset(&k->b);
	if (k->type == JOURNAL_INTEGER)
		k->i = journal_column_int64(row, i);
	else if (k->type == JOURNAL_FLOAT)
		k->d = journal_column_double(row, i);
	else if ((k->type == JOURNAL_TEXT || k->type == JOURNAL_BLOB) &&
	    journal_column_bytes(row, i) > 0)
		buf_add(&k->b, journal_column_blob(row, i),
		    journal_column_bytes(row, i));
}

static void
key_bind(struct journal_stmt *st, int i, const struct keyval *k)
{
	if (k->type == JOURNAL_INTEGER)
		journal_bind_int64(st, i, k->i);
	else if (k->type == JOURNAL_FLOAT)
		journal_bind_double(st, i, k->d);
	else if (k->type == JOURNAL_TEXT)
		journal_bind_textn(st, i, k->b.len > 0 ? k->b.data : "",
		    k->b.len);
	else if (k->type == JOURNAL_BLOB)
		journal_bind_blob(st, i, k->b.len > 0 ? k->b.data : "",
		    k->b.len);
	else
		journal_bind_null(st, i);
}

/* The statements that copy one table, and where its reading stands. */
struct pass {
	struct journal_stmt	*first;	/* the first page */
	struct journal_stmt	*next;	/* a page after the keys bound */
	struct journal_stmt	*insert;
	const struct column	**col;	/* the source's, in its order */
	enum journal_type	*to_type;	/* each one's in to */
	int			*key;	/* the key's columns, by place */
	size_t			 nkey;
	struct keyval		*last[2];	/* one bound, one filling */
};

static void
pass_release(struct pass *p)
{
	size_t i, k;

	journal_finalize(p->first);
	journal_finalize(p->next);
	journal_finalize(p->insert);
	for (k = 0; k < 2; k++) {
		for (i = 0; p->last[k] != NULL && i < p->nkey; i++)
			buf_release(&p->last[k][i].b);
		free(p->last[k]);
	}
	free(p->col);
	free(p->to_type);
	free(p->key);
}

static int
pass_prepare(struct pass *p, struct journal *from, struct journal *to,
    const struct table *ft, const struct table *tt)
{
	const struct column **keycol;
	struct buf sql = BUF_INIT, cols = BUF_INIT, order = BUF_INIT;
	size_t i, k;
	int rc = -1;

	p->col = xcalloc(ft->ncol, sizeof(*p->col));
	p->to_type = xcalloc(ft->ncol, sizeof(*p->to_type));
	p->key = xcalloc(ft->ncol, sizeof(*p->key));
	keycol = xcalloc(ft->ncol, sizeof(*keycol));
	for (i = 0; i < ft->ncol; i++) {
		p->col[i] = &ft->col[i];
		p->to_type[i] = column_named(tt, ft->col[i].name)->type;
	}
	/* The key's columns in the key's order. */
	for (k = 1; k <= ft->ncol; k++)
		for (i = 0; i < ft->ncol; i++)
			if (ft->col[i].key == (int)k) {
				keycol[p->nkey] = &ft->col[i];
				p->key[p->nkey++] = (int)i;
			}
	for (k = 0; k < 2; k++)
		p->last[k] = xcalloc(p->nkey + 1, sizeof(*p->last[k]));
	add_names(&cols, p->col, ft->ncol, ", ");
	if (p->nkey > 0) {
		buf_adds(&order, " ORDER BY ");
		add_names(&order, keycol, p->nkey, ", ");
		buf_addf(&order, " LIMIT %d", PAGE);
	}

	buf_addf(&sql, "SELECT %s FROM \"%s\"%s", cols.data, ft->name,
	    order.len > 0 ? order.data : "");
	if ((p->first = journal_prepare(from, sql.data)) == NULL)
		goto out;
	if (p->nkey > 0) {
		buf_reset(&sql);
		buf_addf(&sql, "SELECT %s FROM \"%s\" WHERE (", cols.data,
		    ft->name);
		add_names(&sql, keycol, p->nkey, ", ");
		buf_adds(&sql, ") > (");
		add_params(&sql, from->be->mark, 1, p->nkey);
		buf_addf(&sql, ")%s", order.data);
		if ((p->next = journal_prepare(from, sql.data)) == NULL)
			goto out;
	}
	buf_reset(&sql);
	buf_addf(&sql, "INSERT INTO \"%s\" (%s) VALUES (", ft->name,
	    cols.data);
	add_params(&sql, to->be->mark, 1, ft->ncol);
	buf_adds(&sql, ")");
	if ((p->insert = journal_prepare(to, sql.data)) == NULL) {
		rc = 1;		/* to's failure */
		goto out;
	}
	rc = 0;
out:
	free(keycol);
	buf_release(&sql);
	buf_release(&cols);
	buf_release(&order);
	return rc;
}

/* Copies table ft's rows into to, page by page; *rows gets how many. */
static int
copy_rows(struct journal *from, struct journal *to, const struct table *ft,
    const struct table *tt, int64_t *rows)
{
	struct pass p = { NULL };
	struct journal_stmt *page;
	struct keyval *swap;
	char what[128];
	size_t i, n;
	int rc;

	snprintf(what, sizeof(what), "copy %s", ft->name);
	*rows = 0;
	if ((rc = pass_prepare(&p, from, to, ft, tt)) != 0) {
		pass_release(&p);
		return rc > 0 ? -1 : blame(to, from);
	}
	page = p.first;
	for (;;) {
		n = 0;
		while ((rc = journal_step(page)) == JOURNAL_ROW) {
			for (i = 0; i < ft->ncol; i++)
				bind_value(p.insert, page, (int)i,
				    p.col[i]->type, p.to_type[i]);
			if ((rc = journal_step(p.insert)) != JOURNAL_DONE) {
				rc = journal_fail(to, what);
				goto out;
			}
			journal_reset(p.insert);
			for (i = 0; i < p.nkey; i++)
				key_keep(&p.last[1][i], page, p.key[i]);
			n++;
		}
		if (rc != JOURNAL_DONE) {
			journal_fail(from, what);
			rc = blame(to, from);
			goto out;
		}
		*rows += (int64_t)n;
		/* A row the destination refused is told here, by name. */
		if ((rc = journal_settle(to, what)) != 0)
			goto out;
		if (p.nkey == 0 || n < PAGE)
			break;
		/* The page's last keys, bound where the next page reads. */
		swap = p.last[0];
		p.last[0] = p.last[1];
		p.last[1] = swap;
		journal_reset(p.next);
		for (i = 0; i < p.nkey; i++)
			key_bind(p.next, (int)i + 1, &p.last[0][i]);
		page = p.next;
	}
	rc = 0;
out:
	pass_release(&p);
	return rc;
}

/* The table's rows counted on both sides: equal to what was copied. */
static int
counted(struct journal *from, struct journal *to, const char *table,
    int64_t rows)
{
	struct buf sql = BUF_INIT;
	int64_t in_from = 0, in_to = 0;
	int rc;

	buf_addf(&sql, "SELECT count(*) FROM \"%s\"", table);
	if ((rc = scalar(from, sql.data, &in_from)) != 0)
		rc = blame(to, from);
	else if ((rc = scalar(to, sql.data, &in_to)) == 0 &&
	    (in_from != rows || in_to != rows))
		rc = journal_refuse(to, EX_SOFTWARE, "copy: table %s: %lld"
		    " rows copied, %lld in the source, %lld here", table,
		    (long long)rows, (long long)in_from, (long long)in_to);
	buf_release(&sql);
	return rc;
}

static int
copy_table(struct journal *from, struct journal *to, const struct table *ft,
    const struct schema *to_s, journal_copied_fn fn, void *ctx)
{
	int64_t rows;
	int rc;

	if ((rc = copy_rows(from, to, ft, table_named(to_s, ft->name),
	    &rows)) != 0 || (rc = counted(from, to, ft->name, rows)) != 0 ||
	    (to->be->copied != NULL && (rc = to->be->copied(to,
	    ft->name)) != 0))
		return rc;
	fn(ctx, ft->name, rows);
	return 0;
}

static int
is_parent(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++)
		if (strcmp(parents[i], name) == 0)
			return 1;
	return 0;
}

static int
copy_tables(struct journal *from, struct journal *to,
    const struct schema *from_s, const struct schema *to_s,
    journal_copied_fn fn, void *ctx)
{
	const struct table *t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++)
		if ((t = table_named(from_s, parents[i])) != NULL &&
		    (rc = copy_table(from, to, t, to_s, fn, ctx)) != 0)
			return rc;
	/* journal_schema hands the tables in the order of their names. */
	for (i = 0; i < from_s->ntable; i++)
		if (!is_parent(from_s->table[i].name) &&
		    (rc = copy_table(from, to, &from_s->table[i], to_s, fn,
		    ctx)) != 0)
			return rc;
	return 0;
}

int
journal_copy(struct journal *from, struct journal *to, journal_copied_fn fn,
    void *ctx)
{
	struct schema from_s = { NULL }, to_s = { NULL };
	int rc;

	if ((rc = journal_schema(from, add_column, &from_s)) != 0)
		rc = blame(to, from);
	else if ((rc = journal_schema(to, add_column, &to_s)) == 0 &&
	    (rc = alike(to, &from_s, &to_s)) == 0) {
		if ((rc = journal_begin(from)) != 0)
			rc = blame(to, from);
		else if ((rc = journal_begin(to)) == 0 &&
		    (rc = empty(to, &to_s)) == 0 &&
		    (rc = copy_tables(from, to, &from_s, &to_s, fn,
		    ctx)) == 0)
			rc = journal_commit(to);
		/* Read only: nothing of from's to keep. */
		journal_rollback(from);
	}
	schema_release(&from_s);
	schema_release(&to_s);
	return rc;
}
