/*
 * journal/keys: API keys and rate windows.  See
 * journal/keys.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/keys.h"
#include "journal/private.h"

/* The keys a journal found (journal_key_cache): few, looked at in turn. */
#define KEY_CACHE_LEN	64

struct key_cache {
	struct {
		unsigned char		 hash[JOURNAL_KEY_HASH_LEN];
		struct journal_key	 key;
	} slot[KEY_CACHE_LEN];
	size_t		 n;		/* slots filled */
	size_t		 next;		/* the one to take when all are */
};

/* A copy of a key, its strings pointing into the copy. */
static void
key_copy(struct journal_key *to, const struct journal_key *from)
{
	*to = *from;
	to->name = to->name_buf;
	to->tenant = to->tenant_buf;
	to->scopes = to->scopes_buf;
	to->prefix = to->prefix_buf;
}

int
journal_key_add(struct journal *j, const struct journal_key *k,
    const unsigned char hash[JOURNAL_KEY_HASH_LEN], int *added)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, k->name);
	journal_bind_text(st, 2, k->tenant);
	journal_bind_text(st, 3, k->scopes);
	journal_bind_blob(st, 4, hash, JOURNAL_KEY_HASH_LEN);
	journal_bind_text(st, 5, k->prefix);
	journal_bind_int64(st, 6, k->created_at);
	journal_bind_int64(st, 7, k->rate_limit);
	if ((rc = journal_step_changed(j, st, "add key", added)) == 0 &&
	    *added)
		journal_tell(j, JOURNAL_NEWS_KEYS);
	return rc;
}

/* Copies column i of st into a buffer of n bytes, cut if need be. */
static void
column_copy(struct journal_stmt *st, int i, char *out, size_t n)
{
	const char *s = journal_column_text(st, i);

	snprintf(out, n, "%s", s != NULL ? s : "");
}

/* The KEY_COLUMNS (statements.c) of st's row into k. */
static void
key_row(struct journal_stmt *st, struct journal_key *k)
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
	k->created_at = journal_column_int64(st, 4);
	k->revoked_at = journal_column_null(st, 5) ? 0 :
	    journal_column_int64(st, 5);
	k->rate_limit = journal_column_int64(st, 6);
}

int
journal_key_find(struct journal *j,
    const unsigned char hash[JOURNAL_KEY_HASH_LEN], struct journal_key *k,
    int *found)
{
	struct key_cache *c = j->keys;
	struct journal_stmt *st;
	size_t i;
	int rc;

	if (c != NULL) {
		if ((rc = journal_told(j)) < 0)
			return rc;
		if (rc & JOURNAL_NEWS_KEYS)
			c->n = 0;
		for (i = 0; i < c->n; i++)
			if (memcmp(c->slot[i].hash, hash,
			    JOURNAL_KEY_HASH_LEN) == 0) {
				key_copy(k, &c->slot[i].key);
				*found = 1;
				return 0;
			}
	}
	if ((st = journal_sql(j, SQL_KEY_FIND)) == NULL)
		return -1;
	journal_bind_blob(st, 1, hash, JOURNAL_KEY_HASH_LEN);
	rc = journal_step(st);
	*found = rc == JOURNAL_ROW;
	if (*found)
		key_row(st, k);
	if ((rc = journal_step_end(j, st, rc, "find key")) != 0 ||
	    !*found || c == NULL)
		return rc;
	i = c->n < KEY_CACHE_LEN ? c->n++ : c->next++ % KEY_CACHE_LEN;
	memcpy(c->slot[i].hash, hash, JOURNAL_KEY_HASH_LEN);
	key_copy(&c->slot[i].key, k);
	return 0;
}

int
journal_key_cache(struct journal *j)
{
	int fd, rc;

	if ((rc = journal_listen(j, JOURNAL_NEWS_KEYS, &fd)) != 0)
		return rc;
	if (fd >= 0 && j->keys == NULL)
		j->keys = xcalloc(1, sizeof(*j->keys));
	return 0;
}

int
journal_key_list(struct journal *j, journal_key_fn fn, void *ctx)
{
	struct journal_key k;
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_LIST)) == NULL)
		return -1;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
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
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_KEY_REVOKE)) == NULL)
		return -1;
	journal_bind_text(st, 1, name);
	journal_bind_int64(st, 2, now);
	if ((rc = journal_step_changed(j, st, "revoke key", done)) == 0 &&
	    *done)
		journal_tell(j, JOURNAL_NEWS_KEYS);
	return rc;
}

int
journal_rate_hit(struct journal *j, const char *bucket, int64_t window,
    long *count)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RATE_HIT)) == NULL)
		return -1;
	journal_bind_text(st, 1, bucket);
	journal_bind_int64(st, 2, window);
	if ((rc = journal_step_done(j, st, "count a request")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_RATE_COUNT)) == NULL)
		return -1;
	journal_bind_text(st, 1, bucket);
	if ((rc = journal_step(st)) != JOURNAL_ROW) {
		rc = journal_fail(j, "count a request");
		journal_reset(st);
		return rc;
	}
	*count = (long)journal_column_int64(st, 0);
	journal_reset(st);
	return 0;
}
