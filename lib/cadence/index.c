/*
 * index: synced records made a cadence's items.  See index.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/log.h"
#include "cadence/day.h"
#include "cadence/def.h"
#include "cadence/index.h"
#include "conf/config.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "json/jvparse.h"

#define INDEX_BATCH	1000	/* records a transaction, indexing all */

/* The day the item's step next falls due, or none. */
static int64_t
due_of(const struct cfg_cadence *cd, int64_t anchor, int stopped, int next)
{
	if (stopped || anchor == JOURNAL_NO_DAY || next < 0 ||
	    (size_t)next >= cd->nsteps)
		return JOURNAL_NO_DAY;
	return anchor + cd->steps[next].offset;
}

static int
index_one(struct cadence_def *d, struct journal *j, const char *key,
    const char *record, size_t len, int64_t now,
    struct cadence_index_result *res)
{
	const struct cfg_cadence *cd = d->cfg;
	struct journal_cadence_item it = { .key = key,
	    .anchor = JOURNAL_NO_DAY };
	struct buf err = BUF_INIT, contact = BUF_INIT, label = BUF_INIT;
	jv out = jv_null(), a, s, c, m, b;
	int64_t stopped_at = 0;
	int next = 0, was_stopped = 0, found, rc;

	if (jqprog_run(d->record, jvparse_text(record, len), &out,
	    &err) == 0 && jv_get_kind(out) == JV_KIND_ARRAY) {
		a = jv_array_get(jv_copy(out), 0);
		s = jv_array_get(jv_copy(out), 1);
		c = jv_array_get(jv_copy(out), 2);
		m = jv_array_get(jv_copy(out), 3);
		b = jv_array_get(jv_copy(out), 4);
		if (jv_get_kind(a) == JV_KIND_STRING &&
		    cadence_day_parse(jv_string_value(a),
		    (size_t)jv_string_length_bytes(jv_copy(a)), cd->timezone,
		    &it.anchor) != 0)
			it.anchor = JOURNAL_NO_DAY;
		it.stopped = jv_get_kind(s) != JV_KIND_NULL &&
		    jv_get_kind(s) != JV_KIND_FALSE;
		if (jvdump_key(&contact, c) == 0)
			it.contact = contact.data;
		if ((it.has_amount = jv_get_kind(m) == JV_KIND_NUMBER))
			it.amount = jv_number_value(m);
		if (jvdump_key(&label, b) == 0)
			it.label = label.data;
		jv_free(a);
		jv_free(s);
		jv_free(c);
		jv_free(m);
		jv_free(b);
	}
	jv_free(out);
	if (it.anchor == JOURNAL_NO_DAY) {
		res->undated++;
		/* The key only: the record may hold a name, a CPF. */
		log_warn(NULL, "cadence '%s': %s has no day to go by (its"
		    " anchor%s): it is skipped", cd->name, key,
		    err.len > 0 ? " fails" : " is not a date");
	}
	buf_release(&err);
	if ((rc = journal_cadence_item_next(j, cd->name, key, &next,
	    &was_stopped, &stopped_at, &found)) == 0) {
		it.next = found ? next : 0;
		/*
		 * Found over now: since now (what the report counts as
		 * recovered); over before: since then; over when first seen:
		 * no time.
		 */
		it.stopped_at = !it.stopped ? 0 : was_stopped ? stopped_at :
		    found ? now : 0;
		it.due = due_of(cd, it.anchor, it.stopped, it.next);
		rc = journal_cadence_item_put(j, cd->name, &it, now);
	}
	buf_release(&contact);
	buf_release(&label);
	if (rc == 0)
		res->indexed++;
	return rc;
}

int
cadence_index_synced(struct cadence_defs *ds, struct journal *j,
    const char *key, const char *record, size_t len, int64_t now,
    struct cadence_index_result *res)
{
	size_t i;

	for (i = 0; ds != NULL && i < ds->n; i++)
		if (strncmp(key, ds->defs[i].prefix,
		    strlen(ds->defs[i].prefix)) == 0 &&
		    index_one(&ds->defs[i], j, key, record, len, now,
		    res) != 0)
			return -1;
	return 0;
}

struct walk {
	struct cadence_def		*def;
	struct journal			*j;
	int64_t				 now;
	struct cadence_index_result	*res;
	struct buf			 last;
	int				 n;
};

static int
walk_one(void *ctx, const char *key, const char *record, size_t len)
{
	struct walk *w = ctx;

	buf_reset(&w->last);
	buf_adds(&w->last, key);
	w->n++;
	return index_one(w->def, w->j, key, record, len, w->now, w->res) != 0 ?
	    -1 : 0;
}

int
cadence_index_all(struct cadence_def *d, struct journal *j, int64_t now,
    struct cadence_index_result *res)
{
	struct walk w = { .def = d, .j = j, .now = now, .res = res };
	int rc;

	buf_adds(&w.last, "");
	do {
		w.n = 0;
		if ((rc = journal_begin(j)) != 0)
			break;
		rc = journal_cadence_records(j, d->cfg->over, d->prefix,
		    w.last.data, INDEX_BATCH, walk_one, &w);
		if (rc == 0 && w.n < INDEX_BATCH)
			rc = journal_cadence_indexed(j, d->cfg->name,
			    d->version, now);
		if (rc != 0 || (rc = journal_commit(j)) != 0) {
			journal_rollback(j);
			break;
		}
	} while (w.n == INDEX_BATCH);
	buf_release(&w.last);
	return rc != 0 ? -1 : 0;
}
