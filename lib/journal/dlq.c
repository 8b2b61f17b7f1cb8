/*
 * journaldlq: the dead-letter queue, in the journal.  See journal.h.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/dlq.h"
#include "journal/private.h"

enum more {
	M_DLQ_QUERY,
	M_DLQ_DETAIL,
	M_DLQ_STATS,
	M_DLQ_RETRY,
	M_DLQ_ARCHIVE,
	M_DLQ_FIND,
	M_ATTEMPTS_DELETE,
	M_DELIVERY_DELETE,
	M_DLQ_SWEEP,
	M_COUNT
};

_Static_assert(M_COUNT <= JOURNAL_MORE_STMTS,
    "journal/private.h: raise JOURNAL_MORE_STMTS");

/* A dead letter's summary, as a list shows it. */
#define DLQ_SUMMARY							\
	"'id', d.id, 'event', d.event_id, 'type', e.type,"		\
	" 'target', d.target, 'route', d.route, 'attempts', d.attempts,"	\
	" 'error_class', d.error_class, 'last_error', d.last_error,"	\
	" 'dead_at', d.dead_at, 'archived_at', d.archived_at"
/* And what it takes to send it again. */
#define DLQ_REQUEST							\
	"'step', d.step, 'method', d.method, 'url', d.url,"		\
	" 'headers', json(d.headers), 'body', d.body"

static const char *const more_sql[M_COUNT] = {
	/* Each filter applies when its parameter is not NULL. */
	[M_DLQ_QUERY] =
	    "SELECT d.id, CASE WHEN ?7 THEN json_object(" DLQ_SUMMARY ", "
	    DLQ_REQUEST ") ELSE json_object(" DLQ_SUMMARY ") END"
	    " FROM deliveries d JOIN events e ON e.id = d.event_id"
	    " WHERE d.status = 'dead'"
	    " AND (?1 IS NULL OR e.type = ?1) AND (?2 IS NULL OR d.target = ?2)"
	    " AND (?3 IS NULL OR d.dead_at >= ?3)"
	    " AND (?4 = -1 OR (d.archived_at IS NOT NULL) = ?4)"
	    " AND (?5 IS NULL OR d.id > ?5) ORDER BY d.id LIMIT ?6",
	[M_DLQ_DETAIL] =
	    "SELECT json_object(" DLQ_SUMMARY ", " DLQ_REQUEST ","
	    " 'event_attributes', json_object('id', e.id, 'source', e.source,"
	    "  'type', e.type, 'tenant', e.tenant, 'subject', e.subject,"
	    "  'time', e.time, 'status', e.status),"
	    " 'tries', (SELECT json_group_array(json_object("
	    "  'attempt', a.attempt, 'started_at', a.started_at,"
	    "  'duration_ms', a.duration_ms, 'http_status', a.http_status,"
	    "  'error_class', a.error_class, 'error', a.error,"
	    "  'response_excerpt', a.response_excerpt))"
	    "  FROM (SELECT * FROM attempts WHERE delivery_id = d.id"
	    "  ORDER BY id) a))"
	    " FROM deliveries d JOIN events e ON e.id = d.event_id"
	    " WHERE d.id = ?1 AND d.status = 'dead'",
	[M_DLQ_STATS] =
	    "WITH q AS (SELECT d.target, d.dead_at, e.type,"
	    "  coalesce(d.error_class, 'unknown') AS class"
	    "  FROM deliveries d JOIN events e ON e.id = d.event_id"
	    "  WHERE d.status = 'dead' AND d.archived_at IS NULL)"
	    " SELECT json_object('dead', (SELECT count(*) FROM q),"
	    " 'archived', (SELECT count(*) FROM deliveries"
	    "  WHERE status = 'dead' AND archived_at IS NOT NULL),"
	    " 'oldest_ms', (SELECT ?1 - min(dead_at) FROM q),"
	    " 'by_type', (SELECT json_group_object(type, n) FROM"
	    "  (SELECT type, count(*) AS n FROM q GROUP BY type)),"
	    " 'by_target', (SELECT json_group_object(target, n) FROM"
	    "  (SELECT target, count(*) AS n FROM q GROUP BY target)),"
	    " 'by_error_class', (SELECT json_group_object(class, n) FROM"
	    "  (SELECT class, count(*) AS n FROM q GROUP BY class)))",
	[M_DLQ_RETRY] =
	    "UPDATE deliveries SET status = 'pending', attempts = 0,"
	    " not_before = ?2, dead_at = NULL, archived_at = NULL,"
	    " updated_at = ?2 WHERE id = ?1 AND status = 'dead'"
	    " RETURNING target",
	[M_DLQ_ARCHIVE] =
	    "UPDATE deliveries SET archived_at = ?2, updated_at = ?2"
	    " WHERE id = ?1 AND status = 'dead' AND archived_at IS NULL",
	[M_DLQ_FIND] =
	    "SELECT archived_at IS NOT NULL FROM deliveries"
	    " WHERE id = ?1 AND status = 'dead'",
	[M_ATTEMPTS_DELETE] =
	    "DELETE FROM attempts WHERE delivery_id = ?1",
	[M_DELIVERY_DELETE] =
	    "DELETE FROM deliveries WHERE id = ?1 AND status = 'dead'",
	[M_DLQ_SWEEP] =
	    "UPDATE deliveries SET status = 'dead', dead_at = ?3,"
	    " updated_at = ?3 WHERE status = 'failed' AND target = ?1"
	    " AND attempts >= ?2",
};

static sqlite3_stmt *
more(struct journal *j, enum more m)
{
	return journal_prepared(j, &j->more[m], more_sql[m]);
}

int
journal_dlq_query(struct journal *j, const struct journal_dlq_filter *f,
    int full, journal_row_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if ((st = more(j, M_DLQ_QUERY)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->type);
	journal_bind_opt(st, 2, f->target);
	if (f->since > 0)
		sqlite3_bind_int64(st, 3, f->since);
	sqlite3_bind_int(st, 4, f->archived);
	journal_bind_opt(st, 5, f->after);
	sqlite3_bind_int(st, 6, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(st, 7, full);
	return journal_step_rows(j, st, fn, ctx, "list dead letters");
}

int
journal_dlq_detail(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = more(j, M_DLQ_DETAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	*found = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		*found = 1;
	}
	return journal_step_end(j, st, rc, "read a dead letter");
}

int
journal_dlq_stats(struct journal *j, int64_t now, struct buf *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = more(j, M_DLQ_STATS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "count dead letters");
}

int
journal_dlq_retry(struct journal *j, const char *id, int64_t now, int *done)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = more(j, M_DLQ_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	*done = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*done = 1;
		if ((rc = journal_count(j, now, "delivery",
		    (const char *)sqlite3_column_text(st, 0), "requeued", NULL,
		    1, 0)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
		rc = sqlite3_step(st);
	}
	return journal_step_end(j, st, rc, "retry a dead letter");
}

int
journal_dlq_archive(struct journal *j, const char *id, int64_t now,
    int *done)
{
	sqlite3_stmt *st;

	if ((st = more(j, M_DLQ_ARCHIVE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return journal_step_changed(j, st, "archive a dead letter", done);
}

int
journal_dlq_delete(struct journal *j, const char *id, int force,
    enum journal_dlq_deleted *result)
{
	sqlite3_stmt *st;
	int rc, archived, done;

	if ((st = more(j, M_DLQ_FIND)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		*result = JOURNAL_DLQ_NOT_DEAD;
		return journal_step_end(j, st, rc, "find a dead letter");
	}
	archived = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!archived && !force) {
		*result = JOURNAL_DLQ_NOT_ARCHIVED;
		return 0;
	}
	if ((st = more(j, M_ATTEMPTS_DELETE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_done(j, st, "delete attempts")) != 0)
		return rc;
	if ((st = more(j, M_DELIVERY_DELETE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_changed(j, st, "delete a dead letter", &done)) != 0)
		return rc;
	*result = done ? JOURNAL_DLQ_DELETED : JOURNAL_DLQ_NOT_DEAD;
	return 0;
}

int
journal_dlq_sweep(struct journal *j, const char *target, int max_attempts,
    int64_t now, int *moved)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = more(j, M_DLQ_SWEEP)) == NULL)
		return -1;
	journal_bind_text(st, 1, target);
	sqlite3_bind_int(st, 2, max_attempts);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = journal_step_done(j, st, "move exhausted deliveries")) != 0)
		return rc;
	if ((*moved = sqlite3_changes(j->db)) == 0)
		return 0;
	return journal_count(j, now, "delivery", target, "dead", NULL, *moved,
	    0);
}
