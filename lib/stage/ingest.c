/*
 * ingest: wraps, journals and acknowledges incoming events.
 *
 * The idempotency key makes a re-run harmless: a CloudEvent's key is its
 * idempotencykey attribute or else the id its producer gave it; a raw
 * payload's is the --key member or else the SHA-256 of its bytes.  A key
 * the source sent before is not journaled again: the original envelope is
 * written instead, so the rest of the pipeline sees the same event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/digest.h"
#include "json/event.h"
#include "base/ids.h"
#include "stage/ingest.h"
#include "journal/events.h"
#include "json/jsonscan.h"
#include "base/log.h"

#define KEY_MAX	256

void
ingest_init(struct ingest *ig)
{
	memset(ig, 0, sizeof(*ig));
	buf_init(&ig->scratch);
}

void
ingest_release(struct ingest *ig)
{
	buf_release(&ig->scratch);
}

/* An event prepared without the journal, then applied. */
struct ingest_work {
	struct journal_event	 je;	/* its strings: kept, or the config's */
	struct buf		 env;
	struct buf		 sealed;	/* env sealed, if it is */
	char			*kept[7];
	size_t			 nkept;
	struct journal_sent	 sent;		/* apply's, for finish */
	int			 duplicate;	/* set by finish */
};

/* A copy of s that lives as long as w. */
static const char *
keep(struct ingest_work *w, const char *s)
{
	if (s == NULL)
		return NULL;
	return w->kept[w->nkept++] = xstrdup(s);
}

int
ingest_work_duplicate(const void *work)
{
	const struct ingest_work *w = work;

	return w->duplicate;
}

const char *
ingest_work_tenant(const void *work)
{
	const struct ingest_work *w = work;

	return w->je.tenant;
}

void
ingest_work_free(void *work)
{
	struct ingest_work *w = work;
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nkept; i++)
		free(w->kept[i]);
	buf_release(&w->env);
	buf_release(&w->sealed);
	free(w);
}

static struct ingest_work *
work_new(void)
{
	struct ingest_work *w = xcalloc(1, sizeof(*w));

	buf_init(&w->env);
	buf_init(&w->sealed);
	return w;
}

/*
 * Points w's event at its envelope and hands w to apply: the envelope
 * sealed here, off the journal's thread, if r has keys.  If it cannot
 * be, it goes plain and the journal seals it in apply (or says why not).
 */
static enum stream_rc
prepared(struct stream_rec *r, struct ingest_work *w)
{
	w->je.envelope = w->env.data;
	w->je.envelope_len = w->env.len;
	(void)journal_event_seal(r->seal, &w->je, &w->sealed);
	r->work = w;
	return STREAM_OK;
}

/* A raw payload: wrapped as it is, with its bytes embedded as data. */
/*
 * Makes b[from..] one line: a line break in valid JSON text is blank space
 * between tokens (strings hold none), so a space keeps its meaning.
 */
static void
one_line(struct buf *b, size_t from)
{
	size_t i;

	for (i = from; i < b->len; i++)
		if (b->data[i] == '\n' || b->data[i] == '\r')
			b->data[i] = ' ';
}

static enum stream_rc
ingest_raw(struct ingest *ig, struct stream_rec *r, const char *line,
    size_t len, jv v)
{
	char id[ID_LEN + 1], now[RFC3339_LEN + 1];
	char hash[2 * DIGEST_LEN + 1], key[KEY_MAX + 1];
	struct ingest_work *w;
	struct event_head h;
	int64_t ms;

	if (ig->key != NULL) {
		jv k = jv_object_get(v, jv_string(ig->key));

		if (jv_get_kind(k) != JV_KIND_STRING ||
		    jv_string_length_bytes(jv_copy(k)) == 0 ||
		    jv_string_length_bytes(jv_copy(k)) > KEY_MAX) {
			buf_addf(&r->reason, "key member '%s' is not a string"
			    " of 1 to %d bytes", ig->key, KEY_MAX);
			jv_free(k);
			return STREAM_REJECT;
		}
		snprintf(key, sizeof(key), "%s", jv_string_value(k));
		jv_free(k);
	} else if (ig->request_key != NULL) {
		jv_free(v);
		snprintf(key, sizeof(key), "%s", ig->request_key);
	} else {
		jv_free(v);
		struct iovec payload = { (void *)line, len };

		digest_sha256_hex(&payload, 1, hash);
		snprintf(key, sizeof(key), "sha256:%s", hash);
	}

	ms = clock_ms();
	id_new(id);
	clock_rfc3339(ms, now);
	h = (struct event_head){ .id = id, .source = ig->source,
	    .type = ig->type, .time = now, .tenant = ig->tenant,
	    .idempotencykey = key };
	w = work_new();
	event_write(&w->env, &h, line, len);
	one_line(&w->env, 0);	/* an HTTP body may be pretty-printed */
	w->je = (struct journal_event){ .id = keep(w, id),
	    .source = ig->source, .type = ig->type, .tenant = ig->tenant,
	    .time = keep(w, now), .idempotency_key = keep(w, key),
	    .received_at = ms };
	return prepared(r, w);
}

/*
 * A CloudEvent: checked, given an integra id, tenant, time and key.  The
 * envelope is the text as it came, with our id in place of its producer's
 * and what it lacks appended: no tree is built, nothing is serialised
 * again.  Line breaks between members become spaces, to keep it one line
 * (JSON has none inside strings).
 */
static enum stream_rc
ingest_cloudevent(struct ingest *ig, struct stream_rec *r, const char *line,
    size_t len)
{
	char id[ID_LEN + 1], now[RFC3339_LEN + 1], err[256];
	struct ingest_work *w;
	struct event ev;
	size_t ds, de, vs, ve, open, close;
	int64_t ms;

	if (event_scan(&ev, line, len, &ds, &de, err, sizeof(err)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	/* Both found: the text is an object, and fill() wants an id. */
	for (open = 0; line[open] != '{'; open++)
		;
	for (close = len - 1; line[close] != '}'; close--)
		;
	if (json_member(line, len, "id", &vs, &ve) != 1) {
		buf_adds(&r->reason, "not a CloudEvent: no id");
		event_release(&ev);
		return STREAM_REJECT;
	}
	ms = clock_ms();
	id_new(id);
	clock_rfc3339(ms, now);
	w = work_new();
	buf_grow(&w->env, len + 160);
	buf_add(&w->env, line + open, vs - open);
	buf_addc(&w->env, '"');
	buf_adds(&w->env, id);
	buf_addc(&w->env, '"');
	buf_add(&w->env, line + ve, close - ve);
	one_line(&w->env, 0);
	/* The producer's id is kept as the key; ids in the journal are ours. */
	if (ev.idempotencykey == NULL) {
		buf_adds(&w->env, ",\"idempotencykey\":");
		buf_add_json_string(&w->env, ev.id, strlen(ev.id));
	}
	if (ev.tenant == NULL) {
		buf_adds(&w->env, ",\"tenant\":");
		buf_add_json_string(&w->env, ig->tenant, strlen(ig->tenant));
	}
	if (ev.time == NULL)
		buf_addf(&w->env, ",\"time\":\"%s\"", now);
	buf_addc(&w->env, '}');
	w->je = (struct journal_event){ .id = keep(w, id),
	    .source = keep(w, ev.source), .type = keep(w, ev.type),
	    .tenant = keep(w, ev.tenant != NULL ? ev.tenant : ig->tenant),
	    .subject = keep(w, ev.subject),
	    .time = keep(w, ev.time != NULL ? ev.time : now),
	    .idempotency_key = keep(w, ev.idempotencykey != NULL ?
	    ev.idempotencykey : ev.id), .received_at = ms };
	event_release(&ev);
	return prepared(r, w);
}

void
ingest_prepare_rejected(struct ingest *ig, struct stream_rec *r,
    const char *body, size_t len, const char *reason)
{
	char id[ID_LEN + 1], now[RFC3339_LEN + 1];
	char hash[2 * DIGEST_LEN + 1], key[KEY_MAX + 8];
	struct iovec payload = { (void *)body, len };
	struct ingest_work *w;
	int64_t ms;

	if (ig->request_key != NULL)
		snprintf(key, sizeof(key), "%s", ig->request_key);
	else {
		digest_sha256_hex(&payload, 1, hash);
		snprintf(key, sizeof(key), "sha256:%s", hash);
	}
	ms = clock_ms();
	id_new(id);
	clock_rfc3339(ms, now);
	w = work_new();
	buf_add(&w->env, body, len);
	w->je = (struct journal_event){ .id = keep(w, id),
	    .source = ig->source, .type = ig->type, .tenant = ig->tenant,
	    .time = keep(w, now), .idempotency_key = keep(w, key),
	    .received_at = ms, .rejected = keep(w, reason) };
	snprintf(r->event, sizeof(r->event), "%s", id);
	(void)prepared(r, w);
}

enum stream_rc
ingest_prepare(void *ctx, struct stream_rec *r, const char *line, size_t len,
    jv v)
{
	struct ingest *ig = ctx;

	if (ig->source != NULL)
		return ingest_raw(ig, r, line, len, v);
	jv_free(v);
	return ingest_cloudevent(ig, r, line, len);
}

/* Journals the event, if it is new; ingest_finish tells which it was. */
enum stream_rc
ingest_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct ingest_work *w = r->work;

	(void)ctx;
	if (journal_event_send(s->journal, &w->je, &w->sent) != 0)
		return stream_journal_failed(s, r);
	return STREAM_LATER;
}

/*
 * Writes the event's envelope (or the original's, for a duplicate, unless
 * retention has dropped it) to the stream.
 */
enum stream_rc
ingest_finish(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct ingest *ig = ctx;
	struct ingest_work *w = r->work;
	char dup[ID_LEN + 1];
	int rc;

	buf_reset(&ig->scratch);
	rc = journal_event_sent(s->journal, &w->je, &w->sent, dup,
	    &ig->scratch);
	if (rc < 0)
		return stream_journal_failed(s, r);
	if (w->je.rejected != NULL) {
		snprintf(r->event, sizeof(r->event), "%s", rc == 1 ? dup :
		    w->je.id);
		buf_reset(&r->reason);
		buf_adds(&r->reason, w->je.rejected);
		return STREAM_REJECT;
	}
	if (rc == 1) {
		struct log_ids ids = { .event = dup };

		ig->nduplicates++;
		w->duplicate = 1;
		log_info(&ids, "duplicate of event %s from source '%s'", dup,
		    w->je.source);
		/* Unless retention has dropped the original's envelope. */
		if (ig->scratch.len > 0) {
			buf_add(&s->out, ig->scratch.data, ig->scratch.len);
			buf_addc(&s->out, '\n');
		}
	} else {
		buf_add(&s->out, w->env.data, w->env.len);
		buf_addc(&s->out, '\n');
	}
	snprintf(r->event, sizeof(r->event), "%s", rc == 1 ? dup : w->je.id);
	return STREAM_OK;
}
