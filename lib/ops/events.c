/*
 * ops/events: list, show and retry events.  See ops/events.h.
 */
#include <stdio.h>
#include <string.h>

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
