/*
 * run: a cadence run.  See run.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/ids.h"
#include "base/log.h"
#include "cadence/day.h"
#include "cadence/def.h"
#include "cadence/index.h"
#include "cadence/run.h"
#include "conf/config.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "stage/made.h"
#include "json/jvparse.h"

#define DUE_BATCH	1000	/* items a transaction */

/* An item due, copied out of the journal's row. */
struct due {
	char		*key;
	int64_t		 anchor;
	int		 next;
	char		*record;
	size_t		 len;
};

struct batch {
	struct due	*rows;
	size_t		 n;
	size_t		 cap;
};

struct runner {
	const struct cadence_run_opts	*o;
	struct cadence_run_result	*res;
	struct buf			 lines;	/* of a batch, written once
						   committed */
};

static int
fail(struct runner *r, int code, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(struct runner *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->res->error, sizeof(r->res->error), fmt, ap);
	va_end(ap);
	return code;
}

static int
journal_failed(struct runner *r)
{
	return fail(r, journal_abort(r->o->journal), "%s",
	    journal_error(r->o->journal));
}

/*
 * {"cadence","step","key","anchor","day","days","record"} (def.h), and
 * "manual":true for a step sent by hand.
 */
static void
due_object(struct buf *b, const struct cfg_cadence *cd, size_t step,
    const char *key, const char *record, size_t len, int64_t anchor,
    int64_t day, int64_t today, int manual)
{
	char text[CADENCE_DAY_LEN + 1];

	buf_adds(b, "{\"cadence\":");
	buf_add_json_string(b, cd->name, strlen(cd->name));
	buf_adds(b, ",\"step\":");
	buf_add_json_string(b, cd->steps[step].id,
	    strlen(cd->steps[step].id));
	buf_adds(b, ",\"key\":");
	buf_add_json_string(b, key, strlen(key));
	cadence_day_text(anchor, text);
	buf_addf(b, ",\"anchor\":\"%s\"", text);
	cadence_day_text(day, text);
	buf_addf(b, ",\"day\":\"%s\",\"days\":%lld", text,
	    (long long)(today - anchor));
	if (manual)
		buf_adds(b, ",\"manual\":true");
	buf_adds(b, ",\"record\":");
	buf_add(b, record, len);
	buf_addc(b, '}');
}

/* A program of a step's on the due object: its output, or -1 with why. */
static int
step_program(struct jqprog *prog, const struct buf *due, jv *out,
    struct buf *why)
{
	jv in = jvparse_text(due->data, due->len);

	if (!jv_is_valid(in)) {
		jv_free(in);
		buf_adds(why, "its record is not JSON");
		return -1;
	}
	return jqprog_run(prog, in, out, why);
}

int
cadence_step_event(struct cadence_def *d, struct journal *j, size_t step,
    const char *key, const char *record, size_t len, int64_t anchor,
    int64_t day, int64_t today, int manual, int check, int64_t now,
    struct buf *line, char *event, struct buf *why)
{
	const struct cfg_cadence *cd = d->cfg;
	const struct cfg_cadence_step *st = &cd->steps[step];
	struct buf due = BUF_INIT, data = BUF_INIT, idem = BUF_INIT;
	struct buf source = BUF_INIT;
	jv out;
	int rc = 0;

	event[0] = '\0';
	due_object(&due, cd, step, key, record, len, anchor, day, today,
	    manual);
	if (check && d->condition[step] != NULL) {
		if (step_program(d->condition[step], &due, &out, why) != 0) {
			rc = 1;
			goto out;
		}
		rc = jv_get_kind(out) == JV_KIND_FALSE ||
		    jv_get_kind(out) == JV_KIND_NULL ? 2 : 0;
		jv_free(out);
		if (rc != 0)
			goto out;
	}
	if (d->data[step] != NULL) {
		if (step_program(d->data[step], &due, &out, why) != 0) {
			rc = 1;
			goto out;
		}
		jvdump(&data, out);
	} else
		buf_add(&data, due.data, due.len);
	buf_addf(&idem, "%s:%s:%s", cd->name, key, st->id);
	if (manual)
		buf_addf(&idem, ":manual:%lld", (long long)now);
	buf_addf(&source, "cadence/%s", cd->name);
	if (made_event(j, &(struct made){ .source = source.data,
	    .type = st->emit != NULL ? st->emit : cd->event, .subject = key,
	    .tenant = d->tenant, .key = idem.data, .data = data.data,
	    .len = data.len, .now = now, .id = event }, line) != 0)
		rc = -1;
out:
	buf_release(&due);
	buf_release(&data);
	buf_release(&idem);
	buf_release(&source);
	return rc;
}

static int
collect(void *ctx, const struct journal_cadence_due *d)
{
	struct batch *b = ctx;
	struct due *row;

	if (b->n == b->cap) {
		b->cap = b->cap > 0 ? 2 * b->cap : 64;
		b->rows = xrealloc(b->rows, b->cap * sizeof(*b->rows));
	}
	row = &b->rows[b->n++];
	row->key = xstrdup(d->key);
	row->anchor = d->anchor;
	row->next = d->next;
	row->len = d->len;
	row->record = xmalloc(d->len + 1);
	memcpy(row->record, d->record != NULL ? d->record : "", d->len);
	row->record[d->len] = '\0';
	return 0;
}

static void
batch_reset(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->rows[i].key);
		free(b->rows[i].record);
	}
	b->n = 0;
}

/* What one step of an item does: it goes, or is passed over. */
static int
one_step(struct runner *r, struct cadence_def *d, const struct due *row,
    size_t s, int go, int64_t today)
{
	const struct cfg_cadence *cd = d->cfg;
	const struct cfg_cadence_step *st = &cd->steps[s];
	struct journal *j = r->o->journal;
	struct buf status = BUF_INIT, why = BUF_INIT;
	char event[ID_LEN + 1];
	int64_t day = row->anchor + st->offset;
	int rc = 0, taken;
	const char *took = "skipped";

	if (go && st->after_index >= 0 && (rc = journal_cadence_step_status(j,
	    cd->name, row->key, cd->steps[st->after_index].id,
	    &status)) == 0 && (status.len == 0 ||
	    strcmp(status.data, "sent") != 0))
		go = 0;
	if (rc == 0 && go) {
		switch (cadence_step_event(d, j, s, row->key, row->record,
		    row->len, row->anchor, day, today, 0, 1, r->o->now,
		    &r->lines, event, &why)) {
		case 0:
			took = event[0] != '\0' ? "sent" : NULL;
			break;
		case 1:
			took = "failed";
			log_warn(NULL, "cadence '%s': step '%s' of %s cannot be"
			    " made: %s", cd->name, st->id, row->key, why.data);
			break;
		case 2:
			break;
		default:
			rc = -1;
		}
	}
	/* NULL: another run made its event, and took it. */
	if (rc == 0 && took != NULL && (rc = journal_cadence_step_take(j,
	    cd->name, row->key, st->id, took, strcmp(took, "sent") == 0 ?
	    event : NULL, day, r->o->now, &taken)) == 0) {
		if (strcmp(took, "sent") == 0)
			r->res->sent++;
		else
			r->res->skipped++;
	}
	buf_release(&status);
	buf_release(&why);
	return rc;
}

/*
 * One item with steps due: those the catch-up policy sends go, the others
 * are passed over, and the item moves on past the last of them.
 */
static int
one_item(struct runner *r, struct cadence_def *d, const struct due *row,
    int64_t today)
{
	const struct cfg_cadence *cd = d->cfg;
	size_t s, n = cd->nsteps;
	int64_t due = JOURNAL_NO_DAY;
	int last = -1, go, rc = 0;

	for (s = (size_t)row->next; s < n &&
	    row->anchor + cd->steps[s].offset <= today; s++)
		last = (int)s;
	if (last >= 0)
		r->res->due++;
	for (s = (size_t)row->next; last >= 0 && s <= (size_t)last &&
	    rc == 0; s++) {
		switch (cd->catch_up) {
		case CFG_CATCH_UP_ALL:
			go = 1;
			break;
		case CFG_CATCH_UP_LATEST:
			go = s == (size_t)last;
			break;
		default:
			go = s == (size_t)last &&
			    row->anchor + cd->steps[s].offset == today;
			break;
		}
		rc = one_step(r, d, row, s, go, today);
	}
	s = last >= 0 ? (size_t)last + 1 : (size_t)row->next;
	if (s < n)
		due = row->anchor + cd->steps[s].offset;
	if (rc == 0)
		rc = journal_cadence_item_move(r->o->journal, cd->name,
		    row->key, (int)s, due, r->o->now);
	return rc;
}

/* Each item due, a batch a transaction, until none is left. */
static int
send_due(struct runner *r, struct cadence_def *d, int64_t today)
{
	struct journal *j = r->o->journal;
	struct batch b = { NULL, 0, 0 };
	size_t i;
	int rc = 0;

	do {
		batch_reset(&b);
		buf_reset(&r->lines);
		if (journal_begin(j) != 0 ||
		    journal_cadence_due(j, d->cfg->name, d->cfg->over, today,
		    DUE_BATCH, collect, &b) != 0) {
			rc = journal_failed(r);
			break;
		}
		for (i = 0; i < b.n && rc == 0; i++)
			if (one_item(r, d, &b.rows[i], today) != 0)
				rc = -1;
		if (rc != 0 || journal_commit(j) != 0) {
			rc = journal_failed(r);
			break;
		}
		/* The journal first, then the pipe. */
		if (r->lines.len > 0 && r->o->out != NULL &&
		    (fwrite(r->lines.data, 1, r->lines.len, r->o->out) !=
		    r->lines.len || fflush(r->o->out) != 0)) {
			rc = fail(r, EX_IOERR, "write: standard output");
			break;
		}
	} while (b.n == DUE_BATCH);
	batch_reset(&b);
	free(b.rows);
	return rc;
}

/* One cadence: indexed if its version is new, then its due steps. */
static int
one_cadence(struct runner *r, struct cadence_def *d)
{
	const struct cfg_cadence *cd = d->cfg;
	struct journal *j = r->o->journal;
	struct cadence_index_result ir = { 0, 0 };
	struct buf version = BUF_INIT;
	int64_t today;
	int minute, rc;

	rc = journal_cadence_version(j, cd->name, &version);
	if (rc == 0 && (version.len == 0 ||
	    strcmp(version.data, d->version) != 0)) {
		log_info(NULL, "cadence '%s': its records are indexed%s",
		    cd->name, version.len > 0 ? " again: it changed" : "");
		rc = cadence_index_all(d, j, r->o->now, &ir);
		r->res->indexed += ir.indexed;
		r->res->undated += ir.undated;
	}
	buf_release(&version);
	if (rc != 0)
		return journal_failed(r);
	if (cadence_day_now(r->o->now, cd->timezone, &today, &minute) != 0)
		return fail(r, EX_SOFTWARE, "cadence '%s': no time in zone"
		    " '%s'", cd->name, cd->timezone);
	if (cd->window_to > 0 && (minute < cd->window_from ||
	    minute >= cd->window_to)) {
		r->res->outside++;
		log_info(NULL, "cadence '%s': %02d:%02d in %s is outside its"
		    " window (%02d:%02d-%02d:%02d): nothing is sent", cd->name,
		    minute / 60, minute % 60, cd->timezone,
		    cd->window_from / 60, cd->window_from % 60,
		    cd->window_to / 60, cd->window_to % 60);
		return 0;
	}
	return send_due(r, d, today);
}

int
cadence_run(const struct cadence_run_opts *o, struct cadence_run_result *res)
{
	struct runner r = { .o = o, .res = res };
	struct cadence_defs *ds;
	struct buf err = BUF_INIT;
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if ((ds = cadence_defs_new(o->cfg, NULL, &err)) == NULL) {
		rc = fail(&r, EX_CONFIG, "%s", err.data);
		buf_release(&err);
		return rc;
	}
	for (i = 0; i < ds->n && rc == 0; i++)
		if (o->name == NULL || strcmp(ds->defs[i].cfg->name,
		    o->name) == 0)
			rc = one_cadence(&r, &ds->defs[i]);
	cadence_defs_free(ds);
	buf_release(&r.lines);
	buf_release(&err);
	return rc;
}
