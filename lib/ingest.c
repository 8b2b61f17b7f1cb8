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
#include <string.h>

#include "clock.h"
#include "digest.h"
#include "event.h"
#include "ids.h"
#include "ingest.h"
#include "journal.h"
#include "jvdump.h"
#include "log.h"

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
	buf_free(&ig->scratch);
}

/*
 * Journals the event whose envelope is in env and writes the envelope (or
 * the original's, for a duplicate) to the stream.
 */
static enum stream_rc
journal_and_write(struct ingest *ig, struct stream *s,
    struct journal_event *je, const struct buf *env)
{
	char dup[ID_LEN + 1];
	int rc;

	je->envelope = env->data;
	je->envelope_len = env->len;
	buf_reset(&ig->scratch);
	rc = journal_event_add(s->journal, je, dup, &ig->scratch);
	if (rc < 0) {
		buf_adds(&s->reason, journal_error(s->journal));
		return STREAM_FATAL;
	}
	if (rc == 1) {
		struct log_ids ids = { .event = dup };

		ig->nduplicates++;
		log_info(&ids, "duplicate of event %s from source '%s'", dup,
		    je->source);
		buf_add(&s->out, ig->scratch.data, ig->scratch.len);
	} else
		buf_add(&s->out, env->data, env->len);
	buf_addc(&s->out, '\n');
	snprintf(s->event, sizeof(s->event), "%s", rc == 1 ? dup : je->id);
	return STREAM_OK;
}

/* A raw payload: wrapped as it is, with its bytes embedded as data. */
static enum stream_rc
ingest_raw(struct ingest *ig, struct stream *s, const char *line, size_t len,
    jv v)
{
	char id[ID_LEN + 1], now[RFC3339_LEN + 1];
	char hash[2 * DIGEST_LEN + 1], key[KEY_MAX + 1];
	struct event_head h;
	struct journal_event je;
	struct buf env = BUF_INIT;
	enum stream_rc rc;
	int64_t ms;

	if (ig->key != NULL) {
		jv k = jv_object_get(v, jv_string(ig->key));

		if (jv_get_kind(k) != JV_KIND_STRING ||
		    jv_string_length_bytes(jv_copy(k)) == 0 ||
		    jv_string_length_bytes(jv_copy(k)) > KEY_MAX) {
			buf_addf(&s->reason, "key member '%s' is not a string"
			    " of 1 to %d bytes", ig->key, KEY_MAX);
			jv_free(k);
			return STREAM_REJECT;
		}
		snprintf(key, sizeof(key), "%s", jv_string_value(k));
		jv_free(k);
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
	event_write(&env, &h, line, len);
	je = (struct journal_event){ .id = id, .source = ig->source,
	    .type = ig->type, .tenant = ig->tenant, .time = now,
	    .idempotency_key = key, .received_at = ms };
	rc = journal_and_write(ig, s, &je, &env);
	buf_free(&env);
	return rc;
}

/* A CloudEvent: checked, given an integra id, tenant and key, journaled. */
static enum stream_rc
ingest_cloudevent(struct ingest *ig, struct stream *s, jv v)
{
	char id[ID_LEN + 1], now[RFC3339_LEN + 1], err[256];
	struct journal_event je;
	struct event ev;
	struct buf env = BUF_INIT;
	enum stream_rc rc;
	int64_t ms;

	if (event_parse(&ev, v, err, sizeof(err)) != 0) {
		buf_addf(&s->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	ms = clock_ms();
	id_new(id);
	clock_rfc3339(ms, now);
	/* The producer's id is kept as the key; ids in the journal are ours. */
	if (ev.idempotencykey == NULL)
		ev.root = jv_object_set(ev.root, jv_string("idempotencykey"),
		    jv_string(ev.id));
	if (ev.tenant == NULL)
		ev.root = jv_object_set(ev.root, jv_string("tenant"),
		    jv_string(ig->tenant));
	if (ev.time == NULL)
		ev.root = jv_object_set(ev.root, jv_string("time"),
		    jv_string(now));
	ev.root = jv_object_set(ev.root, jv_string("id"), jv_string(id));
	/* The attribute pointers went stale with the sets: read them again. */
	if (event_parse(&ev, ev.root, err, sizeof(err)) != 0) {
		buf_addf(&s->reason, "not a CloudEvent: %s", err);
		return STREAM_REJECT;
	}
	jvdump(&env, jv_copy(ev.root));
	je = (struct journal_event){ .id = id, .source = ev.source,
	    .type = ev.type, .tenant = ev.tenant, .subject = ev.subject,
	    .time = ev.time, .idempotency_key = ev.idempotencykey,
	    .received_at = ms };
	rc = journal_and_write(ig, s, &je, &env);
	buf_free(&env);
	event_free(&ev);
	return rc;
}

enum stream_rc
ingest_record(void *ctx, struct stream *s, const char *line, size_t len,
    jv v, long lineno)
{
	struct ingest *ig = ctx;

	(void)lineno;
	if (ig->source != NULL)
		return ingest_raw(ig, s, line, len, v);
	return ingest_cloudevent(ig, s, v);
}
