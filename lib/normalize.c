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

#include "clock.h"
#include "config.h"
#include "event.h"
#include "ids.h"
#include "journal.h"
#include "jsonscan.h"
#include "jvdump.h"
#include "jvparse.h"
#include "log.h"
#include "normalize.h"
#include "schema.h"
#include "zapiin.h"

#define SPLICE_MAX	16	/* changed members; past that, write it anew */

void
normalize_init(struct normalize *n, const struct schema_set *schemas,
    const struct cfg *cfg, const char *calling_code)
{
	memset(n, 0, sizeof(*n));
	n->schemas = schemas;
	n->cfg = cfg;
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

/* What else an event leads to, besides its canonical envelope. */
enum work_kind {
	W_EVENT,	/* nothing */
	W_LEAD,		/* a lead.created: a lead seen before is updated */
	W_MESSAGE,	/* a person's message: a new number makes a lead */
	W_STATUS	/* a message status: recorded on its deliveries */
};

struct span {
	size_t	start;
	size_t	end;
};

/* What an event leads to: prepared without the journal, then applied. */
struct normalize_work {
	int		 rejected;	/* text: why; else the canonical text */
	struct buf	 text;
	const char	*type;		/* its type, if it is not the one it
					   came with */
	enum work_kind	 kind;
	char		*tenant;
	char		*contacts[2];	/* W_LEAD: "tel:+E164", "mailto:..."
					   or NULL; W_MESSAGE: its number */
	struct span	 type_at;	/* W_LEAD: in text */
	struct span	 lead_at;
	struct {			/* W_MESSAGE: the lead it may make */
		char		 id[ID_LEN + 1];
		char		*source;
		char		*time;
		char		*key;
		struct buf	 envelope;
	}		 lead;
	char		*status;	/* W_STATUS: what, and of which */
	char		**ids;
	size_t		 nids;
};

void
normalize_work_free(void *work)
{
	struct normalize_work *w = work;
	size_t i;

	if (w == NULL)
		return;
	buf_free(&w->text);
	free(w->tenant);
	free(w->contacts[0]);
	free(w->contacts[1]);
	free(w->lead.source);
	free(w->lead.time);
	free(w->lead.key);
	buf_free(&w->lead.envelope);
	free(w->status);
	for (i = 0; i < w->nids; i++)
		free(w->ids[i]);
	free(w->ids);
	free(w);
}

/* A string member of o (borrowed) as a new C string, or NULL. */
static char *
string_member(jv o, const char *key, const char *prefix)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		s = xmalloc(strlen(prefix) + (size_t)jv_string_length_bytes(
		    jv_copy(v)) + 1);
		strcpy(s, prefix);
		strcat(s, jv_string_value(v));
	}
	jv_free(v);
	return s;
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
 * The lead a message (canonical data msg, borrowed) makes if no lead has
 * its number: its id derives from the message's event, and its name is
 * the sender's as WhatsApp shows it.
 */
static void
make_lead(struct normalize_work *w, const struct event *ev, jv msg)
{
	static const char *const parts[] = { "lead" };
	static const char *const names[] = { "sender_name", "chat_name",
	    "phone" };
	struct buf data = BUF_INIT;
	jv d, v = jv_invalid();
	size_t i;

	id_derive(w->lead.id, ev->id, parts, 1);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		jv_free(v);
		v = jv_object_get(jv_copy(msg), jv_string(names[i]));
		if (jv_get_kind(v) == JV_KIND_STRING &&
		    jv_string_length_bytes(jv_copy(v)) > 0)
			break;
	}
	d = jv_object_set(jv_object(), jv_string("name"), v);
	d = jv_object_set(d, jv_string("phone"), jv_object_get(jv_copy(msg),
	    jv_string("phone")));
	v = jv_object_get(jv_copy(msg), jv_string("text"));
	if (jv_get_kind(v) == JV_KIND_STRING)
		d = jv_object_set(d, jv_string("message"), v);
	else
		jv_free(v);
	d = jv_object_set(d, jv_string("lead_id"), jv_string(w->lead.id));
	jvdump(&data, d);

	w->lead.source = xstrdup(ev->source);
	w->lead.time = xstrdup(ev->time != NULL ? ev->time : "");
	w->lead.key = xmalloc(strlen("lead:") + ID_LEN + 1);
	snprintf(w->lead.key, strlen("lead:") + ID_LEN + 1, "lead:%s",
	    w->lead.id);
	event_write(&w->lead.envelope, &(struct event_head){
	    .id = w->lead.id, .source = ev->source, .type = "lead.created",
	    .time = w->lead.time, .tenant = w->tenant,
	    .idempotencykey = w->lead.key }, data.data, data.len);
	buf_free(&data);
}

/* A status report's status and the ids of the messages it is about. */
static void
take_status(struct normalize_work *w, jv status)
{
	jv ids = jv_object_get(jv_copy(status), jv_string("message_ids"));

	w->status = string_member(status, "status", "");
	if (jv_get_kind(ids) == JV_KIND_ARRAY) {
		w->ids = xcalloc((size_t)jv_array_length(jv_copy(ids)),
		    sizeof(*w->ids));
		jv_array_foreach(ids, i, id) {
			if (jv_get_kind(id) == JV_KIND_STRING)
				w->ids[w->nids++] = xstrdup(
				    jv_string_value(id));
			jv_free(id);
		}
	}
	jv_free(ids);
}

/*
 * What the canonical data of the event's type leads to, besides its
 * envelope; a lead.created's data (consumed, returned) gets its lead_id.
 */
static jv
consequences(struct normalize_work *w, const struct event *ev,
    const char *type, jv canon)
{
	if (strcmp(type, "lead.created") == 0) {
		w->kind = W_LEAD;
		canon = jv_object_set(canon, jv_string("lead_id"),
		    jv_string(ev->id));
		w->contacts[0] = string_member(canon, "phone", "tel:");
		w->contacts[1] = string_member(canon, "email", "mailto:");
	} else if (strcmp(type, "whatsapp.inbound") == 0) {
		if ((w->contacts[0] = string_member(canon, "phone", "tel:")) !=
		    NULL) {
			w->kind = W_MESSAGE;
			make_lead(w, ev, canon);
		}
	} else if (strcmp(type, "whatsapp.status") == 0) {
		w->kind = W_STATUS;
		take_status(w, canon);
	}
	return canon;
}

/* Where a lead.created's type and lead_id stand in its text. */
static void
locate_lead(struct normalize_work *w)
{
	const char *t = w->text.data;
	size_t ds, de, vs, ve;

	if (json_member(t, w->text.len, "type", &w->type_at.start,
	    &w->type_at.end) != 1 ||
	    json_member(t, w->text.len, "data", &ds, &de) != 1 ||
	    json_member(t + ds, de - ds, "lead_id", &vs, &ve) != 1) {
		w->kind = W_EVENT;	/* cannot be: normalize wrote them */
		return;
	}
	w->lead_at = (struct span){ ds + vs, ds + ve };
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
	size_t ds, de;

	(void)v;	/* the stream builds no tree for normalize */
	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);
	w = xcalloc(1, sizeof(*w));
	buf_init(&w->text);
	buf_init(&w->lead.envelope);
	w->tenant = xstrdup(ev.tenant != NULL ? ev.tenant : "");
	r->work = w;
	type = ev.type;
	data = de > ds ? jvparse(line + ds, de - ds) : jv_null();
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
	canon = consequences(w, &ev, type, canon);
	/*
	 * Unchanged data keeps the record as it came; changed members are
	 * spliced into it.  Only what cannot be spliced is written anew.
	 */
	if (w->type == NULL && jv_identical(jv_copy(as_sent), jv_copy(canon)))
		buf_add(&w->text, line, len);
	else
		splice(&w->text, line, len, ds, de, as_sent, canon, w->type);
	if (w->kind == W_LEAD)
		locate_lead(w);
	jv_free(canon);
	goto out;
rejected:
	w->rejected = 1;
	buf_adds(&w->text, err);
out:
	jv_free(as_sent);
	jv_free(data);
	event_free(&ev);
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

	if (replay_one(n, s, r->event, &st) != 0 || (w->kind == W_MESSAGE &&
	    (st == JOURNAL_NORMALIZED || st == JOURNAL_MAPPED) &&
	    replay_one(n, s, w->lead.id, &lead) != 0))
		return stream_journal_failed(s, r);
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

/* The lead.created w holds, as lead.updated of lead lead_id, in out. */
static void
lead_updated(struct buf *out, const struct normalize_work *w,
    const char *lead_id)
{
	const struct span *a = &w->type_at, *b = &w->lead_at, *t;
	const char *text = w->text.data;

	buf_reset(out);
	if (a->start > b->start) {
		t = a;
		a = b;
		b = t;
	}
	buf_add(out, text, a->start);
	if (a == &w->type_at)
		buf_adds(out, "\"lead.updated\"");
	else
		buf_add_json_string(out, lead_id, strlen(lead_id));
	buf_add(out, text + a->end, b->start - a->end);
	if (b == &w->type_at)
		buf_adds(out, "\"lead.updated\"");
	else
		buf_add_json_string(out, lead_id, strlen(lead_id));
	buf_add(out, text + b->end, w->text.len - b->end);
}

/* A message from a number no lead has: its lead, journaled and written. */
static int
new_lead(struct stream *s, const struct normalize_work *w)
{
	struct journal_event je;
	char lead_id[ID_LEN + 1], dup[ID_LEN + 1];
	int rc, found, done;

	if ((rc = journal_lead_find(s->journal, w->tenant,
	    (const char *const *)w->contacts, 1, lead_id, &found)) != 0 ||
	    found)
		return rc;
	je = (struct journal_event){ .id = w->lead.id,
	    .source = w->lead.source, .type = "lead.created",
	    .tenant = w->tenant, .time = w->lead.time,
	    .idempotency_key = w->lead.key, .envelope = w->lead.envelope.data,
	    .envelope_len = w->lead.envelope.len, .received_at = clock_ms() };
	if ((rc = journal_event_add(s->journal, &je, dup, NULL)) == 1)
		return 0;	/* made before */
	if (rc != 0 || (rc = journal_event_normalize(s->journal, w->lead.id,
	    NULL, w->lead.envelope.data, w->lead.envelope.len, &done)) != 0 ||
	    (rc = journal_lead_link(s->journal, w->tenant, w->contacts[0],
	    w->lead.id, je.received_at)) != 0)
		return rc;
	buf_add(&s->out, w->lead.envelope.data, w->lead.envelope.len);
	buf_addc(&s->out, '\n');
	return 0;
}

/* What the event leads to besides itself; lead_id its lead's, if any. */
static int
consequences_apply(struct stream *s, const struct normalize_work *w,
    const char *lead_id)
{
	int64_t now = clock_ms();
	size_t i;
	int rc = 0, n;

	switch (w->kind) {
	case W_LEAD:
		for (i = 0; i < 2 && rc == 0; i++)
			if (w->contacts[i] != NULL)
				rc = journal_lead_link(s->journal, w->tenant,
				    w->contacts[i], lead_id, now);
		return rc;
	case W_MESSAGE:
		return new_lead(s, w);
	case W_STATUS:
		for (i = 0; i < w->nids && rc == 0; i++)
			rc = journal_message_status(s->journal, w->ids[i],
			    w->status, now, &n);
		return rc;
	case W_EVENT:
		break;
	}
	return 0;
}

enum stream_rc
normalize_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct normalize *n = ctx;
	const struct normalize_work *w = r->work;
	const char *type = w->type, *text = w->text.data;
	size_t len = w->text.len;
	char lead_id[ID_LEN + 1];
	int done, found = 0;

	if (w->rejected) {
		if (journal_event_reject(s->journal, r->event,
		    JOURNAL_RECEIVED, w->text.data) != 0)
			return stream_journal_failed(s, r);
		buf_add(&r->reason, w->text.data, w->text.len);
		return STREAM_REJECT;
	}
	if (w->kind == W_LEAD) {
		if (journal_lead_find(s->journal, w->tenant,
		    (const char *const *)w->contacts, 2, lead_id, &found) != 0)
			return stream_journal_failed(s, r);
		if (found) {
			lead_updated(&n->scratch, w, lead_id);
			text = n->scratch.data;
			len = n->scratch.len;
			type = "lead.updated";
		} else
			snprintf(lead_id, sizeof(lead_id), "%s", r->event);
	}
	if (journal_event_normalize(s->journal, r->event, type, text, len,
	    &done) != 0)
		return stream_journal_failed(s, r);
	if (!done)
		return replay(n, s, r, w);
	buf_add(&s->out, text, len);
	buf_addc(&s->out, '\n');
	if (consequences_apply(s, w, lead_id) != 0)
		return stream_journal_failed(s, r);
	return STREAM_OK;
}
