/*
 * ops/dlq: list, show, count, retry, archive and delete dead letters.  See
 * ops/dlq.h.
 */
#include <stdio.h>
#include <string.h>

#include "ops/page.h"
#include "base/buf.h"
#include "base/clock.h"
#include "ops/dlq.h"

void
ops_dlq_filter_init(struct journal_dlq_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->limit = OPS_DLQ_LIMIT;
}

int
ops_dlq_filter_set(struct journal_dlq_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	if (strcmp(name, "type") == 0)
		f->type = value;
	else if (strcmp(name, "target") == 0)
		f->target = value;
	else if (strcmp(name, "cursor") == 0)
		f->after = value;
	else if (strcmp(name, "archived") == 0) {
		if (strcmp(value, "no") == 0)
			f->archived = 0;
		else if (strcmp(value, "yes") == 0)
			f->archived = 1;
		else if (strcmp(value, "all") == 0)
			f->archived = -1;
		else {
			snprintf(err, errsz, "archived is no, yes or all");
			return -1;
		}
	} else if (strcmp(name, "since") == 0) {
		if (ops_page_time(value, &f->since) != 0) {
			snprintf(err, errsz, "since is an RFC 3339 time or ms"
			    " since the epoch");
			return -1;
		}
	} else if (strcmp(name, "limit") == 0) {
		if (ops_page_limit(value, OPS_DLQ_LIMIT_MAX, &f->limit) != 0) {
			snprintf(err, errsz, "limit is from 1 to %d",
			    OPS_DLQ_LIMIT_MAX);
			return -1;
		}
	} else {
		snprintf(err, errsz, "unknown filter '%.40s'", name);
		return -1;
	}
	return 0;
}

int
ops_dlq_list(struct journal *j, const struct journal_dlq_filter *f,
    struct buf *out)
{
	struct ops_page p;

	ops_page_open(&p, out, "dead_letters");
	if (journal_dlq_query(j, f, 0, ops_page_row, &p) != 0)
		return -1;
	ops_page_close(&p, f->limit);
	return 0;
}

int
ops_dlq_show(struct journal *j, const char *id, struct buf *out, int *found)
{
	return journal_dlq_detail(j, id, out, found);
}

int
ops_dlq_stats(struct journal *j, struct buf *out)
{
	return journal_dlq_stats(j, clock_ms(), out);
}

enum change { RETRY, ARCHIVE };

static int
change_one(struct journal *j, enum change what, const char *id,
    struct buf *out, int *found)
{
	int64_t now = clock_ms();

	if (journal_begin(j) != 0)
		return -1;
	if ((what == RETRY ? journal_dlq_retry(j, id, now, found) :
	    journal_dlq_archive(j, id, now, found)) != 0 ||
	    journal_commit(j) != 0) {
		journal_rollback(j);
		return -1;
	}
	if (*found) {
		buf_adds(out, "{\"id\":");
		buf_add_json_string(out, id, strlen(id));
		buf_addf(out, ",\"status\":\"%s\"}", what == RETRY ?
		    "pending" : "archived");
	}
	return 0;
}

int
ops_dlq_retry(struct journal *j, const char *id, struct buf *out, int *found)
{
	return change_one(j, RETRY, id, out, found);
}

int
ops_dlq_archive(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	return change_one(j, ARCHIVE, id, out, found);
}

int
ops_dlq_delete(struct journal *j, const char *id, int force, struct buf *out,
    enum journal_dlq_deleted *result)
{
	if (journal_begin(j) != 0)
		return -1;
	if (journal_dlq_delete(j, id, force, result) != 0 ||
	    journal_commit(j) != 0) {
		journal_rollback(j);
		return -1;
	}
	if (*result == JOURNAL_DLQ_DELETED) {
		buf_adds(out, "{\"id\":");
		buf_add_json_string(out, id, strlen(id));
		buf_adds(out, ",\"status\":\"deleted\"}");
	}
	return 0;
}
