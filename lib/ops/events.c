/*
 * ops/events: list, show and retry events.  See ops/events.h.
 */
#include <stdio.h>
#include <string.h>

#include "ops/idlist.h"
#include "ops/page.h"
#include "base/buf.h"
#include "base/clock.h"
#include "ops/events.h"

void
ops_events_filter_init(struct journal_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->limit = OPS_EVENTS_LIMIT;
}

int
ops_events_filter_set(struct journal_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	static const char *const statuses[] = { "received", "normalized",
	    "mapped", "rejected" };
	size_t i;

	if (strcmp(name, "type") == 0)
		f->type = value;
	else if (strcmp(name, "source") == 0)
		f->source = value;
	else if (strcmp(name, "tenant") == 0)
		f->tenant = value;
	else if (strcmp(name, "cursor") == 0)
		f->after = value;
	else if (strcmp(name, "status") == 0) {
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(value, statuses[i]) == 0)
				break;
		if (i == sizeof(statuses) / sizeof(statuses[0])) {
			snprintf(err, errsz, "status is received, normalized,"
			    " mapped or rejected");
			return -1;
		}
		f->status = value;
	} else
		return ops_page_filter(name, value, &f->since, &f->until,
		    &f->limit, OPS_EVENTS_LIMIT_MAX, err, errsz);
	return 0;
}

int
ops_events_filter_option(void *f, const char *name, const char *value,
    char *err, size_t errsz)
{
	return ops_events_filter_set(f, name, value, err, errsz);
}

int
ops_events_list(struct journal *j, const struct journal_filter *f,
    struct buf *out)
{
	struct ops_page p;

	ops_page_open(&p, out, "events");
	if (journal_events_query(j, f, ops_page_row, &p) != 0)
		return -1;
	ops_page_close(&p, f->limit);
	return 0;
}

int
ops_events_show(struct journal *j, const char *id, struct buf *out, int *found)
{
	return journal_event_detail(j, id, out, found);
}

int
ops_events_retry(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	enum journal_event_status st;
	int remap, redeliver;

	*found = 0;
	if (journal_event_status(j, id, &st, NULL) != 0)
		return -1;
	if (st == JOURNAL_UNKNOWN)
		return 0;
	*found = 1;
	if (journal_begin(j) != 0)
		return -1;
	if (journal_event_retry(j, id, clock_ms(), &remap, &redeliver) != 0 ||
	    journal_commit(j) != 0) {
		journal_rollback(j);
		return -1;
	}
	buf_addf(out, "{\"id\":\"%s\",\"remapped\":%s,\"redelivered\":%d}", id,
	    remap ? "true" : "false", redeliver);
	return 0;
}

void
ops_events_retry_init(struct journal_retry_filter *f)
{
	memset(f, 0, sizeof(*f));
}

int
ops_events_retry_set(struct journal_retry_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	if (strcmp(name, "target") == 0)
		f->target = value;
	else if (strcmp(name, "class") == 0) {
		if (ops_dlq_class_check(value, err, errsz) != 0)
			return -1;
		f->error_class = value;
	} else if (strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0) {
		snprintf(err, errsz, "unknown filter '%s'", name);
		return -1;
	} else
		return ops_events_filter_set(&f->events, name, value, err,
		    errsz);
	return 0;
}

void
ops_events_retried_release(struct ops_events_retried *what)
{
	ops_dlq_tally_release(&what->redelivered);
	*what = (struct ops_events_retried)OPS_EVENTS_RETRIED_INIT;
}

/* The events a query takes: each id, and whether map would take it. */
struct matched {
	struct ops_idlist	 ids;
	struct buf		 mappable;	/* a byte an id, 1 or 0 */
};

static int
matched_row(void *ctx, const char *id, const char *status, size_t len)
{
	struct matched *m = ctx;

	(void)len;
	ops_idlist_add(&m->ids, id);
	/* As SQL_EVENT_RETRY: a received or rejected event is not. */
	buf_addc(&m->mappable, strcmp(status, "normalized") == 0 ||
	    strcmp(status, "mapped") == 0);
	return 0;
}

/* What retrying each event m holds would do, changing nothing. */
static int
count_all(struct journal *j, const struct journal_retry_filter *f,
    int remap, const struct matched *m, struct ops_events_retried *what)
{
	size_t i;

	for (i = 0; i < m->ids.n; i++) {
		if (journal_event_retryable(j, m->ids.v[i], f,
		    ops_dlq_tally_row, &what->redelivered) != 0)
			return -1;
		what->events++;
		what->remapped += remap && m->mappable.data[i];
	}
	return 0;
}

/* One batch of ids[0..n) retried, in a transaction; counted once done. */
static int
retry_batch(struct journal *j, const struct journal_retry_filter *f,
    int remap, char *const ids[], size_t n, struct ops_events_retried *what)
{
	struct ops_dlq_tally sent = OPS_DLQ_TALLY_INIT;
	int64_t now = clock_ms();
	size_t i, remapped = 0;
	int one;

	if (journal_begin(j) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (journal_event_redeliver(j, ids[i], f, remap, now, &one,
		    ops_dlq_tally_row, &sent) != 0) {
			journal_rollback(j);
			ops_dlq_tally_release(&sent);
			return -1;
		}
		remapped += (size_t)one;
	}
	if (journal_commit(j) != 0) {
		journal_rollback(j);
		ops_dlq_tally_release(&sent);
		return -1;
	}
	what->events += n;
	what->remapped += remapped;
	for (i = 0; i < sent.nv; i++)
		ops_dlq_tally_add(&what->redelivered, sent.v[i].target,
		    sent.v[i].n);
	ops_dlq_tally_release(&sent);
	return 0;
}

int
ops_events_retry_query(struct journal *j, const struct journal_retry_filter *f,
    int dry_run, struct ops_events_retried *what)
{
	struct matched m = { OPS_IDLIST_INIT, BUF_INIT };
	int remap = (f->target == NULL || *f->target == '\0') &&
	    (f->error_class == NULL || *f->error_class == '\0');
	size_t at, n;
	int rc;

	if ((rc = journal_events_retry_match(j, f, matched_row, &m)) != 0)
		goto out;
	if (dry_run) {
		rc = count_all(j, f, remap, &m, what);
		goto out;
	}
	for (at = 0; at < m.ids.n && rc == 0; at += n) {
		n = m.ids.n - at < OPS_EVENTS_BATCH ? m.ids.n - at :
		    OPS_EVENTS_BATCH;
		rc = retry_batch(j, f, remap, m.ids.v + at, n, what);
	}
out:
	ops_idlist_release(&m.ids);
	buf_release(&m.mappable);
	return rc;
}

void
ops_events_retried_json(struct buf *out, const struct ops_events_retried *what,
    int dry_run)
{
	buf_addf(out, "{\"dry_run\":%s,\"events\":%zu,\"remapped\":%zu,"
	    "\"redelivered\":%zu,\"by_target\":", dry_run ? "true" : "false",
	    what->events, what->remapped, what->redelivered.total);
	ops_dlq_tally_json(out, &what->redelivered);
	buf_addc(out, '}');
}
