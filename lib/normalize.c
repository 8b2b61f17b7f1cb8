/*
 * normalize: canonical events.
 *
 * The journal decides what a record means here: an event still in state
 * received is normalized now; one normalized before (a replay) is passed
 * on as the journal has it; one rejected before is skipped; one the
 * journal does not know is refused, since only ingest creates events.
 */
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "journal.h"
#include "log.h"
#include "normalize.h"
#include "schema.h"

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
	jv data, canon, dumped;
	const char *text;
	size_t textlen;
	enum stream_rc rc;
	int done;

	(void)lineno;
	if (event_parse(&ev, v, err, sizeof(err)) != 0) {
		buf_addf(&s->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	snprintf(s->event, sizeof(s->event), "%s", ev.id);
	data = jv_object_get(jv_copy(ev.root), jv_string("data"));
	if (!jv_is_valid(data)) {
		jv_free(data);
		data = jv_null();
	}
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

	/* Unchanged data keeps the record as it came: no re-serialising. */
	dumped = jv_invalid();
	if (jv_identical(data, jv_copy(canon))) {
		jv_free(canon);
		text = line;
		textlen = len;
	} else {
		ev.root = jv_object_set(ev.root, jv_string("data"), canon);
		dumped = jv_dump_string(jv_copy(ev.root), 0);
		text = jv_string_value(dumped);
		textlen = (size_t)jv_string_length_bytes(jv_copy(dumped));
	}
	rc = STREAM_OK;
	if (journal_event_normalize(s->journal, s->event, text, textlen,
	    &done) != 0)
		rc = journal_fatal(s);
	else if (done) {
		buf_add(&s->out, text, textlen);
		buf_addc(&s->out, '\n');
	} else
		rc = replay(n, s, s->event);
	jv_free(dumped);
	event_free(&ev);
	return rc;
}
