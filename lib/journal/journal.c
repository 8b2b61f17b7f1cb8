/*
 * journal: the shared SQLite journal.  See journal.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "journal/keys.h"
#include "journal/private.h"
#include "journal/keyindex.h"
#include "stage/priority.h"

#define BUSY_TIMEOUT_MS	30000
/*
 * SQLite's 4 KB pages, set when the journal is created (SQLite ignores it
 * on an existing one).  Each event with a random key dirties one page of
 * the key index at random (keyindex.h), and a commit writes such pages whole:
 * 16 KB pages held it to 22-24k events/s, 4 KB pages give 29-32k
 * (bench/README.md), while ingest, which once gained 11% from 16 KB
 * pages, keeps 117-125k/s since the stream frees work where it was made.
 */
#define JOURNAL_PAGE_SIZE	"4096"
/*
 * Pages of WAL before a checkpoint copies them into the database: 32 MB
 * rather than SQLite's 4 MB, so a page a stream rewrites commit after
 * commit is copied once, not eight times.  The receiver also copies the
 * WAL from a thread of its own (checkpointer.h), so that the commit that
 * reaches this size has little left to copy.
 */
#define WAL_CHECKPOINT_PAGES	"8000"
/*
 * 8 MB of page cache, not SQLite's 2 MB: the random inserts into the key
 * index find their pages in memory (bench/run: ingest 4-5%
 * faster; peak RSS 16 -> 22 MB of the 30 MB allowed).
 */
#define CACHE_KIB	"-8192"

static const char *const status_names[] = {
	[JOURNAL_RECEIVED] = "received",
	[JOURNAL_NORMALIZED] = "normalized",
	[JOURNAL_MAPPED] = "mapped",
	[JOURNAL_REJECTED] = "rejected",
};

int
journal_fail(struct journal *j, const char *what)
{
	int code = sqlite3_extended_errcode(j->db);

	snprintf(j->err, sizeof(j->err), "journal '%s': %s: %s", j->path,
	    what, sqlite3_errmsg(j->db));
	j->busy = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
	return j->busy ? JOURNAL_BUSY : -1;
}

static int
exec(struct journal *j, const char *sql)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, sql);
	return 0;
}

sqlite3_stmt *
journal_sql(struct journal *j, enum journal_sql which)
{
	sqlite3_stmt *st = j->stmt[which];

	if (st == NULL) {
		if (sqlite3_prepare_v3(j->db, journal_sql_text[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			journal_fail(j, "prepare");
			return NULL;
		}
		j->stmt[which] = st;
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return st;
}

void
journal_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/*
 * SQL's names for keyindex.h, for migration 12 and retention, which make
 * the index form of keys already in the journal.
 */
static void
sql_key_index(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *key = (const char *)sqlite3_value_text(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	unsigned char *out;

	(void)argc;
	if (key == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	out = xmalloc(len + 1);
	sqlite3_result_blob(cx, out, (int)key_index(key, len, out), free);
}

static void
sql_key_retained(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *source = (const char *)sqlite3_value_text(argv[0]);
	const char *key = (const char *)sqlite3_value_text(argv[1]);
	unsigned char out[KEY_INDEX_RETAINED_LEN];

	(void)argc;
	if (source == NULL || key == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	key_index_retained(source, key, (size_t)sqlite3_value_bytes(argv[1]),
	    out);
	sqlite3_result_blob(cx, out, sizeof(out), SQLITE_TRANSIENT);
}

static int
add_functions(struct journal *j)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;

	if (sqlite3_create_function(j->db, "integra_key_index", 1, flags,
	    NULL, sql_key_index, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(j->db, "integra_key_retained", 2, flags,
	    NULL, sql_key_retained, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, "add SQL functions");
	return 0;
}

/* 0 if no row breaks a foreign key, as if they had been on. */
static int
foreign_keys_hold(struct journal *j)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(j->db, "PRAGMA foreign_key_check", -1, &st,
	    NULL) != SQLITE_OK)
		return journal_fail(j, "check foreign keys");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(j->err, sizeof(j->err), "journal '%s': a row of %s"
		    " refers to a row of %s that is not there", j->path,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		journal_fail(j, "check foreign keys");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
migrate(struct journal *j)
{
	sqlite3_stmt *st;
	int version, rc;
	size_t v;

	if ((rc = exec(j, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = journal_fail(j, "read schema version");
		sqlite3_finalize(st);
		goto out;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0 || (size_t)version > journal_nmigrations) {
		snprintf(j->err, sizeof(j->err), "journal '%s': schema version"
		    " %d is newer than this program knows (%zu): upgrade"
		    " integra", j->path, version, journal_nmigrations);
		rc = -1;
		goto out;
	}
	for (v = (size_t)version; v < journal_nmigrations; v++)
		if (sqlite3_exec(j->db, journal_migrations[v], NULL, NULL,
		    NULL) != SQLITE_OK) {
			char what[64];

			/* The statement would hide SQLite's reason. */
			snprintf(what, sizeof(what), "migrate the schema from"
			    " version %zu", v);
			rc = journal_fail(j, what);
			goto out;
		}
	if ((size_t)version < journal_nmigrations) {
		char sql[64];

		/* Migration 12 made events again with the foreign keys off. */
		if ((rc = foreign_keys_hold(j)) != 0)
			goto out;

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
		    journal_nmigrations);
		if ((rc = exec(j, sql)) != 0)
			goto out;
	}
	return exec(j, "COMMIT");
out:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * A journal is used by one thread at a time, so SQLite's global memory
 * statistics, which take a lock around every allocation, buy nothing:
 * turned off (bench/run: map 9% faster).  sqlite3_config works only before
 * SQLite initialises, so a caller must open its first journal before it
 * starts a thread that uses SQLite.
 */
static void
configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct journal *
journal_open(const char *path, char *err, size_t errsz)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct journal *j;

	pthread_once(&once, configure_sqlite);
	j = xcalloc(1, sizeof(*j));
	j->path = xstrdup(path);
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (j->db == NULL)
			snprintf(j->err, sizeof(j->err), "journal '%s': out of"
			    " memory", path);
		else
			journal_fail(j, "open");
		goto bad;
	}
	sqlite3_extended_result_codes(j->db, 1);
	sqlite3_busy_timeout(j->db, BUSY_TIMEOUT_MS);
	/*
	 * WAL lets readers go on while one process writes; FULL makes each
	 * commit durable, which group commit keeps affordable.
	 */
	if (exec(j, "PRAGMA page_size = " JOURNAL_PAGE_SIZE) != 0 ||
	    exec(j, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(j, "PRAGMA synchronous = FULL") != 0 ||
	    exec(j, "PRAGMA wal_autocheckpoint = " WAL_CHECKPOINT_PAGES) != 0 ||
	    exec(j, "PRAGMA cache_size = " CACHE_KIB) != 0 ||
	    add_functions(j) != 0 || migrate(j) != 0 ||
	    exec(j, "PRAGMA foreign_keys = ON") != 0)
		goto bad;
	return j;
bad:
	snprintf(err, errsz, "%s", j->err);
	journal_close(j);
	return NULL;
}

void
journal_close(struct journal *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < JOURNAL_NSQL; i++)
		sqlite3_finalize(j->stmt[i]);
	journal_count_drop(j, 1);
	buf_release(&j->key_form);
	sqlite3_close(j->db);
	free(j->path);
	free(j);
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
	return j->busy ? EX_TEMPFAIL : EX_SOFTWARE;
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

	if ((rc = exec(j, "BEGIN IMMEDIATE")) == 0) {
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
	    (rc = exec(j, "COMMIT")) == 0)
		j->in_tx = 0;
	return rc;
}

void
journal_rollback(struct journal *j)
{
	if (j->in_tx)
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	j->in_tx = 0;
	journal_count_drop(j, 0);
}

int
journal_in_transaction(const struct journal *j)
{
	return j->in_tx;
}

int
journal_step_done(struct journal *j, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return journal_fail(j, what);
	return 0;
}

int
journal_step_changed(struct journal *j, sqlite3_stmt *st, const char *what,
    int *done)
{
	int rc;

	if ((rc = journal_step_done(j, st, what)) != 0)
		return rc;
	*done = sqlite3_changes(j->db) == 1;
	return 0;
}

int
journal_step_end(struct journal *j, sqlite3_stmt *st, int rc, const char *what)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = journal_fail(j, what);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return 0;
}

int
journal_step_rows(struct journal *j, sqlite3_stmt *st, journal_row_fn fn,
    void *ctx, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(ctx, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1))) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, what);
}

/*
 * 1 if retention has replaced the key of any event, 0 if not: asked once a
 * transaction, since no other writer can retain one while it lasts (a
 * lookup of the index events_retained, empty until retention runs).
 */
static int
any_retained(struct journal *j)
{
	sqlite3_stmt *st;
	int rc;

	if (j->in_tx && j->retained >= 0)
		return j->retained;
	if ((st = journal_sql(j, SQL_RETAINED_ANY)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return journal_step_end(j, st, rc, "look for retained events");
	rc = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (j->in_tx)
		j->retained = rc;
	return rc;
}

/*
 * The event of a source with a key in index form: 1 and its id in id (and
 * its raw envelope in envelope, if not NULL and not dropped by retention),
 * 0 if there is none.
 */
static int
event_by_key(struct journal *j, const char *source, const void *form,
    size_t formlen, char id[ID_LEN + 1], struct buf *envelope)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_BY_KEY)) == NULL)
		return -1;
	journal_bind_text(st, 1, source);
	sqlite3_bind_blob(st, 2, form, (int)formlen, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return journal_step_end(j, st, rc, "find duplicate event");
	snprintf(id, ID_LEN + 1, "%s",
	    (const char *)sqlite3_column_text(st, 0));
	if (envelope != NULL)
		buf_add(envelope, sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
	sqlite3_reset(st);
	return 1;
}

int
journal_event_add(struct journal *j, const struct journal_event *ev,
    char dup_id[ID_LEN + 1], struct buf *dup_envelope)
{
	unsigned char retained[KEY_INDEX_RETAINED_LEN];
	size_t keylen = strlen(ev->idempotency_key), formlen;
	sqlite3_stmt *st;
	int rc;

	/* The key of an event retention has replaced is known by its digest. */
	if ((rc = any_retained(j)) < 0)
		return rc;
	if (rc == 1) {
		key_index_retained(ev->source, ev->idempotency_key, keylen,
		    retained);
		if ((rc = event_by_key(j, ev->source, retained,
		    sizeof(retained), dup_id, dup_envelope)) != 0)
			return rc;
	}
	buf_reset(&j->key_form);
	buf_grow(&j->key_form, keylen + 1);
	formlen = key_index(ev->idempotency_key, keylen,
	    (unsigned char *)j->key_form.data);

	if ((st = journal_sql(j, SQL_EVENT_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, ev->id);
	journal_bind_text(st, 2, ev->source);
	journal_bind_text(st, 3, ev->type);
	journal_bind_text(st, 4, ev->tenant);
	journal_bind_text(st, 5, ev->subject);
	journal_bind_text(st, 6, ev->time);
	journal_bind_text(st, 7, ev->idempotency_key);
	sqlite3_bind_int64(st, 8, ev->received_at);
	sqlite3_bind_blob(st, 9, j->key_form.data, (int)formlen, SQLITE_STATIC);
	journal_bind_text(st, 10, ev->rejected);
	if ((rc = journal_step_done(j, st, "add event")) != 0)
		return rc;
	if (sqlite3_changes(j->db) == 1) {
		if ((rc = journal_count(j, ev->received_at, "event", ev->type,
		    ev->source, "received", 1, 0)) != 0 ||
		    (ev->rejected != NULL && (rc = journal_count(j,
		    ev->received_at, "event", ev->type, ev->source, "rejected",
		    1, 0)) != 0))
			return rc;
		if ((st = journal_sql(j, SQL_RAW_ADD)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(j->db));
		/* What was refused is kept byte for byte, valid or not. */
		if (ev->rejected != NULL)
			sqlite3_bind_blob(st, 2, ev->envelope,
			    (int)ev->envelope_len, SQLITE_STATIC);
		else
			sqlite3_bind_text(st, 2, ev->envelope,
			    (int)ev->envelope_len, SQLITE_STATIC);
		return journal_step_done(j, st, "add raw envelope");
	}

	/* The source sent this key before: hand back the original. */
	if ((rc = event_by_key(j, ev->source, j->key_form.data, formlen,
	    dup_id, dup_envelope)) == 0) {
		snprintf(j->err, sizeof(j->err), "journal '%s': find duplicate"
		    " event: not found", j->path);
		return -1;
	}
	return rc;
}

int
journal_event_status(struct journal *j, const char *id,
    enum journal_event_status *status, struct buf *canonical)
{
	sqlite3_stmt *st;
	const char *s;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		*status = JOURNAL_UNKNOWN;
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		rc = journal_fail(j, "read event");
		sqlite3_reset(st);
		return rc;
	}
	s = (const char *)sqlite3_column_text(st, 0);
	for (*status = JOURNAL_RECEIVED; *status < JOURNAL_UNKNOWN; (*status)++)
		if (strcmp(s, status_names[*status]) == 0)
			break;
	if (canonical != NULL && sqlite3_column_type(st, 1) != SQLITE_NULL)
		buf_add(canonical, sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
	sqlite3_reset(st);
	return 0;
}

/*
 * Counts an event that has just moved to status, and gives its seq; with
 * status NULL, only finds its seq (0 if it is not there) and status.
 */
static int
event_find(struct journal *j, const char *id, const char *moved,
    int64_t *seq, enum journal_event_status *status)
{
	sqlite3_stmt *st;
	const char *s;
	int rc, n;

	if ((st = journal_sql(j, SQL_EVENT_FIND)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	*seq = 0;
	*status = JOURNAL_UNKNOWN;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		s = (const char *)sqlite3_column_text(st, 3);
		for (*status = JOURNAL_RECEIVED; *status < JOURNAL_UNKNOWN;
		    (*status)++)
			if (strcmp(s, status_names[*status]) == 0)
				break;
		if (moved != NULL && (n = journal_count(j, clock_ms(),
		    "event", (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), moved, 1,
		    0)) != 0) {
			sqlite3_reset(st);
			return n;
		}
	}
	return journal_step_end(j, st, rc, "find event");
}

static int
event_moved(struct journal *j, const char *id, const char *status,
    int64_t *seq)
{
	enum journal_event_status now;

	return event_find(j, id, status, seq, &now);
}

int
journal_event_normalize(struct journal *j, const char *id,
    const char *type, const char *canonical, size_t len, int *done)
{
	sqlite3_stmt *st;
	int64_t seq;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_NORMALIZE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, type);
	if ((rc = journal_step_done(j, st, "normalize event")) != 0)
		return rc;
	if (!(*done = sqlite3_changes(j->db) == 1))
		return 0;
	/*
	 * Not UPDATE ... RETURNING seq: SQLite builds a temporary table for
	 * each RETURNING, which made normalize twice as slow.
	 */
	if ((rc = event_moved(j, id, "normalized", &seq)) != 0 ||
	    (st = journal_sql(j, SQL_CANONICAL_ADD)) == NULL)
		return rc != 0 ? rc : -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, canonical, (int)len, SQLITE_STATIC);
	return journal_step_done(j, st, "add canonical envelope");
}

int
journal_event_map(struct journal *j, const char *id, const char *type,
    const char *source, int *done)
{
	enum journal_event_status status;
	sqlite3_stmt *st;
	int64_t seq;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_MAP)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_done(j, st, "map event")) != 0)
		return rc;
	/* Not event_moved: map is the hot path, and it knows them. */
	if (sqlite3_changes(j->db) == 1) {
		*done = 1;
		return journal_count(j, clock_ms(), "event", type, source,
		    "mapped", 1, 0);
	}
	/* Mapped before: done, and not counted again. */
	if ((rc = event_find(j, id, NULL, &seq, &status)) != 0)
		return rc;
	*done = status == JOURNAL_MAPPED;
	return 0;
}

int
journal_event_reject(struct journal *j, const char *id,
    enum journal_event_status from, const char *reason)
{
	sqlite3_stmt *st;
	int64_t seq;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_REJECT)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, reason);
	journal_bind_text(st, 3, status_names[from]);
	if ((rc = journal_step_done(j, st, "reject event")) != 0 ||
	    sqlite3_changes(j->db) != 1)
		return rc;
	return event_moved(j, id, "rejected", &seq);
}

int
journal_events_in(struct journal *j, enum journal_event_status status,
    const char *after_id, int limit, journal_row_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_EVENTS_IN)) == NULL)
		return -1;
	journal_bind_text(st, 1, status_names[status]);
	journal_bind_text(st, 2, after_id != NULL ? after_id : "");
	sqlite3_bind_int(st, 3, limit);
	return journal_step_rows(j, st, fn, ctx, "list events");
}

int
journal_delivery_add(struct journal *j, const struct journal_delivery *d,
    int *added)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_DELIVERY_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, d->id);
	journal_bind_text(st, 2, d->event_id);
	journal_bind_text(st, 3, d->target);
	journal_bind_text(st, 4, d->route);
	sqlite3_bind_int(st, 5, d->step);
	journal_bind_text(st, 6, d->method);
	journal_bind_text(st, 7, d->url);
	journal_bind_text(st, 8, d->headers);
	sqlite3_bind_text(st, 9, d->body, (int)d->body_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, d->not_before);
	sqlite3_bind_int64(st, 11, d->created_at);
	sqlite3_bind_int(st, 12, d->priority);
	journal_bind_text(st, 13, d->dead);
	sqlite3_bind_int(st, 14, d->mapping_version);
	if ((rc = journal_step_done(j, st, "add delivery")) != 0)
		return rc;
	if (!(*added = sqlite3_changes(j->db) == 1))
		return 0;
	if ((rc = journal_count(j, d->created_at, "delivery", d->target,
	    "created", NULL, 1, 0)) != 0)
		return rc;
	return d->dead == NULL ? 0 : journal_count(j, d->created_at,
	    "delivery", d->target, "dead", NULL, 1, 0);
}

/* Hands each row of a claiming UPDATE ... RETURNING to fn. */
static int
claim_rows(struct journal *j, sqlite3_stmt *st, journal_claim_fn fn,
    void *ctx, int *n)
{
	struct journal_claim c;
	int rc, cbrc = 0;

	*n = 0;
	/*
	 * Step to the end before calling back: the claim is one statement,
	 * and SQLite applies RETURNING's changes as the rows come.
	 */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cbrc != 0)
			continue;
		c.id = (const char *)sqlite3_column_text(st, 0);
		c.event_id = (const char *)sqlite3_column_text(st, 1);
		c.target = (const char *)sqlite3_column_text(st, 2);
		c.route = (const char *)sqlite3_column_text(st, 3);
		c.method = (const char *)sqlite3_column_text(st, 4);
		c.url = (const char *)sqlite3_column_text(st, 5);
		c.headers = (const char *)sqlite3_column_text(st, 6);
		c.body = (const char *)sqlite3_column_text(st, 7);
		c.body_len = (size_t)sqlite3_column_bytes(st, 7);
		c.attempts = sqlite3_column_int(st, 8);
		c.priority = sqlite3_column_int(st, 9);
		c.event_type = (const char *)sqlite3_column_text(st, 10);
		c.tenant = (const char *)sqlite3_column_text(st, 11);
		c.step = sqlite3_column_int(st, 12);
		cbrc = fn(ctx, &c);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		rc = journal_fail(j, "claim deliveries");
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return cbrc;
}

int
journal_claim_id(struct journal *j, const char *id, const char *owner,
    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
    int *claimed)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_ID)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, lease_until);
	sqlite3_bind_int64(st, 3, now);
	journal_bind_text(st, 4, id);
	return claim_rows(j, st, fn, ctx, claimed);
}

int
journal_claim_due(struct journal *j, int limit, const char *owner,
    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
    int *nclaimed)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_DUE)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, lease_until);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, limit);
	return claim_rows(j, st, fn, ctx, nclaimed);
}

int
journal_claim_probe(struct journal *j, const char *target, const char *owner,
    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
    int *claimed)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_PROBE)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, lease_until);
	sqlite3_bind_int64(st, 3, now);
	journal_bind_text(st, 4, target);
	return claim_rows(j, st, fn, ctx, claimed);
}

int
journal_attempt_add(struct journal *j, const struct journal_attempt *a,
    const char *owner, int *kept)
{
	int64_t done_at = a->started_at + a->duration_ms;
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_ATTEMPT_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->delivery_id);
	sqlite3_bind_int(st, 2, a->attempt);
	sqlite3_bind_int64(st, 3, a->started_at);
	sqlite3_bind_int64(st, 4, a->duration_ms);
	if (a->http_status > 0)
		sqlite3_bind_int(st, 5, a->http_status);
	journal_bind_text(st, 6, a->error_class);
	journal_bind_text(st, 7, a->error);
	journal_bind_text(st, 8, a->excerpt);
	if ((rc = journal_step_done(j, st, "add attempt")) != 0 ||
	    (rc = journal_count(j, a->started_at, "attempt", a->target,
	    a->error_class != NULL ? a->error_class : "ok", NULL, 1,
	    a->duration_ms)) != 0)
		return rc;

	if ((st = journal_sql(j, SQL_DELIVERY_DONE)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->delivery_id);
	journal_bind_text(st, 2, a->status);
	sqlite3_bind_int(st, 3, a->attempt);
	sqlite3_bind_int64(st, 4, a->not_before);
	journal_bind_text(st, 5, a->error);
	sqlite3_bind_int64(st, 6, done_at);
	journal_bind_text(st, 7, owner);
	journal_bind_text(st, 8, a->error_class);
	journal_bind_text(st, 9, a->remote_id);
	if ((rc = journal_step_done(j, st, "finish delivery")) != 0)
		return rc;
	/* Not "pending": that delivery's target is disabled, it waits. */
	if (!(*kept = sqlite3_changes(j->db) == 1) ||
	    strcmp(a->status, "pending") == 0)
		return 0;
	if ((rc = journal_count(j, done_at, "delivery", a->target, a->status,
	    NULL, 1, 0)) != 0)
		return rc;
	return strcmp(a->status, "delivered") != 0 ? 0 :
	    journal_count_latency(j, a->target, a->event_id, done_at);
}

int
journal_claim_release(struct journal *j, const char *id, const char *owner,
    int64_t now)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_RELEASE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, owner);
	sqlite3_bind_int64(st, 3, now);
	return journal_step_done(j, st, "release a claim");
}

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

void
journal_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int
journal_events_query(struct journal *j, const struct journal_filter *f,
    journal_row_fn fn, void *ctx)
{
	sqlite3_stmt *st;

	if ((st = journal_sql(j, SQL_EVENTS_QUERY)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->type);
	journal_bind_opt(st, 2, f->source);
	journal_bind_opt(st, 3, f->status);
	journal_bind_opt(st, 4, f->tenant);
	if (f->since > 0)
		sqlite3_bind_int64(st, 5, f->since);
	else
		sqlite3_bind_null(st, 5);
	if (f->until > 0)
		sqlite3_bind_int64(st, 6, f->until);
	else
		sqlite3_bind_null(st, 6);
	journal_bind_opt(st, 7, f->after);
	sqlite3_bind_int(st, 8, f->limit);
	return journal_step_rows(j, st, fn, ctx, "list events");
}

int
journal_event_detail(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_DETAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if ((*found = rc == SQLITE_ROW))
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, "show event");
}

int
journal_event_retry(struct journal *j, const char *id, int64_t now,
    int *remap, int *redeliver)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_done(j, st, "retry event")) != 0)
		return rc;
	*remap = sqlite3_changes(j->db);
	if ((st = journal_sql(j, SQL_DELIVERIES_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	*redeliver = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*redeliver)++;
		if ((rc = journal_count(j, now, "delivery",
		    (const char *)sqlite3_column_text(st, 0), "requeued", NULL,
		    1, 0)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "retry deliveries");
}

/* One JSON value from st, bound with ?1 = now if it takes it. */
static int
json_of(struct journal *j, enum journal_sql which, int64_t now, struct buf *out,
    const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	return journal_step_end(j, st, rc, what);
}

int
journal_status(struct journal *j, int64_t now, struct buf *out)
{
	return json_of(j, SQL_STATUS, now, out, "count");
}

int
journal_targets_last(struct journal *j, struct buf *out)
{
	return json_of(j, SQL_TARGETS_LAST, 0, out, "read the last attempts");
}

int
journal_checkpoint(struct journal *j, int *left)
{
	int log = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(j->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &done) != SQLITE_OK)
		return journal_fail(j, "checkpoint");
	*left = log > done ? log - done : 0;
	return 0;
}
