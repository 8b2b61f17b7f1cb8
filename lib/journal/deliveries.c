/*
 * journal/deliveries: the deliveries: added, claimed, tried.  See
 * journal/deliveries.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/private.h"
#include "journal/seal.h"

int
journal_delivery_seal(struct seal *seal, struct journal_delivery *d,
    struct buf *headers, struct buf *body)
{
	if (!seal_on(seal) || d->sealed)
		return 0;
	if ((d->headers != NULL && journal_seal_row(seal, AAD_HEADERS, d->id,
	    d->headers, strlen(d->headers), headers) != 0) ||
	    (d->body != NULL && journal_seal_row(seal, AAD_BODY, d->id, d->body,
	    d->body_len, body) != 0))
		return -1;
	if (d->headers != NULL) {
		d->headers = headers->data;
		d->headers_len = headers->len;
	}
	if (d->body != NULL) {
		d->body = body->data;
		d->body_len = body->len;
	}
	d->sealed = 1;
	return 0;
}

int
journal_delivery_add(struct journal *j, const struct journal_delivery *d,
    int *added)
{
	struct journal_stmt *st;
	int64_t n, ticket;
	int rc;

	if ((st = journal_sql(j, SQL_DELIVERY_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, d->id);
	journal_bind_text(st, 2, d->event_id);
	journal_bind_text(st, 3, d->target);
	journal_bind_text(st, 4, d->route);
	journal_bind_int64(st, 5, d->step);
	journal_bind_text(st, 6, d->method);
	journal_bind_text(st, 7, d->url);
	if (d->sealed) {
		journal_bind_blob(st, 8, d->headers, d->headers_len);
		journal_bind_blob(st, 9, d->body, d->body_len);
	} else {
		journal_bind_text(st, 8, d->headers);
		journal_bind_textn(st, 9, d->body, d->body_len);
	}
	journal_bind_int64(st, 10, d->not_before);
	journal_bind_int64(st, 11, d->created_at);
	journal_bind_int64(st, 12, d->priority);
	journal_bind_text(st, 13, d->dead);
	journal_bind_int64(st, 14, d->mapping_version);
	journal_bind_text(st, 15, d->group);
	journal_bind_text(st, 16, d->dead_class != NULL ? d->dead_class :
	    "mapping");
	journal_bind_text(st, 17, d->item);
	journal_bind_int64(st, 18, d->ordered);
	journal_bind_int64(st, 19, d->sealed);
	if (added == NULL) {
		/* Counted if added, which only the commit waits to know. */
		if ((rc = journal_step_done(j, st, "add delivery")) != 0)
			return rc;
		ticket = journal_changes_ticket(j);
		if ((rc = journal_count_if(j, ticket, d->created_at,
		    "delivery", d->target, "created", NULL, 1, 0)) != 0)
			return rc;
		if (d->dead == NULL) {
			journal_work(j);
			return 0;
		}
		return journal_count_if(j, ticket, d->created_at, "delivery",
		    d->target, "dead", NULL, 1, 0);
	}
	if ((rc = journal_step_count(j, st, "add delivery", &n)) != 0)
		return rc;
	if (!(*added = n == 1))
		return 0;
	if ((rc = journal_count(j, d->created_at, "delivery", d->target,
	    "created", NULL, 1, 0)) != 0)
		return rc;
	if (d->dead == NULL) {
		journal_work(j);
		return 0;
	}
	return journal_count(j, d->created_at, "delivery", d->target, "dead",
	    NULL, 1, 0);
}

/* Hands each row of a claiming UPDATE ... RETURNING to fn. */
static int
claim_rows(struct journal *j, struct journal_stmt *st, journal_claim_fn fn,
    void *ctx, int *n)
{
	struct journal_claim c;
	int rc, cbrc = 0;

	*n = 0;
	/*
	 * Step to the end before calling back: the claim is one statement,
	 * and SQLite applies RETURNING's changes as the rows come.
	 */
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		if (cbrc != 0)
			continue;
		c.id = journal_column_text(st, 0);
		c.event_id = journal_column_text(st, 1);
		c.target = journal_column_text(st, 2);
		c.route = journal_column_text(st, 3);
		c.method = journal_column_text(st, 4);
		c.url = journal_column_text(st, 5);
		c.headers = journal_column_text(st, 6);
		c.body = journal_column_text(st, 7);
		c.body_len = journal_column_bytes(st, 7);
		c.attempts = journal_column_int(st, 8);
		c.priority = journal_column_int(st, 9);
		c.event_type = journal_column_text(st, 10);
		c.tenant = journal_column_text(st, 11);
		c.step = journal_column_int(st, 12);
		c.group = journal_column_text(st, 13);
		c.item = journal_column_text(st, 14);
		cbrc = fn(ctx, &c);
		(*n)++;
	}
	if (rc != JOURNAL_DONE) {
		rc = journal_fail(j, "claim deliveries");
		journal_reset(st);
		return rc;
	}
	journal_reset(st);
	return cbrc;
}

int
journal_claim_ids(struct journal *j, const char (*ids)[ID_LEN + 1],
    size_t n, const char *owner, int64_t now, int64_t lease_until,
    journal_claim_fn fn, void *ctx, int *claimed,
    void (*missed)(void *ctx, const char *id))
{
	struct journal_stmt *st;
	size_t i;
	int rc;

	if (n == 0) {
		*claimed = 0;
		return 0;
	}
	/* The ids as a JSON array, for json_each. */
	buf_reset(&j->ids);
	buf_addc(&j->ids, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&j->ids, ',');
		buf_add_json_string(&j->ids, ids[i], strlen(ids[i]));
	}
	buf_addc(&j->ids, ']');
	if ((st = journal_sql(j, SQL_CLAIM_IDS)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	journal_bind_int64(st, 2, lease_until);
	journal_bind_int64(st, 3, now);
	journal_bind_textn(st, 4, j->ids.data, j->ids.len);
	if ((rc = claim_rows(j, st, fn, ctx, claimed)) != 0 ||
	    (size_t)*claimed == n || missed == NULL)
		return rc;
	if ((st = journal_sql(j, SQL_CLAIM_IDS_MISSED)) == NULL)
		return -1;
	journal_bind_textn(st, 1, j->ids.data, j->ids.len);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, lease_until);
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		missed(ctx, journal_column_text(st, 0));
	return journal_step_end(j, st, rc, "find deliveries not claimed");
}

int
journal_claim_due(struct journal *j, int limit, const char *owner,
    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
    int *nclaimed)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_DUE)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	journal_bind_int64(st, 2, lease_until);
	journal_bind_int64(st, 3, now);
	journal_bind_int64(st, 4, limit);
	return claim_rows(j, st, fn, ctx, nclaimed);
}

int
journal_claim_probe(struct journal *j, const char *target, const char *owner,
    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
    int *claimed)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_PROBE)) == NULL)
		return -1;
	journal_bind_text(st, 1, owner);
	journal_bind_int64(st, 2, lease_until);
	journal_bind_int64(st, 3, now);
	journal_bind_text(st, 4, target);
	return claim_rows(j, st, fn, ctx, claimed);
}

int
journal_attempt_send(struct journal *j, const struct journal_attempt *a,
    const char *owner, int64_t *ticket)
{
	int64_t done_at = a->started_at + a->duration_ms;
	struct journal_stmt *st;
	int rc;

	if ((rc = journal_count(j, a->started_at, "attempt", a->target,
	    a->error_class != NULL ? a->error_class : "ok", NULL, 1,
	    a->duration_ms)) != 0 ||
	    (a->channel != NULL && (rc = journal_count(j, a->started_at,
	    "message_try", a->channel, a->error_class != NULL ?
	    a->error_class : "ok", a->cadence, 1, a->duration_ms)) != 0))
		return rc;
	if (j->be->attempt_add != NULL)
		return j->be->attempt_add(j, a, owner, ticket);

	if ((st = journal_sql(j, SQL_ATTEMPT_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->delivery_id);
	journal_bind_int64(st, 2, a->attempt);
	journal_bind_int64(st, 3, a->started_at);
	journal_bind_int64(st, 4, a->duration_ms);
	if (a->http_status > 0)
		journal_bind_int64(st, 5, a->http_status);
	journal_bind_text(st, 6, a->error_class);
	journal_bind_text(st, 7, a->error);
	journal_bind_text(st, 8, a->excerpt);
	if ((rc = journal_step_done(j, st, "add attempt")) != 0)
		return rc;

	if ((st = journal_sql(j, SQL_DELIVERY_DONE)) == NULL)
		return -1;
	journal_bind_text(st, 1, a->delivery_id);
	journal_bind_text(st, 2, a->status);
	journal_bind_int64(st, 3, a->attempt);
	journal_bind_int64(st, 4, a->not_before);
	journal_bind_text(st, 5, a->error);
	journal_bind_int64(st, 6, done_at);
	journal_bind_text(st, 7, owner);
	journal_bind_text(st, 8, a->error_class);
	journal_bind_text(st, 9, a->remote_id);
	if ((rc = journal_step_done(j, st, "finish delivery")) != 0)
		return rc;
	*ticket = journal_changes_ticket(j);
	return 0;
}

int
journal_attempt_sent(struct journal *j, const struct journal_attempt *a,
    int64_t ticket, int *kept)
{
	int64_t done_at = a->started_at + a->duration_ms, changed;
	int rc;

	if ((changed = journal_ticket_changes(j, ticket, "finish delivery")) <
	    0)
		return (int)changed;
	/* Not "pending": that delivery's target is disabled, it waits. */
	if (!(*kept = changed == 1) || strcmp(a->status, "pending") == 0)
		return 0;
	if ((rc = journal_count(j, done_at, "delivery", a->target, a->status,
	    NULL, 1, 0)) != 0 || (a->channel != NULL &&
	    strcmp(a->status, "failed") != 0 && (rc = journal_count(j,
	    done_at, "message", a->channel, a->status, a->cadence, 1,
	    0)) != 0))
		return rc;
	return strcmp(a->status, "delivered") != 0 ? 0 :
	    journal_count_latency(j, a->target, a->event_id, done_at);
}

int
journal_claim_release(struct journal *j, const char *id, const char *owner,
    int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_CLAIM_RELEASE)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, owner);
	journal_bind_int64(st, 3, now);
	return journal_step_done(j, st, "release a claim");
}
