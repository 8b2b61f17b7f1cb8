/*
 * journal/counts: the counts of what happened (migration 8), kept by the
 * writers and read by integra-report.  See journal/counts.h.
 *
 * A trigger a row made ingest 2.1 times slower (SQLite sets up the
 * trigger's frame for every row), so the counts wait in memory, a small
 * hash table of the transaction's, and a commit writes them: a few upserts
 * for thousands of rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "journal/private.h"

/* As migrations/0008-counts.sql has them. */
const int64_t journal_latency_bounds[JOURNAL_LATENCY_BUCKETS] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000,
	900000, 3600000, 21600000, 86400000
};

/* As SQL_COUNT_SYNC_TIMES has them. */
const int64_t journal_sync_bounds[JOURNAL_SYNC_BUCKETS] = {
	1000, 5000, 15000, 60000, 300000, 900000, 3600000
};

/* FNV-1a over the hour and the names, each with its NUL. */
static uint32_t
tally_hash(int64_t hour, const char *const names[4])
{
	uint32_t h = 2166136261u;
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(hour); i++) {
		h ^= (uint8_t)(hour >> (8 * i));
		h *= 16777619u;
	}
	for (i = 0; i < 4; i++)
		for (p = names[i]; ; p++) {
			h ^= (uint8_t)*p;
			h *= 16777619u;
			if (*p == '\0')
				break;
		}
	return h;
}

static int
tally_is(const struct journal_tally *t, int64_t hour, uint32_t hash,
    const char *const names[4])
{
	const char *k = t->key;
	size_t i, len;

	if (t->hour != hour || t->hash != hash)
		return 0;
	for (i = 0; i < 4; i++) {
		len = strlen(names[i]) + 1;
		if ((size_t)(t->key + t->keylen - k) < len ||
		    memcmp(k, names[i], len) != 0)
			return 0;
		k += len;
	}
	return 1;
}

/* The slot of hash's key, or the free one where it would go. */
static struct journal_tally *
tally_slot(struct journal_tally *tab, size_t ntab, int64_t hour,
    uint32_t hash, const char *const names[4])
{
	size_t i = hash & (ntab - 1);

	while (tab[i].key != NULL && !tally_is(&tab[i], hour, hash, names))
		i = (i + 1) & (ntab - 1);
	return &tab[i];
}

static void
tally_grow(struct journal *j)
{
	struct journal_tally *old = j->tally, *t;
	size_t nold = j->ntally, i;

	j->ntally = nold > 0 ? nold * 2 : 16;
	j->tally = xcalloc(j->ntally, sizeof(*j->tally));
	for (i = 0; i < nold; i++) {
		if (old[i].key == NULL)
			continue;
		t = j->tally + (old[i].hash & (j->ntally - 1));
		while (t->key != NULL)
			t = t + 1 < j->tally + j->ntally ? t + 1 : j->tally;
		*t = old[i];
	}
	free(old);
}

/* The tally of names for the hour, made (at 0) if the transaction has none. */
static struct journal_tally *
tally_of(struct journal *j, int64_t hour, uint32_t hash,
    const char *const names[4])
{
	struct journal_tally *t;
	size_t i, len;
	char *k;

	if ((j->tally_used + 1) * 2 > j->ntally)
		tally_grow(j);
	t = tally_slot(j->tally, j->ntally, hour, hash, names);
	if (t->key == NULL) {
		for (i = 0, len = 0; i < 4; i++)
			len += strlen(names[i]) + 1;
		t->key = k = xmalloc(len);
		for (i = 0; i < 4; i++)
			k = stpcpy(k, names[i]) + 1;
		t->keylen = len;
		t->hour = hour;
		t->hash = hash;
		t->n = t->total = 0;
		j->tally_used++;
	}
	return t;
}

int
journal_count(struct journal *j, int64_t at_ms, const char *kind,
    const char *a, const char *b, const char *c, int64_t n, int64_t total)
{
	const char *names[4] = { kind, a != NULL ? a : "", b != NULL ? b : "",
	    c != NULL ? c : "" };
	int64_t hour = at_ms / JOURNAL_HOUR_MS;
	struct journal_tally *t;

	t = tally_of(j, hour, tally_hash(hour, names), names);
	t->n += n;
	t->total += total;
	return j->in_tx ? 0 : journal_count_flush(j);
}

int
journal_count_if(struct journal *j, int64_t ticket, int64_t at_ms,
    const char *kind, const char *a, const char *b, const char *c, int64_t n,
    int64_t total)
{
	const char *names[4] = { kind, a != NULL ? a : "", b != NULL ? b : "",
	    c != NULL ? c : "" };
	int64_t hour = at_ms / JOURNAL_HOUR_MS, changed;
	uint32_t hash = tally_hash(hour, names);
	struct journal_tally_if *w;

	if (!j->in_tx) {
		if ((changed = journal_ticket_changes(j, ticket, "count")) < 0)
			return (int)changed;
		return changed == 1 ? journal_count(j, at_ms, kind, a, b, c, n,
		    total) : 0;
	}
	if (j->ntally_if == j->tally_if_cap) {
		j->tally_if_cap = j->tally_if_cap > 0 ? 2 * j->tally_if_cap :
		    64;
		j->tally_if = xrealloc(j->tally_if, j->tally_if_cap *
		    sizeof(*j->tally_if));
	}
	/* Its tally made now, at 0, keeps the key: a flush skips it at 0. */
	w = &j->tally_if[j->ntally_if++];
	*w = (struct journal_tally_if){ .ticket = ticket, .hour = hour,
	    .key = tally_of(j, hour, hash, names)->key, .hash = hash, .n = n,
	    .total = total };
	return 0;
}

/* The counts whose tickets say their row changed, added to their tallies. */
static int
tally_settle(struct journal *j)
{
	const struct journal_tally_if *w;
	const char *names[4];
	struct journal_tally *t;
	int64_t changed;
	size_t i;

	for (w = j->tally_if; w < j->tally_if + j->ntally_if; w++) {
		if ((changed = journal_ticket_changes(j, w->ticket,
		    "count")) < 0)
			return (int)changed;
		if (changed != 1)
			continue;
		for (i = 0, names[0] = w->key; i < 3; i++)
			names[i + 1] = names[i] + strlen(names[i]) + 1;
		t = tally_slot(j->tally, j->ntally, w->hour, w->hash, names);
		t->n += w->n;
		t->total += w->total;
	}
	j->ntally_if = 0;
	return 0;
}

int
journal_count_latency(struct journal *j, const char *target,
    const char *event_id, int64_t at_ms)
{
	int64_t since = id_time_ms(event_id), ms;
	char bound[24] = "inf";
	size_t i;

	if (since < 0)
		return 0;	/* not a time: nothing to tell */
	ms = at_ms > since ? at_ms - since : 0;
	for (i = 0; i < JOURNAL_LATENCY_BUCKETS; i++)
		if (ms <= journal_latency_bounds[i]) {
			snprintf(bound, sizeof(bound), "%lld",
			    (long long)journal_latency_bounds[i]);
			break;
		}
	return journal_count(j, at_ms, "latency", target, bound, NULL, 1, ms);
}

int
journal_count_flush(struct journal *j)
{
	struct journal_tally *t;
	struct journal_stmt *st;
	const char *k;
	int rc, i;

	rc = tally_settle(j);
	for (t = j->tally; t < j->tally + j->ntally && rc == 0; t++) {
		if (t->key == NULL || (t->n == 0 && t->total == 0))
			continue;
		if ((st = journal_sql(j, SQL_COUNT_ADD)) == NULL) {
			rc = -1;
			break;
		}
		journal_bind_int64(st, 1, t->hour);
		for (i = 0, k = t->key; i < 4; i++, k += strlen(k) + 1)
			journal_bind_text(st, 2 + i, k);
		journal_bind_int64(st, 6, t->n);
		journal_bind_int64(st, 7, t->total);
		rc = journal_step_done(j, st, "add to the counts");
	}
	journal_count_drop(j, 0);
	return rc;
}

void
journal_count_drop(struct journal *j, int all)
{
	size_t i;

	j->ntally_if = 0;
	for (i = 0; i < j->ntally && j->tally_used > 0; i++)
		if (j->tally[i].key != NULL) {
			free(j->tally[i].key);
			j->tally[i].key = NULL;
			j->tally_used--;
		}
	if (all) {
		free(j->tally);
		j->tally = NULL;
		j->ntally = 0;
		free(j->tally_if);
		j->tally_if = NULL;
		j->tally_if_cap = 0;
	}
}

int
journal_report(struct journal *j, enum journal_report which, int64_t since_ms,
    journal_report_fn fn, void *ctx)
{
	static const enum journal_sql stmts[] = {
		[JOURNAL_REPORT_COUNTS] = SQL_COUNT_READ,
		[JOURNAL_REPORT_TARGETS] = SQL_COUNT_TARGETS,
		[JOURNAL_REPORT_WAITING] = SQL_COUNT_WAITING,
		[JOURNAL_REPORT_SYNCS] = SQL_COUNT_SYNCS,
		[JOURNAL_REPORT_HOURLY] = SQL_COUNT_HOURLY,
		[JOURNAL_REPORT_DEAD] = SQL_COUNT_DEAD,
		[JOURNAL_REPORT_FLOWS] = SQL_COUNT_FLOWS,
		[JOURNAL_REPORT_SYNC_TIMES] = SQL_COUNT_SYNC_TIMES,
	};
	static const int nnames[] = {
		[JOURNAL_REPORT_COUNTS] = 4,
		[JOURNAL_REPORT_TARGETS] = 1,
		[JOURNAL_REPORT_WAITING] = 0,
		[JOURNAL_REPORT_SYNCS] = 2,
		[JOURNAL_REPORT_HOURLY] = 2,
		[JOURNAL_REPORT_DEAD] = 3,
		[JOURNAL_REPORT_FLOWS] = 1,
		[JOURNAL_REPORT_SYNC_TIMES] = 2,
	};
	struct journal_report_row row;
	struct journal_stmt *st;
	const char *s;
	int rc, i, n;

	if ((st = journal_sql(j, stmts[which])) == NULL)
		return -1;
	journal_bind_int64(st, 1, since_ms);
	while ((rc = journal_step(st)) == JOURNAL_ROW) {
		memset(&row, 0, sizeof(row));
		n = journal_column_count(st);
		for (i = 0; i < n; i++) {
			if (i < nnames[which]) {
				row.name[i] = journal_column_text(st, i);
				continue;
			}
			/* The oldest event: the time of its id. */
			if (which == JOURNAL_REPORT_WAITING && i == 6) {
				s = journal_column_text(st, i);
				row.num[i] = s != NULL && id_time_ms(s) > 0 ?
				    id_time_ms(s) : 0;
			} else
				row.num[i - nnames[which]] =
				    journal_column_int64(st, i);
		}
		if ((rc = fn(ctx, &row)) != 0) {
			journal_reset(st);
			return rc;
		}
	}
	return journal_step_end(j, st, rc, "read the counts");
}

/* One JSON value from st, bound with ?1 = now if it takes it. */
static int
json_of(struct journal *j, enum journal_sql which, int64_t now, struct buf *out,
    const char *what)
{
	struct journal_stmt *st;
	int rc;

	if ((st = journal_sql(j, which)) == NULL)
		return -1;
	if (journal_bind_count(st) > 0)
		journal_bind_int64(st, 1, now);
	if ((rc = journal_step(st)) == JOURNAL_ROW)
		buf_add(out, journal_column_text(st, 0),
		    journal_column_bytes(st, 0));
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
