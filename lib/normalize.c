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

static enum stream_rc
journal_fatal(struct stream *s)
{
	buf_adds(&s->reason, journal_error(s->journal));
	return STREAM_FATAL;
}

/* The event was not in state received: act on what the journal says. */
static enum stream_rc
replay(struct normalize *n, struct stream *s, const char *id)
{
	enum journal_event_status st;

	buf_reset(&n->scratch);
	if (journal_event_status(s->journal, id, &st, &n->scratch) != 0)
		return journal_fatal(s);
	switch (st) {
	case JOURNAL_NORMALIZED:
	case JOURNAL_MAPPED:
		buf_add(&s->out, n->scratch.data, n->scratch.len);
		buf_addc(&s->out, '\n');
		return STREAM_OK;
	case JOURNAL_REJECTED:
		log_info(&(struct log_ids){ .event = id }, "event %s was"
		    " rejected before: skipped", id);
		return STREAM_SKIP;
	default:
		buf_addf(&s->reason, "event %s is not in journal '%s'", id,
		    journal_path(s->journal));
		return STREAM_REJECT;
	}
}

enum stream_rc
normalize_record(void *ctx, struct stream *s, const char *line, size_t len,
    jv v, long lineno)
{
	struct normalize *n = ctx;
	struct event ev;
	char err[512];
	jv data, canon;
	const char *text;
	size_t textlen;
	enum stream_rc rc;
	size_t ds, de;
	int done;

	(void)lineno;
	(void)v;	/* the stream builds no tree for normalize */
	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(&s->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	snprintf(s->event, sizeof(s->event), "%s", ev.id);
	data = de > ds ? jv_parse_sized(line + ds, (int)(de - ds)) : jv_null();
	if (schema_apply(n->schemas, ev.type, jv_copy(data), n->calling_code,
	    &canon, err, sizeof(err)) != 0) {
		jv_free(data);
		if (journal_event_reject(s->journal, ev.id, JOURNAL_RECEIVED,
		    err) != 0) {
			event_free(&ev);
			return journal_fatal(s);
		}
		buf_adds(&s->reason, err);
		event_free(&ev);
		return STREAM_REJECT;
	}

	/*
	 * Unchanged data keeps the record as it came; changed members are
	 * spliced into it.  Only what cannot be spliced is written anew.
	 */
	text = line;
	textlen = len;
	if (!jv_identical(jv_copy(data), jv_copy(canon))) {
		buf_reset(&n->scratch);
		splice(&n->scratch, line, len, ds, de, data, canon);
		text = n->scratch.data;
		textlen = n->scratch.len;
	}
	jv_free(data);
	jv_free(canon);
	rc = STREAM_OK;
	if (journal_event_normalize(s->journal, s->event, text, textlen,
	    &done) != 0)
		rc = journal_fatal(s);
	else if (done) {
		buf_add(&s->out, text, textlen);
		buf_addc(&s->out, '\n');
	} else
		rc = replay(n, s, s->event);
	event_free(&ev);
	return rc;
}
