/*
 * journal/rekey: the sealed columns counted by key and rewritten as the
 * seal writes now.  See journal/rekey.h.
 */
#include <stdint.h>

#include "journal/journal.h"
#include "journal/private.h"
#include "journal/rekey.h"

static const struct {
	const char	*name;
	enum journal_sql last, rewrite;
} tables[JOURNAL_SEALED_TABLES] = {
	[JOURNAL_SEALED_RAW] = { "raw_envelopes", SQL_REKEY_RAW_LAST,
	    SQL_REKEY_RAW },
	[JOURNAL_SEALED_CANONICAL] = { "canonical_envelopes",
	    SQL_REKEY_CANONICAL_LAST, SQL_REKEY_CANONICAL },
	[JOURNAL_SEALED_DELIVERIES] = { "deliveries",
	    SQL_REKEY_DELIVERIES_LAST, SQL_REKEY_DELIVERIES },
	[JOURNAL_SEALED_RECORDS] = { "sync_records", SQL_REKEY_RECORDS_LAST,
	    SQL_REKEY_RECORDS },
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
 * Binds the cursor at from: an integer key, one text, or two.  Before the
 * first row, the smallest integer and empty texts (no id, job or key is
 * empty).
 */
static void
bind_cursor(struct journal_stmt *st, enum journal_sealed_table t,
    const struct journal_rekey *at, int from)
{
	if (t == JOURNAL_SEALED_RAW || t == JOURNAL_SEALED_CANONICAL)
		journal_bind_int64(st, from, at->started ? at->seq :
		    INT64_MIN);
	else {
		journal_bind_text_copy(st, from, at->started ?
		    at->key1.data : "");
		if (t == JOURNAL_SEALED_RECORDS)
			journal_bind_text_copy(st, from + 1, at->started ?
			    at->key2.data : "");
	}
}

/* Binds past every row: see statements.c. */
static void
bind_end(struct journal_stmt *st, enum journal_sealed_table t, int from)
{
	if (t == JOURNAL_SEALED_RAW || t == JOURNAL_SEALED_CANONICAL)
		journal_bind_int64(st, from, INT64_MAX);
	else {
		journal_bind_blob(st, from, "", 0);
		if (t == JOURNAL_SEALED_RECORDS)
			journal_bind_blob(st, from + 1, "", 0);
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

int
journal_rekey_batch(struct journal *j, enum journal_sealed_table t,
    struct journal_rekey *at, int limit, int64_t *rewritten, int *end)
{
	struct journal_rekey next = JOURNAL_REKEY_INIT;
	struct journal_stmt *last, *st;
	int keys = t == JOURNAL_SEALED_RECORDS ? 2 : 1, rc;

	*rewritten = 0;
	if ((last = journal_sql(j, tables[t].last)) == NULL ||
	    (st = journal_sql(j, tables[t].rewrite)) == NULL)
		return -1;
	bind_cursor(last, t, at, 1);
	journal_bind_int64(last, keys + 1, limit - 1);
	bind_cursor(st, t, at, 1);
	if ((rc = journal_step(last)) == JOURNAL_ROW) {
		set_cursor(last, t, &next);
		bind_cursor(st, t, &next, keys + 1);
	} else
		bind_end(st, t, keys + 1);
	*end = rc != JOURNAL_ROW;
	if ((rc = journal_step_end(j, last, rc, "find a batch to rekey")) != 0 ||
	    (rc = journal_step_count(j, st, "rekey a batch", rewritten)) !=
	    0) {
		journal_rekey_release(&next);
		return rc;
	}
	if (!*end) {
		journal_rekey_release(at);
		*at = next;
	}
	return 0;
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
