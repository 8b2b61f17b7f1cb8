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
#include "journal/contacts.h"
#include "journal/events.h"
#include "json/jsonscan.h"
#include "json/jvdump.h"
#include "json/jvparse.h"
#include "base/log.h"
#include "stage/normalize.h"
#include "report/retention.h"
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
	n->salt = salt;
	buf_init(&n->scratch);
	buf_init(&n->data);
}

void
normalize_release(struct normalize *n)
{
	buf_release(&n->scratch);
	buf_release(&n->data);
}

/*
 * The lead a contact of contacts[0..n) belongs to: looked up as it is,
 * and, once retention has hashed the old ones, as its hash.
 */
static int
find_lead(const struct normalize *nz, struct journal *j, const char *tenant,
    const char *const contacts[], size_t n, char lead_id[ID_LEN + 1],
    int *found)
{
	char hashes[2][RETENTION_HASH_LEN + 1];
	const char *hashed[2] = { NULL, NULL };
	size_t i;
	int rc;

	if ((rc = journal_lead_find(j, tenant, contacts, n, lead_id,
	    found)) != 0 || *found || nz->salt == NULL)
		return rc;
	for (i = 0; i < n && i < 2; i++)
		if (contacts[i] != NULL) {
			retention_hash(nz->salt, contacts[i],
			    strlen(contacts[i]), hashes[i]);
			hashed[i] = hashes[i];
		}
	return journal_lead_find(j, tenant, hashed, i, lead_id, found);
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

#define NONE	((size_t)-1)	/* a string that is not there */

/* What an event leads to: prepared without the journal, then applied. */
struct normalize_work {
	int		 rejected;	/* text: why; else the canonical text */
	struct buf	 text;
	const char	*type;		/* its type, if it is not the one it
					   came with */
	enum work_kind	 kind;
	/*
	 * The strings below, one after another in one buffer and known by
	 * their offsets (NONE: absent): a few allocations a record instead
	 * of a dozen, freed by another thread (bench/README.md).
	 */
	struct buf	 strings;
	size_t		 tenant;
	size_t		 contacts[2];	/* W_LEAD: "tel:+E164", "mailto:...";
					   W_MESSAGE: its number's */
	struct span	 type_at;	/* W_LEAD: in text */
	struct span	 lead_at;
	struct {			/* W_MESSAGE: the lead it may make */
		size_t	 source;
		size_t	 time;
		size_t	 name;
		size_t	 message;
	}		 lead;
	size_t		 status;	/* W_STATUS: what, and of which */
	size_t		*ids;
	size_t		 nids;
};

void
normalize_work_free(void *work)
{
	struct normalize_work *w = work;

	if (w == NULL)
		return;
	buf_release(&w->text);
	buf_release(&w->strings);
	free(w->ids);
	free(w);
}

/* The string at offset at, or NULL. */
static const char *
str(const struct normalize_work *w, size_t at)
{
	return at == NONE ? NULL : w->strings.data + at;
}

/* Keeps prefix and s[0..n) as one string; its offset. */
static size_t
keep(struct normalize_work *w, const char *prefix, const char *s, size_t n)
{
	size_t at = w->strings.len;

	buf_adds(&w->strings, prefix);
	buf_add(&w->strings, s, n);
	buf_addc(&w->strings, '\0');
	return at;
}

/* Keeps a string member of o (borrowed) after prefix; NONE if it is none. */
static size_t
keep_member(struct normalize_work *w, jv o, const char *key,
    const char *prefix)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	size_t at = NONE;

	if (jv_get_kind(v) == JV_KIND_STRING)
		at = keep(w, prefix, jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)));
	jv_free(v);
	return at;
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
 * What the lead a message (canonical data msg, borrowed) makes is made
 * of, if no lead has its number: the sender's name as WhatsApp shows it
 * (or the number), the number, the message.  Apply writes it only then.
 */
static void
keep_lead(struct normalize_work *w, const struct event *ev, jv msg)
{
	w->lead.source = keep(w, "", ev->source, strlen(ev->source));
	w->lead.time = ev->time != NULL ? keep(w, "", ev->time,
	    strlen(ev->time)) : NONE;
	if ((w->lead.name = keep_member(w, msg, "sender_name", "")) == NONE ||
	    *str(w, w->lead.name) == '\0')
		w->lead.name = keep_member(w, msg, "chat_name", "");
	if (w->lead.name == NONE || *str(w, w->lead.name) == '\0')
		w->lead.name = w->contacts[0] + strlen("tel:");
	w->lead.message = keep_member(w, msg, "text", "");
}

/* A status report's status and the ids of the messages it is about. */
static void
keep_status(struct normalize_work *w, jv status)
{
	jv ids = jv_object_get(jv_copy(status), jv_string("message_ids"));

	w->status = keep_member(w, status, "status", "");
	if (jv_get_kind(ids) == JV_KIND_ARRAY) {
		w->ids = xcalloc((size_t)jv_array_length(jv_copy(ids)),
		    sizeof(*w->ids));
		jv_array_foreach(ids, i, id) {
			if (jv_get_kind(id) == JV_KIND_STRING)
				w->ids[w->nids++] = keep(w, "",
				    jv_string_value(id), (size_t)
				    jv_string_length_bytes(jv_copy(id)));
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
		w->contacts[0] = keep_member(w, canon, "phone", "tel:");
		w->contacts[1] = keep_member(w, canon, "email", "mailto:");
	} else if (strcmp(type, "whatsapp.inbound") == 0) {
		if ((w->contacts[0] = keep_member(w, canon, "phone", "tel:")) !=
		    NONE) {
			w->kind = W_MESSAGE;
			keep_lead(w, ev, canon);
		}
	} else if (strcmp(type, "whatsapp.status") == 0) {
		w->kind = W_STATUS;
		keep_status(w, canon);
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
	buf_grow(&w->text, len + 64);
	buf_init(&w->strings);
	buf_grow(&w->strings, 128);
	w->tenant = ev.tenant != NULL ? keep(w, "", ev.tenant,
	    strlen(ev.tenant)) : keep(w, "", "", 0);
	w->contacts[0] = w->contacts[1] = w->status = NONE;
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

/* The id of the lead a message makes: derived from the message's. */
static void
lead_of(const char *message, char lead_id[ID_LEN + 1])
{
	static const char *const parts[] = { "lead" };

	id_derive(lead_id, message, parts, 1);
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
	if (w->kind == W_MESSAGE && (st == JOURNAL_NORMALIZED ||
	    st == JOURNAL_MAPPED)) {
		lead_of(r->event, lead_id);
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

/* Appends "name":"value" (value JSON-escaped) after a comma if not first. */
static void
member(struct buf *b, const char *name, const char *value)
{
	if (b->len > 1)
		buf_addc(b, ',');
	buf_add_json_string(b, name, strlen(name));
	buf_addc(b, ':');
	buf_add_json_string(b, value, strlen(value));
}

/*
 * A message from a number no lead has: its lead, journaled and written.
 * Its envelope is written here, not in prepare, since few messages make
 * one.
 */
static int
new_lead(struct normalize *n, struct stream *s, const struct stream_rec *r,
    const struct normalize_work *w)
{
	const char *tenant = str(w, w->tenant), *tel = str(w, w->contacts[0]);
	struct journal_event je;
	char lead_id[ID_LEN + 1], key[ID_LEN + 6], dup[ID_LEN + 1];
	char now[RFC3339_LEN + 1];
	int rc, found, done;
	int64_t ms = clock_ms();

	if ((rc = find_lead(n, s->journal, tenant, &tel, 1, lead_id,
	    &found)) != 0 || found)
		return rc;
	lead_of(r->event, lead_id);
	snprintf(key, sizeof(key), "lead:%s", lead_id);
	clock_rfc3339(ms, now);
	buf_reset(&n->data);
	buf_addc(&n->data, '{');
	member(&n->data, "name", str(w, w->lead.name));
	member(&n->data, "phone", tel + strlen("tel:"));
	if (w->lead.message != NONE)
		member(&n->data, "message", str(w, w->lead.message));
	member(&n->data, "lead_id", lead_id);
	buf_addc(&n->data, '}');
	buf_reset(&n->scratch);
	event_write(&n->scratch, &(struct event_head){ .id = lead_id,
	    .source = str(w, w->lead.source), .type = "lead.created",
	    .time = w->lead.time != NONE ? str(w, w->lead.time) : now,
	    .tenant = tenant, .idempotencykey = key }, n->data.data,
	    n->data.len);

	je = (struct journal_event){ .id = lead_id,
	    .source = str(w, w->lead.source), .type = "lead.created",
	    .tenant = tenant, .time = w->lead.time != NONE ?
	    str(w, w->lead.time) : now, .idempotency_key = key,
	    .envelope = n->scratch.data, .envelope_len = n->scratch.len,
	    .received_at = ms };
	if ((rc = journal_event_add(s->journal, &je, dup, NULL)) == 1)
		return 0;	/* made before */
	if (rc != 0 || (rc = journal_event_normalize(s->journal, lead_id,
	    NULL, n->scratch.data, n->scratch.len, &done)) != 0 ||
	    (rc = journal_lead_link(s->journal, tenant, tel, lead_id,
	    ms)) != 0)
		return rc;
	buf_add(&s->out, n->scratch.data, n->scratch.len);
	buf_addc(&s->out, '\n');
	return 0;
}

/* What the event leads to besides itself; lead_id its lead's, if any. */
static int
consequences_apply(struct normalize *n, struct stream *s,
    const struct stream_rec *r, const struct normalize_work *w,
    const char *lead_id)
{
	int64_t now = clock_ms();
	size_t i;
	int rc = 0, changed;

	switch (w->kind) {
	case W_LEAD:
		for (i = 0; i < 2 && rc == 0; i++)
			if (w->contacts[i] != NONE)
				rc = journal_lead_link(s->journal,
				    str(w, w->tenant), str(w, w->contacts[i]),
				    lead_id, now);
		return rc;
	case W_MESSAGE:
		return new_lead(n, s, r, w);
	case W_STATUS:
		for (i = 0; i < w->nids && rc == 0 && w->status != NONE; i++)
			rc = journal_message_status(s->journal,
			    str(w, w->ids[i]), str(w, w->status), now,
			    &changed);
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
		const char *contacts[2] = { str(w, w->contacts[0]),
		    str(w, w->contacts[1]) };

		if (find_lead(n, s->journal, str(w, w->tenant), contacts, 2,
		    lead_id, &found) != 0)
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
	if (consequences_apply(n, s, r, w, lead_id) != 0)
		return stream_journal_failed(s, r);
	return STREAM_OK;
}
