/*
 * normalize: canonical events.
 *
 * The journal decides what a record means here: an event still in state
 * received is normalized now; one normalized before (a replay) is passed
 * on as the journal has it; one rejected before is skipped; one the
 * journal does not know is refused, since only ingest creates events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "journal.h"
#include "jsonscan.h"
#include "jvdump.h"
#include "jvparse.h"
#include "log.h"
#include "normalize.h"
#include "schema.h"

#define SPLICE_MAX	16	/* changed members; past that, write it anew */

void
normalize_init(struct normalize *n, const struct schema_set *schemas,
    const char *calling_code)
{
	memset(n, 0, sizeof(*n));
	n->schemas = schemas;
	n->calling_code = calling_code;
	buf_init(&n->scratch);
}

void
normalize_release(struct normalize *n)
{
	buf_free(&n->scratch);
}

/* A value changed in data: where it stands in the text, and what it is. */
struct patch {
	size_t	start;
	size_t	end;
	jv	value;
};

static int
by_start(const void *a, const void *b)
{
	const struct patch *p = a, *q = b;

	return p->start < q->start ? -1 : p->start > q->start;
}

/*
 * Writes the envelope line[0..len), whose data is line[ds..de), with
 * canon's members written in place of those that differ from data's
 * (both borrowed).  When a member cannot be found in the text, the whole
 * of data is written anew instead; the attributes stay as they came.
 */
static void
splice(struct buf *out, const char *line, size_t len, size_t ds, size_t de,
    jv data, jv canon)
{
	struct patch p[SPLICE_MAX];
	size_t vs, ve, at, i, np = 0;
	int whole = 0;

	jv_object_foreach(canon, key, value) {
		jv old = jv_object_get(jv_copy(data), jv_copy(key));

		if (!whole && !jv_identical(old, jv_copy(value))) {
			if (np == SPLICE_MAX || json_member(line + ds, de - ds,
			    jv_string_value(key), &vs, &ve) != 1)
				whole = 1;
			else
				p[np++] = (struct patch){ ds + vs, ds + ve,
				    jv_copy(value) };
		}
		jv_free(key);
		jv_free(value);
	}
	if (whole || jv_object_length(jv_copy(canon)) !=
	    jv_object_length(jv_copy(data))) {
		for (i = 0; i < np; i++)
			jv_free(p[i].value);
		np = 1;
		p[0] = (struct patch){ ds, de, jv_copy(canon) };
	}
	qsort(p, np, sizeof(p[0]), by_start);
	for (i = 0, at = 0; i < np; i++) {
		buf_add(out, line + at, p[i].start - at);
		jvdump(out, p[i].value);
		at = p[i].end;
	}
	buf_add(out, line + at, len - at);
}

/* What an event leads to: prepared without the journal, then applied. */
struct normalize_work {
	int		 rejected;	/* text: why; else the canonical text */
	struct buf	 text;
};

void
normalize_work_free(void *work)
{
	struct normalize_work *w = work;

	if (w != NULL) {
		buf_free(&w->text);
		free(w);
	}
}

enum stream_rc
normalize_prepare(void *ctx, struct stream_rec *r, const char *line,
    size_t len, jv v)
{
	struct normalize *n = ctx;
	struct normalize_work *w;
	struct event ev;
	char err[512];
	jv data, canon;
	size_t ds, de;

	(void)v;	/* the stream builds no tree for normalize */
	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);
	w = xcalloc(1, sizeof(*w));
	buf_init(&w->text);
	data = de > ds ? jvparse(line + ds, de - ds) : jv_null();
	if (schema_apply(n->schemas, ev.type, jv_copy(data), n->calling_code,
	    &canon, err, sizeof(err)) != 0) {
		w->rejected = 1;
		buf_adds(&w->text, err);
	} else {
		/*
		 * Unchanged data keeps the record as it came; changed
		 * members are spliced into it.  Only what cannot be spliced
		 * is written anew.
		 */
		if (jv_identical(jv_copy(data), jv_copy(canon)))
			buf_add(&w->text, line, len);
		else
			splice(&w->text, line, len, ds, de, data, canon);
		jv_free(canon);
	}
	jv_free(data);
	r->work = w;
	event_free(&ev);
	return STREAM_OK;
}

/* The event was not in state received: act on what the journal says. */
static enum stream_rc
replay(struct normalize *n, struct stream *s, struct stream_rec *r)
{
	enum journal_event_status st;

	buf_reset(&n->scratch);
	if (journal_event_status(s->journal, r->event, &st, &n->scratch) != 0)
		return stream_journal_failed(s, r);
	switch (st) {
	case JOURNAL_NORMALIZED:
	case JOURNAL_MAPPED:
		buf_add(&s->out, n->scratch.data, n->scratch.len);
		buf_addc(&s->out, '\n');
		return STREAM_OK;
	case JOURNAL_REJECTED:
		log_info(&(struct log_ids){ .event = r->event }, "event %s was"
		    " rejected before: skipped", r->event);
		return STREAM_SKIP;
	default:
		buf_addf(&r->reason, "event %s is not in journal '%s'",
		    r->event, journal_path(s->journal));
		return STREAM_REJECT;
	}
}

enum stream_rc
normalize_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct normalize *n = ctx;
	const struct normalize_work *w = r->work;
	int done;

	if (w->rejected) {
		if (journal_event_reject(s->journal, r->event,
		    JOURNAL_RECEIVED, w->text.data) != 0)
			return stream_journal_failed(s, r);
		buf_add(&r->reason, w->text.data, w->text.len);
		return STREAM_REJECT;
	}
	if (journal_event_normalize(s->journal, r->event, w->text.data,
	    w->text.len, &done) != 0)
		return stream_journal_failed(s, r);
	if (!done)
		return replay(n, s, r);
	buf_add(&s->out, w->text.data, w->text.len);
	buf_addc(&s->out, '\n');
	return STREAM_OK;
}
