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

#include "base/clock.h"
#include "conf/config.h"
#include "json/event.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "json/jsonscan.h"
#include "json/jvdump.h"
#include "json/jvparse.h"
#include "base/log.h"
#include "stage/leads.h"
#include "stage/normalize.h"
#include "rules/schema.h"
#include "rules/zapiin.h"

#define SPLICE_MAX	16	/* changed members; past that, write it anew */

void
normalize_init(struct normalize *n, const struct schema_set *schemas,
    const struct cfg *cfg, const char *calling_code, const char *salt)
{
	memset(n, 0, sizeof(*n));
	n->schemas = schemas;
	n->cfg = cfg;
	n->calling_code = calling_code;
	leads_init(&n->leads, salt);
	buf_init(&n->scratch);
}

void
normalize_release(struct normalize *n)
{
	buf_release(&n->scratch);
	leads_release(&n->leads);
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
 * (both borrowed), and type in place of its type if not NULL.  When a
 * member cannot be found in the text, or data is jv_invalid() (it is not
 * what the text holds), the whole of data is written anew instead; the
 * other attributes stay as they came.
 */
static void
splice(struct buf *out, const char *line, size_t len, size_t ds, size_t de,
    jv data, jv canon, const char *type)
{
	struct patch p[SPLICE_MAX + 1];
	size_t vs, ve, at, i, np = 0;
	int whole = 0;

	if (!jv_is_valid(data))
		whole = 1;
	else jv_object_foreach(canon, key, value) {
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
	/* event_scan found the type: it is there, outside data. */
	if (type != NULL && json_member(line, len, "type", &vs, &ve) == 1)
		p[np++] = (struct patch){ vs, ve, jv_string(type) };
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
	const char	*type;		/* its type, if it is not the one it
					   came with */
	const char	*type_was;	/* the one it came with */
	const char	*source;
	struct leads_note leads;	/* and what it leads to besides */
	char		 names[];	/* type_was and source, in the work's
					   own allocation */
};

void
normalize_work_free(void *work)
{
	struct normalize_work *w = work;

	if (w == NULL)
		return;
	buf_release(&w->text);
	leads_note_release(&w->leads);
	free(w);
}

/* 1 if the event's source reads Z-API's callbacks and data is one. */
static int
from_zapi(const struct normalize *n, const struct event *ev, jv data)
{
	const struct cfg_source *src;

	return n->cfg != NULL && (src = cfg_source(n->cfg, ev->source)) !=
	    NULL && src->normalizer == CFG_NORMALIZER_ZAPI &&
	    zapi_is_callback(data);
}

/*
 * An event's data as its type's schema sees it: an event without data
 * (CloudEvents' HTTP binding allows it) as an empty object, so that a
 * type that requires nothing takes it, and the event is kept as it came.
 */
static jv
event_data(const char *line, size_t ds, size_t de)
{
	return de > ds ? jvparse(line + ds, de - ds) : jv_object();
}

enum normalize_verdict
normalize_check(const struct normalize *n, const char *line, size_t len,
    struct buf *why)
{
	enum normalize_verdict verdict = NORMALIZE_OK;
	struct event ev;
	char err[512];
	jv data, canon;
	size_t ds, de;

	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(why, "not a CloudEvent: %s", err);
		return NORMALIZE_INVALID_DATA;
	}
	data = event_data(line, ds, de);
	if (from_zapi(n, &ev, data))
		jv_free(data);		/* zapiin's to read, in normalize */
	else if (!schema_has(n->schemas, ev.type)) {
		buf_addf(why, "type '%s' is not in the catalogue", ev.type);
		verdict = NORMALIZE_UNKNOWN_TYPE;
		jv_free(data);
	} else if (schema_apply(n->schemas, ev.type, data, n->calling_code,
	    &canon, err, sizeof(err)) != 0) {
		buf_addf(why, "data: %s", err);
		verdict = NORMALIZE_INVALID_DATA;
	} else
		jv_free(canon);
	event_release(&ev);
	return verdict;
}

enum stream_rc
normalize_prepare(void *ctx, struct stream_rec *r, const char *line,
    size_t len, jv v)
{
	struct normalize *n = ctx;
	struct normalize_work *w;
	struct event ev;
	const char *type;
	char err[512];
	jv data, canon, as_sent;
	size_t ds, de, tl, sl;

	(void)v;	/* the stream builds no tree for normalize */
	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);
	tl = strlen(ev.type) + 1;
	sl = strlen(ev.source) + 1;
	w = xcalloc(1, sizeof(*w) + tl + sl);
	buf_init(&w->text);
	buf_grow(&w->text, len + 64);
	w->type_was = memcpy(w->names, ev.type, tl);
	w->source = memcpy(w->names + tl, ev.source, sl);
	leads_note_init(&w->leads, ev.tenant);
	r->work = w;
	type = ev.type;
	data = event_data(line, ds, de);
	as_sent = jv_copy(data);
	if (from_zapi(n, &ev, data)) {
		jv_free(as_sent);
		as_sent = jv_invalid();		/* the text holds Z-API's */
		if (zapi_inbound(data, &type, &data, err, sizeof(err)) != 0) {
			data = jv_invalid();
			goto rejected;
		}
		if (strcmp(type, ev.type) != 0)
			w->type = type;
	}
	if (schema_apply(n->schemas, type, jv_copy(data), n->calling_code,
	    &canon, err, sizeof(err)) != 0)
		goto rejected;
	canon = leads_note(&n->leads, &w->leads, &ev, type, canon);
	/*
	 * Unchanged data keeps the record as it came; changed members are
	 * spliced into it.  Only what cannot be spliced is written anew.
	 */
	if (w->type == NULL && jv_identical(jv_copy(as_sent), jv_copy(canon)))
		buf_add(&w->text, line, len);
	else
		splice(&w->text, line, len, ds, de, as_sent, canon, w->type);
	leads_note_text(&w->leads, &w->text);
	jv_free(canon);
	goto out;
rejected:
	w->rejected = 1;
	buf_adds(&w->text, err);
out:
	jv_free(as_sent);
	jv_free(data);
	event_release(&ev);
	return STREAM_OK;
}

/*
 * Writes the canonical envelope of event id if the journal has it; *st
 * gets its status.
 */
static int
replay_one(struct normalize *n, struct stream *s, const char *id,
    enum journal_event_status *st)
{
	buf_reset(&n->scratch);
	if (journal_event_status(s->journal, id, st, &n->scratch) != 0)
		return -1;
	if (*st == JOURNAL_NORMALIZED || *st == JOURNAL_MAPPED) {
		buf_add(&s->out, n->scratch.data, n->scratch.len);
		buf_addc(&s->out, '\n');
	}
	return 0;
}

/*
 * The event was not in state received: act on what the journal says.  A
 * message that made a lead writes it again too.
 */
static enum stream_rc
replay(struct normalize *n, struct stream *s, struct stream_rec *r,
    const struct normalize_work *w)
{
	enum journal_event_status st, lead;
	char lead_id[ID_LEN + 1];

	if (replay_one(n, s, r->event, &st) != 0)
		return stream_journal_failed(s, r);
	if (w->leads.kind == LEADS_MESSAGE && (st == JOURNAL_NORMALIZED ||
	    st == JOURNAL_MAPPED)) {
		leads_of_message(r->event, lead_id);
		if (replay_one(n, s, lead_id, &lead) != 0)
			return stream_journal_failed(s, r);
	}
	switch (st) {
	case JOURNAL_NORMALIZED:
	case JOURNAL_MAPPED:
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
	const char *type = w->type, *text = w->text.data;
	size_t len = w->text.len;
	char lead_id[ID_LEN + 1] = "";
	int64_t ticket;
	int done;

	if (w->rejected) {
		if (journal_event_reject(s->journal, r->event,
		    JOURNAL_RECEIVED, w->text.data) != 0)
			return stream_journal_failed(s, r);
		buf_add(&r->reason, w->text.data, w->text.len);
		return STREAM_REJECT;
	}
	/* The move's answer comes with the lead's lookup: one wait. */
	if (journal_event_normalize(s->journal, r->event, &ticket) != 0 ||
	    leads_resolve(&n->leads, s->journal, &w->leads, r->event, &text,
	    &len, &type, lead_id) != 0 ||
	    journal_event_normalized(s->journal, r->event, ticket,
	    type != NULL ? type : w->type_was, type != NULL, w->source, text,
	    len, &done) != 0)
		return stream_journal_failed(s, r);
	if (!done)
		return replay(n, s, r, w);
	buf_add(&s->out, text, len);
	buf_addc(&s->out, '\n');
	if (leads_apply(&n->leads, s->journal, &w->leads, r->event, lead_id,
	    &s->out) != 0)
		return stream_journal_failed(s, r);
	return STREAM_OK;
}
