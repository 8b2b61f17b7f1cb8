/*
 * ops/dlq: list, show, count, retry, archive and delete dead letters.  See
 * ops/dlq.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/idlist.h"
#include "ops/page.h"
#include "base/buf.h"
#include "base/clock.h"
#include "ops/dlq.h"

const char *const ops_dlq_classes[] = {
	"dns", "connect", "timeout", "tls", "url", "network",
	"http_408", "http_410", "http_425", "http_429", "http_5xx",
	"http_4xx", "http_other", "smtp_auth", "smtp_4xx", "smtp_5xx",
	"auth", "response", "config", "internal", "invalid", "mapping",
	"cancelled", "unknown", NULL
};

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
	} else
		return ops_page_filter(name, value, &f->since, NULL, &f->limit,
		    OPS_DLQ_LIMIT_MAX, err, errsz);
	return 0;
}

int
ops_dlq_class_check(const char *class, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; ops_dlq_classes[i] != NULL; i++)
		if (strcmp(class, ops_dlq_classes[i]) == 0)
			return 0;
	snprintf(err, errsz, "class '%.40s' is not an error class (see"
	    " integra-dlq(1))", class);
	return -1;
}

int
ops_dlq_query_set(struct journal_dlq_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	if (strcmp(name, "source") == 0)
		f->source = value;
	else if (strcmp(name, "tenant") == 0)
		f->tenant = value;
	else if (strcmp(name, "class") == 0) {
		if (ops_dlq_class_check(value, err, errsz) != 0)
			return -1;
		f->error_class = value;
	} else if (strcmp(name, "until") == 0)
		return ops_page_filter(name, value, &f->since, &f->until,
		    &f->limit, OPS_DLQ_LIMIT_MAX, err, errsz);
	else
		return ops_dlq_filter_set(f, name, value, err, errsz);
	return 0;
}

int
ops_dlq_each(struct journal *j, const struct journal_dlq_filter *f, int full,
    journal_row_fn fn, void *ctx)
{
	return journal_dlq_query(j, f, full, fn, ctx);
}

int
ops_dlq_list(struct journal *j, const struct journal_dlq_filter *f,
    struct buf *out)
{
	struct ops_page p;

	ops_page_open(&p, out, "dead_letters");
	if (ops_dlq_each(j, f, 0, ops_page_row, &p) != 0)
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

/* Does a to id, in the caller's transaction. */
static int
change_one(struct journal *j, enum ops_dlq_action a, const char *id,
    int force, int64_t now, enum ops_dlq_outcome *outcome)
{
	enum journal_dlq_deleted deleted;
	int done, rc;

	switch (a) {
	case OPS_DLQ_RETRY:
		rc = journal_dlq_retry(j, id, now, &done);
		break;
	case OPS_DLQ_ARCHIVE:
		rc = journal_dlq_archive(j, id, now, &done);
		break;
	default:
		if ((rc = journal_dlq_delete(j, id, force, &deleted)) != 0)
			return rc;
		*outcome = deleted == JOURNAL_DLQ_DELETED ? OPS_DLQ_DONE :
		    deleted == JOURNAL_DLQ_NOT_ARCHIVED ?
		    OPS_DLQ_NOT_ARCHIVED : OPS_DLQ_MISSING;
		return 0;
	}
	*outcome = done ? OPS_DLQ_DONE : OPS_DLQ_MISSING;
	return rc;
}

int
ops_dlq_change(struct journal *j, enum ops_dlq_action a,
    const char *const ids[], size_t n, int force, ops_dlq_fn fn, void *ctx)
{
	enum ops_dlq_outcome outcomes[OPS_DLQ_BATCH];
	int64_t now = clock_ms();
	size_t at, i, m;
	int rc;

	for (at = 0; at < n; at += m) {
		m = n - at < OPS_DLQ_BATCH ? n - at : OPS_DLQ_BATCH;
		if ((rc = journal_begin(j)) != 0)
			return rc;
		for (i = 0; i < m; i++)
			if ((rc = change_one(j, a, ids[at + i], force, now,
			    &outcomes[i])) != 0) {
				journal_rollback(j);
				return rc;
			}
		if ((rc = journal_commit(j)) != 0) {
			journal_rollback(j);
			return rc;
		}
		for (i = 0; i < m; i++)
			fn(ctx, ids[at + i], outcomes[i]);
	}
	return 0;
}

void
ops_dlq_changed_json(struct buf *out, const char *id, enum ops_dlq_action a)
{
	buf_adds(out, "{\"id\":");
	buf_add_json_string(out, id, strlen(id));
	buf_addf(out, ",\"status\":\"%s\"}", a == OPS_DLQ_RETRY ?
	    "pending" : a == OPS_DLQ_ARCHIVE ? "archived" : "deleted");
}

/* What ops_dlq_change did to the one id it was given. */
struct one {
	struct buf		*out;
	enum ops_dlq_action	 a;
	enum ops_dlq_outcome	 outcome;
};

static void
one_done(void *ctx, const char *id, enum ops_dlq_outcome outcome)
{
	struct one *o = ctx;

	o->outcome = outcome;
	if (outcome == OPS_DLQ_DONE)
		ops_dlq_changed_json(o->out, id, o->a);
}

int
ops_dlq_retry(struct journal *j, const char *id, struct buf *out, int *found)
{
	struct one o = { out, OPS_DLQ_RETRY, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, 0, one_done, &o);

	*found = o.outcome == OPS_DLQ_DONE;
	return rc;
}

int
ops_dlq_archive(struct journal *j, const char *id, struct buf *out,
    int *found)
{
	struct one o = { out, OPS_DLQ_ARCHIVE, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, 0, one_done, &o);

	*found = o.outcome == OPS_DLQ_DONE;
	return rc;
}

int
ops_dlq_delete(struct journal *j, const char *id, int force, struct buf *out,
    enum journal_dlq_deleted *result)
{
	struct one o = { out, OPS_DLQ_DELETE, OPS_DLQ_MISSING };
	int rc = ops_dlq_change(j, o.a, &id, 1, force, one_done, &o);

	*result = o.outcome == OPS_DLQ_DONE ? JOURNAL_DLQ_DELETED :
	    o.outcome == OPS_DLQ_NOT_ARCHIVED ? JOURNAL_DLQ_NOT_ARCHIVED :
	    JOURNAL_DLQ_NOT_DEAD;
	return rc;
}

void
ops_dlq_tally_add(struct ops_dlq_tally *t, const char *target, size_t n)
{
	size_t i;
	int cmp = 1;

	for (i = 0; i < t->nv; i++)
		if ((cmp = strcmp(target, t->v[i].target)) <= 0)
			break;
	if (cmp != 0) {
		if (t->nv == t->cap)
			t->v = xrealloc(t->v, (t->cap = t->cap ? 2 * t->cap :
			    8) * sizeof(*t->v));
		memmove(&t->v[i + 1], &t->v[i], (t->nv - i) * sizeof(*t->v));
		t->v[i] = (struct ops_dlq_count){ xstrdup(target), 0 };
		t->nv++;
	}
	t->v[i].n += n;
	t->total += n;
}

int
ops_dlq_tally_row(void *tally, const char *id, const char *target,
    size_t len)
{
	(void)id;
	(void)len;
	ops_dlq_tally_add(tally, target, 1);
	return 0;
}

void
ops_dlq_tally_release(struct ops_dlq_tally *t)
{
	size_t i;

	for (i = 0; i < t->nv; i++)
		free(t->v[i].target);
	free(t->v);
	*t = (struct ops_dlq_tally)OPS_DLQ_TALLY_INIT;
}

void
ops_dlq_tally_json(struct buf *out, const struct ops_dlq_tally *t)
{
	size_t i;

	buf_addc(out, '{');
	for (i = 0; i < t->nv; i++) {
		if (i > 0)
			buf_addc(out, ',');
		buf_add_json_string(out, t->v[i].target,
		    strlen(t->v[i].target));
		buf_addf(out, ":%zu", t->v[i].n);
	}
	buf_addc(out, '}');
}

/* The dead letters a query takes, and their targets, in the same order. */
struct matched {
	struct ops_idlist	 ids;
	struct ops_idlist	 targets;
};

static int
matched_row(void *ctx, const char *id, const char *target, size_t len)
{
	struct matched *m = ctx;

	(void)len;
	ops_idlist_add(&m->ids, id);
	ops_idlist_add(&m->targets, target);
	return 0;
}

/* ops_dlq_change's outcomes counted by target, then passed on. */
struct counted {
	const struct matched	*m;
	size_t			 next;	/* ops_dlq_change goes in order */
	struct ops_dlq_tally	*done;
	ops_dlq_fn		 fn;
	void			*ctx;
};

static void
counted_done(void *ctx, const char *id, enum ops_dlq_outcome outcome)
{
	struct counted *c = ctx;

	if (outcome == OPS_DLQ_DONE)
		ops_dlq_tally_add(c->done, c->m->targets.v[c->next], 1);
	c->next++;
	if (c->fn != NULL)
		c->fn(c->ctx, id, outcome);
}

int
ops_dlq_retry_query(struct journal *j, const struct journal_dlq_filter *f,
    int dry_run, ops_dlq_fn fn, void *ctx, struct ops_dlq_tally *done)
{
	struct matched m = { OPS_IDLIST_INIT, OPS_IDLIST_INIT };
	struct counted c = { &m, 0, done, fn, ctx };
	int rc;

	if (dry_run)
		return journal_dlq_match(j, f, ops_dlq_tally_row, done);
	if ((rc = journal_dlq_match(j, f, matched_row, &m)) == 0)
		rc = ops_dlq_change(j, OPS_DLQ_RETRY,
		    (const char *const *)m.ids.v, m.ids.n, 0, counted_done, &c);
	ops_idlist_release(&m.ids);
	ops_idlist_release(&m.targets);
	return rc;
}

void
ops_dlq_retried_json(struct buf *out, const struct ops_dlq_tally *t,
    int dry_run)
{
	buf_addf(out, "{\"dry_run\":%s,\"dead_letters\":%zu,\"by_target\":",
	    dry_run ? "true" : "false", t->total);
	ops_dlq_tally_json(out, t);
	buf_addc(out, '}');
}
