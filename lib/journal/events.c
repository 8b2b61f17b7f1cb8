/*
 * journal/events: the events, from ingest on.  See
 * journal/events.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "journal/events.h"
#include "journal/keyindex.h"
#include "journal/private.h"
#include "journal/seal.h"

static const char *const status_names[] = {
	[JOURNAL_RECEIVED] = "received",
	[JOURNAL_NORMALIZED] = "normalized",
	[JOURNAL_MAPPED] = "mapped",
	[JOURNAL_REJECTED] = "rejected",
};

/*
 * 1 if retention has replaced the key of any event, 0 if not: asked once a
 * transaction, since no other writer can retain one while it lasts (a
 * lookup of the index events_retained, empty until retention runs).
 */
static int
any_retained(struct journal *j)
{
	struct journal_stmt *st;
	int rc;

	if (j->in_tx && j->retained >= 0)
		return j->retained;
	if ((st = journal_sql(j, SQL_RETAINED_ANY)) == NULL)
		return -1;
	if ((rc = journal_step(st)) != JOURNAL_ROW)
		return journal_step_end(j, st, rc, "look for retained events");
	rc = journal_column_int(st, 0);
	journal_reset(st);
	if (j->in_tx)
		j->retained = rc;
	return rc;
}

/*
 * The event of a source with a key in index form: 1 and its id in id (if
 * not NULL) and its raw envelope in envelope (if not NULL and not dropped
 * by retention), 0 if there is none.
 */
static int
event_by_key(struct journal *j, const char *source, const void *form,
    size_t formlen, char id[ID_LEN + 1], struct buf *envelope)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_BY_KEY)) == NULL)
		return -1;
	journal_bind_text(st, 1, source);
	journal_bind_blob(st, 2, form, formlen);
	if ((rc = journal_step(st)) != JOURNAL_ROW)
		return journal_step_end(j, st, rc, "find duplicate event");
	if (id != NULL)
		snprintf(id, ID_LEN + 1, "%s", journal_column_text(st, 0));
	if (envelope != NULL)
		buf_add(envelope, journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
	journal_reset(st);
	return 1;
}

int
journal_event_seal(struct seal *seal, struct journal_event *ev,
    struct buf *out)
{
	if (!seal_on(seal) || ev->sealed)
		return 0;
	if (journal_seal_row(seal, ev->canonical ? AAD_CANONICAL : AAD_RAW,
	    ev->id, ev->envelope, ev->envelope_len, out) != 0)
		return -1;
	ev->envelope = out->data;
	ev->envelope_len = out->len;
	ev->sealed = 1;
	return 0;
}

/* A key's index form (keyindex.h), in j->key_form; returns its length. */
static size_t
key_form(struct journal *j, const char *key, size_t keylen)
{
	buf_reset(&j->key_form);
	buf_grow(&j->key_form, keylen + 1);
	return key_index(key, keylen, (unsigned char *)j->key_form.data);
}

int
journal_event_send(struct journal *j, const struct journal_event *ev,
    struct journal_sent *sent)
{
	unsigned char retained[KEY_INDEX_RETAINED_LEN];
	size_t keylen = strlen(ev->idempotency_key), formlen;
	struct journal_stmt *st;
	int rc;

	*sent = (struct journal_sent){ .ticket = -1 };
	/* The key of an event retention has replaced is known by its digest. */
	if ((rc = any_retained(j)) < 0)
		return rc;
	if (rc == 1) {
		key_index_retained(ev->source, ev->idempotency_key, keylen,
		    retained);
		if ((rc = event_by_key(j, ev->source, retained,
		    sizeof(retained), NULL, NULL)) < 0)
			return rc;
		if ((sent->retained = rc) == 1)
			return 0;
	}
	formlen = key_form(j, ev->idempotency_key, keylen);
	if (j->be->event_add != NULL)
		return j->be->event_add(j, ev, j->key_form.data, formlen,
		    &sent->ticket);
	if ((st = journal_sql(j, SQL_EVENT_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, ev->id);
	journal_bind_text(st, 2, ev->source);
	journal_bind_text(st, 3, ev->type);
	journal_bind_text(st, 4, ev->tenant);
	journal_bind_text(st, 5, ev->subject);
	journal_bind_text(st, 6, ev->time);
	journal_bind_text(st, 7, ev->idempotency_key);
	journal_bind_int64(st, 8, ev->received_at);
	journal_bind_blob(st, 9, j->key_form.data, formlen);
	journal_bind_text(st, 10, ev->rejected);
	journal_bind_int64(st, 11, ev->canonical);
	if ((rc = journal_step_done(j, st, "add event")) != 0)
		return rc;
	sent->ticket = journal_changes_ticket(j);

	/*
	 * The envelope goes with the event only if the event was new: the
	 * statements say so themselves, so that neither waits for the
	 * other's answer.
	 */
	if ((st = journal_sql(j, ev->canonical ? SQL_CANONICAL_NEW :
	    SQL_RAW_ADD)) == NULL)
		return -1;
	/* What was refused is kept byte for byte, valid or not. */
	if (ev->rejected != NULL || ev->sealed)
		journal_bind_blob(st, 1, ev->envelope, ev->envelope_len);
	else
		journal_bind_textn(st, 1, ev->envelope, ev->envelope_len);
	journal_bind_int64(st, 2, ev->sealed);
	journal_bind_text(st, 3, ev->id);
	return journal_step_done(j, st, "add raw envelope");
}

int
journal_event_sent(struct journal *j, const struct journal_event *ev,
    const struct journal_sent *sent, char dup_id[ID_LEN + 1],
    struct buf *dup_envelope)
{
	unsigned char retained[KEY_INDEX_RETAINED_LEN];
	size_t keylen = strlen(ev->idempotency_key), formlen;
	int64_t changed;
	int rc;

	if (sent->retained) {
		key_index_retained(ev->source, ev->idempotency_key, keylen,
		    retained);
		return event_by_key(j, ev->source, retained, sizeof(retained),
		    dup_id, dup_envelope);
	}
	if ((changed = journal_ticket_changes(j, sent->ticket, "add event")) <
	    0)
		return (int)changed;
	if (changed == 1) {
		if ((rc = journal_count(j, ev->received_at, "event", ev->type,
		    ev->source, "received", 1, 0)) != 0 ||
		    (ev->rejected != NULL && (rc = journal_count(j,
		    ev->received_at, "event", ev->type, ev->source, "rejected",
		    1, 0)) != 0) ||
		    (ev->canonical && (rc = journal_count(j, ev->received_at,
		    "event", ev->type, ev->source, "normalized", 1, 0)) != 0))
			return rc;
		return 0;
	}

	/* The source sent this key before: hand back the original. */
	formlen = key_form(j, ev->idempotency_key, keylen);
	if ((rc = event_by_key(j, ev->source, j->key_form.data, formlen,
	    dup_id, dup_envelope)) == 0) {
		snprintf(j->err, sizeof(j->err), "journal '%s': find duplicate"
		    " event: not found", j->path);
		return -1;
	}
	return rc;
}

int
journal_event_add(struct journal *j, const struct journal_event *ev,
    char dup_id[ID_LEN + 1], struct buf *dup_envelope)
{
	struct journal_sent sent;
	int rc;

	if ((rc = journal_event_send(j, ev, &sent)) != 0)
		return rc;
	return journal_event_sent(j, ev, &sent, dup_id, dup_envelope);
}

int
journal_event_status(struct journal *j, const char *id,
    enum journal_event_status *status, struct buf *canonical)
{
	struct journal_stmt *st;
	const char *s;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_STATUS)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	rc = journal_step(st);
	if (rc == JOURNAL_DONE) {
		*status = JOURNAL_UNKNOWN;
		journal_reset(st);
		return 0;
	}
	if (rc != JOURNAL_ROW) {
		rc = journal_fail(j, "read event");
		journal_reset(st);
		return rc;
	}
	s = journal_column_text(st, 0);
	for (*status = JOURNAL_RECEIVED; *status < JOURNAL_UNKNOWN; (*status)++)
		if (strcmp(s, status_names[*status]) == 0)
			break;
	if (canonical != NULL && !journal_column_null(st, 1))
		buf_add(canonical, journal_column_text(st, 1),
		    journal_column_bytes(st, 1));
	journal_reset(st);
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
	struct journal_stmt *st;
	const char *s;
	int rc, n;

	if ((st = journal_sql(j, SQL_EVENT_FIND)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	*seq = 0;
	*status = JOURNAL_UNKNOWN;
	if ((rc = journal_step(st)) == JOURNAL_ROW) {
		*seq = journal_column_int64(st, 0);
		s = journal_column_text(st, 3);
		for (*status = JOURNAL_RECEIVED; *status < JOURNAL_UNKNOWN;
		    (*status)++)
			if (strcmp(s, status_names[*status]) == 0)
				break;
		if (moved != NULL && (n = journal_count(j, clock_ms(),
		    "event", journal_column_text(st, 1),
		    journal_column_text(st, 2), moved, 1,
		    0)) != 0) {
			journal_reset(st);
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
journal_event_normalize(struct journal *j, const char *id, int64_t *ticket)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_NORMALIZE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_done(j, st, "normalize event")) != 0)
		return rc;
	*ticket = journal_changes_ticket(j);
	return 0;
}

int
journal_event_normalized(struct journal *j, const char *id, int64_t ticket,
    const char *type, int retyped, const char *source, const char *canonical,
    size_t len, int *done)
{
	struct journal_stmt *st;
	int64_t n;
	int rc;

	if ((n = journal_ticket_changes(j, ticket, "normalize event")) < 0)
		return (int)n;
	if (!(*done = n == 1))
		return 0;
	if (retyped) {
		if ((st = journal_sql(j, SQL_EVENT_RETYPE)) == NULL)
			return -1;
		journal_bind_text(st, 1, id);
		journal_bind_text(st, 2, type);
		if ((rc = journal_step_done(j, st, "retype event")) != 0)
			return rc;
	}
	/* The event's seq is found by the insert: no answer waited for. */
	if ((st = journal_sql(j, SQL_CANONICAL_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_textn(st, 2, canonical, len);
	journal_bind_int64(st, 3, 0);
	if ((rc = journal_step_done(j, st, "add canonical envelope")) != 0)
		return rc;
	return journal_count(j, clock_ms(), "event", type, source,
	    "normalized", 1, 0);
}

int
journal_event_map(struct journal *j, const char *id, const char *type,
    const char *source, int *done)
{
	enum journal_event_status status;
	struct journal_stmt *st;
	int64_t seq, n;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_MAP)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_count(j, st, "map event", &n)) != 0)
		return rc;
	/* Not event_moved: map is the hot path, and it knows them. */
	if (n == 1) {
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
	struct journal_stmt *st;
	int64_t seq, n;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_REJECT)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, reason);
	journal_bind_text(st, 3, status_names[from]);
	if ((rc = journal_step_count(j, st, "reject event", &n)) != 0 ||
	    n != 1)
		return rc;
	return event_moved(j, id, "rejected", &seq);
}

int
journal_events_in(struct journal *j, enum journal_event_status status,
    const char *after_id, int limit, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_EVENTS_IN)) == NULL)
		return -1;
	journal_bind_text(st, 1, status_names[status]);
	journal_bind_text(st, 2, after_id != NULL ? after_id : "");
	journal_bind_int64(st, 3, limit);
	return journal_step_rows(j, st, fn, ctx, "list events");
}

int
journal_events_query(struct journal *j, const struct journal_filter *f,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_EVENTS_QUERY)) == NULL)
		return -1;
	journal_bind_opt(st, 1, f->type);
	journal_bind_opt(st, 2, f->source);
	journal_bind_opt(st, 3, f->status);
	journal_bind_opt(st, 4, f->tenant);
	if (f->since > 0)
		journal_bind_int64(st, 5, f->since);
	else
		journal_bind_null(st, 5);
	if (f->until > 0)
		journal_bind_int64(st, 6, f->until);
	else
		journal_bind_null(st, 6);
	journal_bind_opt(st, 7, f->after);
	journal_bind_int64(st, 8, f->limit);
	return journal_step_rows(j, st, fn, ctx, "list events");
}

int
journal_event_detail(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	struct journal_stmt *st;
	size_t at;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_DETAIL)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	rc = journal_step(st);
	if ((*found = rc == JOURNAL_ROW)) {
		at = out->len;
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
		/* The raw envelope is shown where it is JSON. */
		journal_json_put_column(out, at, "raw", st, 1,
		    JSON_PUT_OR_NULL);
		journal_json_put_column(out, at, "canonical", st, 2,
		    JSON_PUT_OR_NULL);
	}
	return journal_step_end(j, st, rc, "show event");
}

int
journal_event_retry(struct journal *j, const char *id, int64_t now,
    int *remap, int *redeliver)
{
	struct journal_stmt *st;
	int64_t n;
	int rc;

	if ((st = journal_sql(j, SQL_EVENT_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if ((rc = journal_step_count(j, st, "retry event", &n)) != 0)
		return rc;
	*remap = (int)n;
	if ((st = journal_sql(j, SQL_DELIVERIES_RETRY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_int64(st, 2, now);
	*redeliver = 0;
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		(*redeliver)++;
		journal_work(j);
		if ((rc = journal_count(j, now, "delivery",
		    journal_column_text(st, 0), "requeued", NULL,
		    1, 0)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "retry deliveries");
}

int
journal_events_retry_match(struct journal *j,
    const struct journal_retry_filter *f, journal_row_fn fn, void *ctx)
{
	const struct journal_filter *e = &f->events;
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_EVENTS_RETRY_MATCH)) == NULL)
		return -1;
	journal_bind_opt(st, 1, e->type);
	journal_bind_opt(st, 2, e->source);
	journal_bind_opt(st, 3, e->status);
	journal_bind_opt(st, 4, e->tenant);
	if (e->since > 0)
		journal_bind_int64(st, 5, e->since);
	if (e->until > 0)
		journal_bind_int64(st, 6, e->until);
	journal_bind_opt(st, 7, f->target);
	journal_bind_opt(st, 8, f->error_class);
	return journal_step_rows(j, st, fn, ctx, "find events to retry");
}

int
journal_event_retryable(struct journal *j, const char *id,
    const struct journal_retry_filter *f, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_EVENT_RETRYABLE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_opt(st, 2, f->target);
	journal_bind_opt(st, 3, f->error_class);
	return journal_step_rows(j, st, fn, ctx, "find deliveries to retry");
}

int
journal_event_redeliver(struct journal *j, const char *id,
    const struct journal_retry_filter *f, int remap, int64_t now,
    int *remapped, journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;
	const char *target;
	int64_t n;
	int rc;

	*remapped = 0;
	if (remap) {
		if ((st = journal_sql(j, SQL_EVENT_RETRY)) == NULL)
			return -1;
		journal_bind_text(st, 1, id);
		if ((rc = journal_step_count(j, st, "retry event", &n)) != 0)
			return rc;
		*remapped = (int)n;
	}
	if ((st = journal_sql(j, SQL_EVENT_REDELIVER)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_opt(st, 2, f->target);
	journal_bind_opt(st, 3, f->error_class);
	journal_bind_int64(st, 4, now);
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		journal_work(j);
		target = journal_column_text(st, 1);
		if ((rc = journal_count(j, now, "delivery", target, "requeued",
		    NULL, 1, 0)) != 0 || (rc = fn(ctx,
		    journal_column_text(st, 0), target,
		    journal_column_bytes(st, 1))) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "retry deliveries");
}
