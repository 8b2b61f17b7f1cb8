/*
 * leads: what an event leads to besides itself.  See stage/leads.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "journal/contacts.h"
#include "journal/events.h"
#include "json/jsonscan.h"
#include "report/retention.h"
#include "stage/leads.h"

#define NONE	LEADS_NONE_AT

void
leads_init(struct leads *l, const char *salt)
{
	l->hasher = salt != NULL ? retention_hasher_new(salt) : NULL;
	buf_init(&l->text);
	buf_init(&l->data);
}

void
leads_release(struct leads *l)
{
	buf_release(&l->text);
	buf_release(&l->data);
	retention_hasher_free(l->hasher);
}

/* The string at offset at, or NULL. */
static const char *
str(const struct leads_note *w, size_t at)
{
	return at == NONE ? NULL : w->strings.data + at;
}

/* Keeps prefix and s[0..n) as one string; its offset. */
static size_t
keep(struct leads_note *w, const char *prefix, const char *s, size_t n)
{
	size_t at = w->strings.len;

	buf_adds(&w->strings, prefix);
	buf_add(&w->strings, s, n);
	buf_addc(&w->strings, '\0');
	return at;
}

/* Keeps a string member of o (borrowed) after prefix; NONE if it is none. */
static size_t
keep_member(struct leads_note *w, jv o, const char *key, const char *prefix)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	size_t at = NONE;

	if (jv_get_kind(v) == JV_KIND_STRING)
		at = keep(w, prefix, jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)));
	jv_free(v);
	return at;
}

void
leads_note_init(struct leads_note *w, const char *tenant)
{
	memset(w, 0, sizeof(*w));
	buf_init(&w->strings);
	buf_grow(&w->strings, 128);
	w->tenant = tenant != NULL ? keep(w, "", tenant, strlen(tenant)) :
	    keep(w, "", "", 0);
	w->contacts[0] = w->contacts[1] = w->status = NONE;
	w->hashed[0] = w->hashed[1] = NONE;
}

void
leads_note_release(struct leads_note *w)
{
	buf_release(&w->strings);
	free(w->ids);
}

/*
 * What the lead a message (canonical data msg, borrowed) makes is made
 * of, if no lead has its number: the sender's name as WhatsApp shows it
 * (or the number), the number, the message.  Apply writes it only then.
 */
static void
note_lead(struct leads_note *w, const struct event *ev, jv msg)
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
note_status(struct leads_note *w, jv status)
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
 * The hashes of w's contacts, as retention leaves them in the journal,
 * made here on the preparing thread: the journal's thread, which bounds
 * a stream's rate, only looks them up.
 */
static void
note_hashes(const struct leads *l, struct leads_note *w)
{
	char hash[RETENTION_HASH_LEN + 1];
	const char *contact;
	size_t i;

	for (i = 0; i < 2 && l->hasher != NULL; i++)
		if ((contact = str(w, w->contacts[i])) != NULL) {
			retention_hash(l->hasher, contact, strlen(contact),
			    hash);
			w->hashed[i] = keep(w, "", hash, strlen(hash));
		}
}

jv
leads_note(const struct leads *l, struct leads_note *w,
    const struct event *ev, const char *type, jv canon)
{
	if (strcmp(type, "lead.created") == 0) {
		w->kind = LEADS_LEAD;
		canon = jv_object_set(canon, jv_string("lead_id"),
		    jv_string(ev->id));
		w->contacts[0] = keep_member(w, canon, "phone", "tel:");
		w->contacts[1] = keep_member(w, canon, "email", "mailto:");
	} else if (strcmp(type, "whatsapp.inbound") == 0) {
		if ((w->contacts[0] = keep_member(w, canon, "phone", "tel:")) !=
		    NONE) {
			w->kind = LEADS_MESSAGE;
			note_lead(w, ev, canon);
		}
	} else if (strcmp(type, "whatsapp.status") == 0) {
		w->kind = LEADS_STATUS;
		note_status(w, canon);
	}
	note_hashes(l, w);
	return canon;
}

void
leads_note_text(struct leads_note *w, const struct buf *text)
{
	const char *t = text->data;
	size_t ds, de, vs, ve;

	if (w->kind != LEADS_LEAD)
		return;
	if (json_member(t, text->len, "type", &w->type_at.start,
	    &w->type_at.end) != 1 ||
	    json_member(t, text->len, "data", &ds, &de) != 1 ||
	    json_member(t + ds, de - ds, "lead_id", &vs, &ve) != 1) {
		w->kind = LEADS_NONE;	/* cannot be: normalize wrote them */
		return;
	}
	w->lead_at = (struct leads_span){ ds + vs, ds + ve };
}

/*
 * The lead one of w's first n contacts belongs to: looked up as they are,
 * and, once retention has hashed the old ones, as their hashes; all in
 * one lookup, the contacts as they are first.
 */
static int
find_lead(struct journal *j, const struct leads_note *w, size_t n,
    char lead_id[ID_LEN + 1], int *found)
{
	const char *each[JOURNAL_LEAD_CONTACTS] = { NULL };
	size_t i;

	for (i = 0; i < n; i++) {
		each[i] = str(w, w->contacts[i]);
		each[2 + i] = str(w, w->hashed[i]);
	}
	return journal_lead_find(j, str(w, w->tenant), each,
	    JOURNAL_LEAD_CONTACTS, lead_id, found);
}

/* The lead.created text holds, as lead.updated of lead lead_id, in out. */
static void
lead_updated(struct buf *out, const struct leads_note *w, const char *text,
    size_t len, const char *lead_id)
{
	const struct leads_span *a = &w->type_at, *b = &w->lead_at, *t;

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
	buf_add(out, text + b->end, len - b->end);
}

int
leads_resolve(struct leads *l, struct journal *j, const struct leads_note *w,
    const char *event_id, const char **text, size_t *len, const char **type,
    char lead_id[ID_LEN + 1])
{
	int found;

	if (w->kind != LEADS_LEAD)
		return 0;
	if (find_lead(j, w, 2, lead_id, &found) != 0)
		return -1;
	if (!found) {
		snprintf(lead_id, ID_LEN + 1, "%s", event_id);
		return 0;
	}
	lead_updated(&l->text, w, *text, *len, lead_id);
	*text = l->text.data;
	*len = l->text.len;
	*type = "lead.updated";
	return 0;
}

void
leads_of_message(const char *message_id, char lead_id[ID_LEN + 1])
{
	static const char *const parts[] = { "lead" };

	id_derive(lead_id, message_id, parts, 1);
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
new_lead(struct leads *l, struct journal *j, const struct leads_note *w,
    const char *message_id, struct buf *out)
{
	const char *tenant = str(w, w->tenant), *tel = str(w, w->contacts[0]);
	struct journal_event je;
	char lead_id[ID_LEN + 1], key[ID_LEN + 6], dup[ID_LEN + 1];
	char now[RFC3339_LEN + 1];
	int rc, found;
	int64_t ms = clock_ms();

	if ((rc = find_lead(j, w, 1, lead_id, &found)) != 0 ||
	    found)
		return rc;
	leads_of_message(message_id, lead_id);
	snprintf(key, sizeof(key), "lead:%s", lead_id);
	clock_rfc3339(ms, now);
	buf_reset(&l->data);
	buf_addc(&l->data, '{');
	member(&l->data, "name", str(w, w->lead.name));
	member(&l->data, "phone", tel + strlen("tel:"));
	if (w->lead.message != NONE)
		member(&l->data, "message", str(w, w->lead.message));
	member(&l->data, "lead_id", lead_id);
	buf_addc(&l->data, '}');
	buf_reset(&l->text);
	event_write(&l->text, &(struct event_head){ .id = lead_id,
	    .source = str(w, w->lead.source), .type = "lead.created",
	    .time = w->lead.time != NONE ? str(w, w->lead.time) : now,
	    .tenant = tenant, .idempotencykey = key }, l->data.data,
	    l->data.len);

	je = (struct journal_event){ .id = lead_id,
	    .source = str(w, w->lead.source), .type = "lead.created",
	    .tenant = tenant, .time = w->lead.time != NONE ?
	    str(w, w->lead.time) : now, .idempotency_key = key,
	    .envelope = l->text.data, .envelope_len = l->text.len,
	    .canonical = 1, .received_at = ms };
	if ((rc = journal_event_add(j, &je, dup, NULL)) == 1)
		return 0;	/* made before */
	if (rc != 0 || (rc = journal_lead_link(j, tenant, tel, lead_id,
	    ms)) != 0)
		return rc;
	buf_add(out, l->text.data, l->text.len);
	buf_addc(out, '\n');
	return 0;
}

int
leads_apply(struct leads *l, struct journal *j, const struct leads_note *w,
    const char *event_id, const char *lead_id, struct buf *out)
{
	int64_t now = clock_ms();
	size_t i;
	int rc = 0, changed;

	switch (w->kind) {
	case LEADS_LEAD:
		for (i = 0; i < 2 && rc == 0; i++)
			if (w->contacts[i] != NONE)
				rc = journal_lead_link(j, str(w, w->tenant),
				    str(w, w->contacts[i]), lead_id, now);
		return rc;
	case LEADS_MESSAGE:
		return new_lead(l, j, w, event_id, out);
	case LEADS_STATUS:
		for (i = 0; i < w->nids && rc == 0 && w->status != NONE; i++)
			rc = journal_message_status(j, str(w, w->ids[i]),
			    str(w, w->status), now, &changed);
		return rc;
	case LEADS_NONE:
		break;
	}
	return 0;
}
