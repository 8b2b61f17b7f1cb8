/*
 * journal/keys: API keys and rate windows.  See
 * journal/keys.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/keys.h"
#include "journal/private.h"

int
journal_key_add(struct journal *j, const struct journal_key *k,
    const unsigned char hash[JOURNAL_KEY_HASH_LEN], int *added)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, k->name);
	journal_bind_text(st, 2, k->tenant);
	journal_bind_text(st, 3, k->scopes);
	sqlite3_bind_blob(st, 4, hash, JOURNAL_KEY_HASH_LEN, SQLITE_STATIC);
	journal_bind_text(st, 5, k->prefix);
	sqlite3_bind_int64(st, 6, k->created_at);
	sqlite3_bind_int64(st, 7, k->rate_limit);
	if ((rc = journal_step_done(j, st, "add key")) != 0)
		return rc;
	*added = sqlite3_changes(j->db) == 1;
	return 0;
}

/* Copies column i of st into a buffer of n bytes, cut if need be. */
static void
column_copy(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, n, "%s", s != NULL ? (const char *)s : "");
}

/* The KEY_COLUMNS (statements.c) of st's row into k. */
static void
key_row(sqlite3_stmt *st, struct journal_key *k)
{
	memset(k, 0, sizeof(*k));
	column_copy(st, 0, k->name_buf, sizeof(k->name_buf));
	column_copy(st, 1, k->tenant_buf, sizeof(k->tenant_buf));
	column_copy(st, 2, k->scopes_buf, sizeof(k->scopes_buf));
	column_copy(st, 3, k->prefix_buf, sizeof(k->prefix_buf));
	k->name = k->name_buf;
	k->tenant = k->tenant_buf;
	k->scopes = k->scopes_buf;
	k->prefix = k->prefix_buf;
	k->created_at = sqlite3_column_int64(st, 4);
	k->revoked_at = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, 5);
	k->rate_limit = sqlite3_column_int64(st, 6);
}

int
journal_key_find(struct journal *j,
    const unsigned char hash[JOURNAL_KEY_HASH_LEN], struct journal_key *k,
    int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_FIND)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, JOURNAL_KEY_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		key_row(st, k);
	return journal_step_end(j, st, rc, "find key");
}

int
journal_key_list(struct journal *j, journal_key_fn fn, void *ctx)
{
	struct journal_key k;
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_LIST)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key_row(st, &k);
		if (fn(ctx, &k) != 0)
			break;
	}
	return journal_step_end(j, st, rc, "list keys");
}

int
journal_key_revoke(struct journal *j, const char *name, int64_t now,
    int *done)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_REVOKE)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = journal_step_done(j, st, "revoke key")) != 0)
		return rc;
	*done = sqlite3_changes(j->db) == 1;
	return 0;
}

int
journal_rate_hit(struct journal *j, const char *bucket, int64_t window,
    long *count)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RATE_HIT)) == NULL)
		return -1;
	journal_bind_text(st, 1, bucket);
	sqlite3_bind_int64(st, 2, window);
	if ((rc = journal_step_done(j, st, "count a request")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_RATE_COUNT)) == NULL)
		return -1;
	journal_bind_text(st, 1, bucket);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = journal_fail(j, "count a request");
		sqlite3_reset(st);
		return rc;
	}
	*count = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}
