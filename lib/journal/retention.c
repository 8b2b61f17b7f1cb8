/*
 * journal/retention: what LGPD retention reads and replaces (migration 11).
 * See journal/retention.h.
 */
#include <stdio.h>

#include "journal/journal.h"
#include "journal/retention.h"
#include "journal/private.h"

/*
 * Binds after's n keys from parameter i: "" where none yet, as no id,
 * tenant or job is empty.
 */
static void
bind_after(struct journal_stmt *st, const struct journal_retain_after *after,
    int i, int n)
{
	journal_bind_text_copy(st, i, after->a != NULL ? after->a : "");
	if (n == 2)
		journal_bind_text_copy(st, i + 1, after->b != NULL ?
		    after->b : "");
}

int
journal_retain_events(struct journal *j, int64_t before_ms,
    const struct journal_retain_after *after, int limit,
    journal_retain_fn fn, void *ctx)
{
	struct journal_stmt *st;
	char bound[16];
	int rc;

	if ((st = journal_sql(j, SQL_RETAIN_EVENTS)) == NULL)
		return -1;
	snprintf(bound, sizeof(bound), "%08llx-%04llx",
	    (unsigned long long)(before_ms >> 16) & 0xffffffffULL,
	    (unsigned long long)before_ms & 0xffffULL);
	journal_bind_text_copy(st, 1, bound);
	journal_bind_int64(st, 2, limit);
	bind_after(st, after, 3, 1);
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, journal_column_int64(st, 0),
		    journal_column_text(st, 1),
		    journal_column_text(st, 2),
		    journal_column_text(st, 3),
		    journal_column_text(st, 4),
		    journal_column_bytes(st, 4))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "find events to retain");
}

int
journal_retain_event(struct journal *j, int64_t seq, const char *id,
    const char *canonical, size_t len, const char *subject, const char *key,
    int64_t now)
{
	struct journal_stmt *st;
	int rc;

	if (canonical != NULL) {
		if ((st = journal_sql(j, SQL_RETAIN_CANONICAL)) == NULL)
			return -1;
		journal_bind_int64(st, 1, seq);
		journal_bind_textn(st, 2, canonical, len);
		journal_bind_text(st, 3, id);
		if ((rc = journal_step_done(j, st, "retain an envelope")) != 0)
			return rc;
	}
	if ((st = journal_sql(j, SQL_RETAIN_RAW_DROP)) == NULL)
		return -1;
	journal_bind_int64(st, 1, seq);
	if ((rc = journal_step_done(j, st, "drop a raw envelope")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_RETAIN_EVENT)) == NULL)
		return -1;
	journal_bind_int64(st, 1, seq);
	journal_bind_text(st, 2, subject);
	journal_bind_text(st, 3, key);
	journal_bind_int64(st, 4, now);
	if ((rc = journal_step_done(j, st, "retain an event")) == 0)
		j->retained = 1;
	return rc;
}

int
journal_retain_deliveries(struct journal *j, const char *event_id,
    journal_row_fn fn, void *ctx)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_RETAIN_DELIVERIES)) == NULL)
		return -1;
	journal_bind_text(st, 1, event_id);
	return journal_step_rows(j, st, fn, ctx, "find deliveries to retain");
}

int
journal_retain_delivery(struct journal *j, const char *id, const char *body,
    size_t len)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RETAIN_DELIVERY)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	if (body != NULL)
		journal_bind_textn(st, 2, body, len);
	if ((rc = journal_step_done(j, st, "retain a delivery")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_RETAIN_EXCERPTS)) == NULL)
		return -1;
	journal_bind_text(st, 1, id);
	return journal_step_done(j, st, "drop response excerpts");
}

int
journal_retain_contacts(struct journal *j, int64_t before_ms,
    const struct journal_retain_after *after, int limit,
    journal_contact_fn fn, void *ctx)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RETAIN_CONTACTS)) == NULL)
		return -1;
	journal_bind_int64(st, 1, before_ms);
	journal_bind_int64(st, 2, limit);
	bind_after(st, after, 3, 2);
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, journal_column_text(st, 0),
		    journal_column_text(st, 1))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "find contacts to retain");
}

int
journal_retain_contact(struct journal *j, const char *tenant,
    const char *contact, const char *hashed)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RETAIN_CONTACT_ADD)) == NULL)
		return -1;
	journal_bind_text(st, 1, tenant);
	journal_bind_text(st, 2, contact);
	journal_bind_text(st, 3, hashed);
	if ((rc = journal_step_done(j, st, "hash a contact")) != 0)
		return rc;
	if ((st = journal_sql(j, SQL_RETAIN_CONTACT_DROP)) == NULL)
		return -1;
	journal_bind_text(st, 1, tenant);
	journal_bind_text(st, 2, contact);
	return journal_step_done(j, st, "drop a contact");
}

int
journal_retain_records(struct journal *j, int64_t before_ms,
    const struct journal_retain_after *after, int limit,
    journal_record_fn fn, void *ctx)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, SQL_RETAIN_RECORDS)) == NULL)
		return -1;
	journal_bind_int64(st, 1, before_ms);
	journal_bind_int64(st, 2, limit);
	bind_after(st, after, 3, 2);
	while ((rc = journal_step(st)) == JOURNAL_ROW)
		if ((rc = fn(ctx, journal_column_text(st, 0),
		    journal_column_text(st, 1),
		    journal_column_text(st, 2),
		    journal_column_bytes(st, 2))) != 0) {
			journal_reset(st);
			return rc;
		}
	return journal_step_end(j, st, rc, "find records to retain");
}

int
journal_retain_record(struct journal *j, const char *job, const char *key,
    const char *record, size_t len, int64_t now)
{
	struct journal_stmt *st;

	if ((st = journal_sql(j, SQL_RETAIN_RECORD)) == NULL)
		return -1;
	journal_bind_text(st, 1, job);
	journal_bind_text(st, 2, key);
	journal_bind_textn(st, 3, record, len);
	journal_bind_int64(st, 4, now);
	return journal_step_done(j, st, "retain a synced record");
}
