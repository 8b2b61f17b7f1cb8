/*
 * journal/syncs: the scheduled syncs' state (migration 9): each job's
 * watermark and lock, its runs, and the records as last sent on.  See
 * journal/syncs.h.
 */
#include <string.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "journal/private.h"

int
journal_sync_lock(struct journal *j, const char *job, const char *owner,
    int64_t now, int64_t until, int *got, struct journal_sync_job *state)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_SYNC_JOB_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_int64(st, 2, now);
	if ((rc = journal_step_done(j, st, "add a sync job")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_SYNC_LOCK)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, now);
	journal_bind_int64(st, 4, until);
	if ((rc = journal_step_changed(j, st, "lock a sync job", got)) != 0)
		return rc;
	return state != NULL ? journal_sync_job(j, job, state) : 0;
}

int
journal_sync_steal(struct journal *j, const char *job, const char *dead,
    const char *owner, int64_t now, int64_t until, int *got)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_STEAL)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, dead);
	journal_bind_text(st, 3, owner);
	journal_bind_int64(st, 4, now);
	journal_bind_int64(st, 5, until);
	return journal_step_changed(j, st, "take a dead run's lock", got);
}

int
journal_sync_abandon(struct journal *j, const char *job, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_ABANDON)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_int64(st, 2, now);
	return journal_step_done(j, st, "close abandoned sync runs");
}

int
journal_sync_job(struct journal *j, const char *job,
    struct journal_sync_job *state)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_SYNC_JOB_READ)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	buf_reset(&state->watermark);
	buf_reset(&state->lock_owner);
	state->lock_until = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		buf_add(&state->watermark, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
		buf_add(&state->lock_owner, journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
		state->lock_until = journal_column_int64(st, 2);
	}
	return journal_step_end(j, st, rc, "read a sync job");
}

int
journal_sync_unlock(struct journal *j, const char *job, const char *owner,
    const char *watermark, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_UNLOCK)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, watermark != NULL);
	journal_bind_opt(st, 4, watermark);
	journal_bind_int64(st, 5, now);
	return journal_step_done(j, st, "unlock a sync job");
}

int
journal_sync_run_start(struct journal *j, const char *job, int64_t now,
    int full, const char *watermark, int64_t *id)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_SYNC_RUN_START)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_int64(st, 2, now);
	journal_bind_int64(st, 3, full);
	journal_bind_opt(st, 4, watermark);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		*id = journal_column_int64(st, 0);
	return journal_step_end(j, st, rc, "start a sync run");
}

int
journal_sync_run_update(struct journal *j, const struct journal_sync_run *r)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_RUN_UPDATE)) == NULL)
		return -1;
	journal_bind_int64(st, 1, r->id);
	journal_bind_text(st, 2, r->status);
	if (r->ended_at > 0)
		journal_bind_int64(st, 3, r->ended_at);
	journal_bind_int64(st, 4, r->pages);
	journal_bind_int64(st, 5, r->read);
	journal_bind_int64(st, 6, r->changed);
	journal_bind_int64(st, 7, r->sent);
	journal_bind_int64(st, 8, r->failed);
	journal_bind_opt(st, 9, r->watermark_to);
	journal_bind_text(st, 10, r->error);
	return journal_step_done(j, st, "record a sync run");
}

int
journal_sync_record_get(struct journal *j, const char *job, const char *key,
    unsigned char hash[JOURNAL_SYNC_HASH_LEN], struct buf *record,
    int *found)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_SYNC_RECORD_GET)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, key);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW &&
	    journal_column_bytes(st, 0) == JOURNAL_SYNC_HASH_LEN) {
		*found = 1;
		memcpy(hash, journal_column_blob(st, 0), JOURNAL_SYNC_HASH_LEN);
		if (record != NULL)
			buf_add(record, journal_column_text(st, 1),
			    journal_column_bytes(st, 1));
	}
	return journal_step_end(j, st, rc, "read a synced record");
}

int
journal_sync_record_put(struct journal *j, const char *job, const char *key,
    const unsigned char hash[JOURNAL_SYNC_HASH_LEN], const char *record,
    size_t len, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_RECORD_PUT)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, key);
	journal_bind_blob(st, 3, hash, JOURNAL_SYNC_HASH_LEN);
	journal_bind_textn(st, 4, record, len);
	journal_bind_int64(st, 5, now);
	return journal_step_done(j, st, "keep a synced record");
}

int
journal_sync_records(struct journal *j, const char *job, const char *key,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_RECORDS)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, key);
	return journal_step_rows(j, st, fn, ctx, "read synced records");
}

int
journal_sync_record_delete(struct journal *j, const char *job,
    const char *key, int *found)
{
	struct journal_stmt *st;
	int64_t n;
	int rc;

	if ((st = journal_sql(j, SQL_SYNC_RECORD_DELETE)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, key);
	rc = journal_step_count(j, st, "remove a synced record", &n);
	*found = rc == 0 && n > 0;
	return rc;
}

int
journal_sync_runs(struct journal *j, const char *job, int limit,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_RUNS)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_int64(st, 2, limit > 0 ? limit : -1);
	return journal_step_rows(j, st, fn, ctx, "list sync runs");
}

/* The one JSON value of statement which, bound to text or to n. */
static int
json_one(struct journal *j, enum journal_sql which, const char *text, int64_t n,
    struct buf *out, int *found, const char *what)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	if (text != NULL)
		journal_bind_text(st, 1, text);
	else
		journal_bind_int64(st, 1, n);
	*found = 0;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*found = 1;
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
	}
	return journal_step_end(j, st, rc, what);
}

int
journal_sync_run_get(struct journal *j, int64_t id, struct buf *out,
    int *found)
{
	return json_one(j, SQL_SYNC_RUN_GET, NULL, id, out, found, "read a sync run");
}

int
journal_sync_job_state(struct journal *j, const char *job, struct buf *out)
{
	int found;

	return json_one(j, SQL_SYNC_JOB_STATE, job, 0, out, &found,
	    "read a sync job");
}

int
journal_sync_stats(struct journal *j, int64_t since, journal_row_fn fn,
    void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_SYNC_STATS)) == NULL)
		return -1;
	journal_bind_int64(st, 1, since);
	return journal_step_rows(j, st, fn, ctx, "count sync runs");
}
