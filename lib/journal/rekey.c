/*
 * journal/rekey: the sealed columns counted by key and rewritten as the
 * seal writes now.  See journal/rekey.h.
 */
#include <stdint.h>

#include "journal/journal.h"
#include "journal/private.h"
#include "journal/rekey.h"
#include "journal/seal.h"

static const struct {
	const char	*name;
	enum journal_sql stale, put;
} tables[JOURNAL_SEALED_TABLES] = {
	[JOURNAL_SEALED_RAW] = { "raw_envelopes", SQL_REKEY_RAW,
	    SQL_REKEY_RAW_PUT },
	[JOURNAL_SEALED_CANONICAL] = { "canonical_envelopes",
	    SQL_REKEY_CANONICAL, SQL_REKEY_CANONICAL_PUT },
	[JOURNAL_SEALED_DELIVERIES] = { "deliveries", SQL_REKEY_DELIVERIES,
	    SQL_REKEY_DELIVERIES_PUT },
	[JOURNAL_SEALED_RECORDS] = { "sync_records", SQL_REKEY_RECORDS,
	    SQL_REKEY_RECORDS_PUT },
};

const char *
journal_sealed_table_name(enum journal_sealed_table t)
{
	return tables[t].name;
}

void
journal_rekey_release(struct journal_rekey *at)
{
	buf_release(&at->key1);
	buf_release(&at->key2);
}

/*
 * Binds the cursor: an integer key, one text, or two (the second at 4:
 * see statements.c).  Before the first row, the smallest integer and
 * empty texts (no id, job or key is empty).
 */
static void
bind_cursor(struct journal_stmt *st, enum journal_sealed_table t,
    const struct journal_rekey *at)
{
	if (t == JOURNAL_SEALED_RAW || t == JOURNAL_SEALED_CANONICAL)
		journal_bind_int64(st, 1, at->started ? at->seq : INT64_MIN);
	else {
		journal_bind_text_copy(st, 1, at->started ?
		    at->key1.data : "");
		if (t == JOURNAL_SEALED_RECORDS)
			journal_bind_text_copy(st, 4, at->started ?
			    at->key2.data : "");
	}
}

/* The cursor moved to the row st stands on. */
static void
set_cursor(struct journal_stmt *st, enum journal_sealed_table t,
    struct journal_rekey *at)
{
	at->started = 1;
	if (t == JOURNAL_SEALED_RAW || t == JOURNAL_SEALED_CANONICAL) {
		at->seq = journal_column_int64(st, 0);
		return;
	}
	buf_reset(&at->key1);
	buf_add(&at->key1, journal_column_text(st, 0),
	    journal_column_bytes(st, 0));
	if (t == JOURNAL_SEALED_RECORDS) {
		buf_reset(&at->key2);
		buf_add(&at->key2, journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
	}
}

/* Binds column c of stale to parameter i of put, as it is. */
static void
bind_column(struct journal_stmt *put, int i, struct journal_stmt *stale,
    int c)
{
	if (journal_column_null(stale, c))
		journal_bind_null(put, i);
	else
		journal_bind_textn(put, i, journal_column_text(stale, c),
		    journal_column_bytes(stale, c));
}

/*
 * Each stale row's values, opened by the select, are written back by the
 * put, which seals them: its parameters are the select's columns in
 * order (a seq, the value, the event's id; an id, headers, body; a job,
 * a key, the record).
 */
int
journal_rekey_batch(struct journal *j, enum journal_sealed_table t,
    struct journal_rekey *at, int limit, int64_t *rewritten, int *end)
{
	struct journal_stmt *stale, *put;
	int rc, c;

	*rewritten = 0;
	if ((stale = journal_sql(j, tables[t].stale)) == NULL)
		return -1;
	bind_cursor(stale, t, at);
	journal_bind_text(stale, 2, seal_current_id(journal_seal(j)));
	journal_bind_int64(stale, 3, limit);
	while ((rc = journal_step(stale)) == JOURNAL_ROW) {
		if ((put = journal_sql(j, tables[t].put)) == NULL) {
			journal_reset(stale);
			return -1;
		}
		if (t == JOURNAL_SEALED_RAW || t == JOURNAL_SEALED_CANONICAL)
			journal_bind_int64(put, 1,
			    journal_column_int64(stale, 0));
		else
			bind_column(put, 1, stale, 0);
		for (c = 1; c < 3; c++)
			bind_column(put, c + 1, stale, c);
		if ((rc = journal_step_done(j, put, "rekey a value")) != 0) {
			journal_reset(stale);
			return rc;
		}
		set_cursor(stale, t, at);
		(*rewritten)++;
	}
	*end = *rewritten < limit;
	return journal_step_end(j, stale, rc, "find values to rekey");
}

int
journal_sealed_count(struct journal *j, journal_sealed_fn fn, void *ctx)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_SEALED_COUNT)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, journal_column_text(st, 0),
		    journal_column_text(st, 1),
		    journal_column_int64(st, 2))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "count the sealed values");
}
