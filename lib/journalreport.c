/*
 * journalreport: the counts the triggers of migration 8 keep, read for
 * integra-report.  See journal.h.
 */
#include <sqlite3.h>

#include "journal.h"
#include "journalpriv.h"

_Static_assert(JOURNAL_REPORT_BACKLOG < JOURNAL_REPORT_STMTS,
    "journalpriv.h: raise JOURNAL_REPORT_STMTS");

/* Each query's names come first, then its numbers. */
static const struct {
	const char	*sql;
	int		 nnames;
} queries[] = {
	[JOURNAL_REPORT_EVENTS] = {
	    "SELECT type, source, status, sum(n) FROM event_counts"
	    " WHERE hour >= ?1 / 3600000 GROUP BY 1, 2, 3 HAVING sum(n) > 0"
	    " ORDER BY 1, 2, 3",
	    3 },
	[JOURNAL_REPORT_DELIVERIES] = {
	    "SELECT target, status, sum(n) FROM delivery_counts"
	    " WHERE hour >= ?1 / 3600000 GROUP BY 1, 2 HAVING sum(n) > 0"
	    " ORDER BY 1, 2",
	    2 },
	[JOURNAL_REPORT_ATTEMPTS] = {
	    "SELECT target, outcome, sum(n) FROM attempt_counts"
	    " WHERE hour >= ?1 / 3600000 GROUP BY 1, 2 ORDER BY 1, 2", 2 },
	[JOURNAL_REPORT_LATENCY] = {
	    "SELECT le, sum(n), sum(sum_ms) FROM delivery_latency"
	    " WHERE hour >= ?1 / 3600000 GROUP BY 1 ORDER BY le < 0, le", 0 },
	[JOURNAL_REPORT_TARGETS] = {
	    "SELECT target, disabled_at IS NOT NULL, CASE WHEN open_until > ?1"
	    " THEN 1 WHEN open_until IS NOT NULL THEN 2 ELSE 0 END"
	    " FROM target_states ORDER BY target", 1 },
	/*
	 * Ids are UUIDv7, so the oldest event of a status is its least id,
	 * found in the work-left index; the due deliveries' least not_before
	 * is looked up in the due index, one priority class at a time.
	 */
	[JOURNAL_REPORT_BACKLOG] = {
	    "SELECT (SELECT count(*) FROM events"
	    "  WHERE status IN ('received', 'normalized')),"
	    " (SELECT coalesce(sum(n), 0) FROM delivery_counts"
	    "  WHERE status = 'failed'),"
	    " (SELECT count(*) FROM deliveries WHERE status = 'dead'"
	    "  AND archived_at IS NULL),"
	    " (SELECT min(id) FROM (SELECT min(id) AS id FROM events"
	    "  WHERE status = 'received' UNION ALL SELECT min(id) FROM events"
	    "  WHERE status = 'normalized')),"
	    " (SELECT min(m) FROM (SELECT (SELECT min(not_before) FROM"
	    "  deliveries d WHERE d.status IN ('pending', 'failed') AND"
	    "  d.priority = p.column1) AS m FROM (VALUES (0), (1), (2), (3),"
	    "  (4)) p) WHERE m <= ?1)", 0 },
};

int
journal_report(struct journal *j, enum journal_report which, int64_t since_ms,
    journal_report_fn fn, void *ctx)
{
	struct journal_report_row row;
	sqlite3_stmt *st;
	int rc, i, n, k;

	if ((st = journal_prepared(j, &j->report[which],
	    queries[which].sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = (struct journal_report_row){ .name = { NULL } };
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			if (i < queries[which].nnames) {
				row.name[i] = (const char *)
				    sqlite3_column_text(st, i);
				continue;
			}
			k = i - queries[which].nnames;
			if (which == JOURNAL_REPORT_BACKLOG && k == 3)
				row.num[k] = sqlite3_column_type(st, i) ==
				    SQLITE_NULL ? 0 : id_time_ms((const char *)
				    sqlite3_column_text(st, i));
			else
				row.num[k] = sqlite3_column_int64(st, i);
		}
		if ((rc = fn(ctx, &row)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the counts");
}
