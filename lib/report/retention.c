/*
 * retention: LGPD retention of personal data.  See retention.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/retention.h"
#include "json/jvdump.h"
#include "report/retention.h"
#include "json/jvparse.h"
#include "stage/stream.h"

#define BATCH	1000	/* events, contacts or records a commit */
/*
 * How long a batch of events may wait for its thousandth: the stream's
 * default (20 ms, for a pipe's latency) cut a batch short whenever the
 * reading thread fell behind the journal's, on a loaded machine most
 * batches.  A batch job needs no quick commit; a second still bounds how
 * long the journal's writer waits on a reader that stalls.
 */
#define BATCH_MS	1000

/*
 * HMAC-SHA256 keyed with the salt once: a one-shot HMAC() fetches the
 * digest and sets the key each time, most of the cost of a short value's
 * hash (OpenSSL 3).  Should OpenSSL fail to set it up, the one-shot does.
 */
struct retention_hasher {
	char		*salt;
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx;		/* NULL: HMAC() each time */
};

struct retention_hasher *
retention_hasher_new(const char *salt)
{
	struct retention_hasher *h = xcalloc(1, sizeof(*h));
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};

	h->salt = xstrdup(salt);
	if ((h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (h->ctx = EVP_MAC_CTX_new(h->mac)) == NULL ||
	    EVP_MAC_init(h->ctx, (const unsigned char *)salt, strlen(salt),
	    params) != 1) {
		EVP_MAC_CTX_free(h->ctx);
		h->ctx = NULL;
	}
	return h;
}

void
retention_hasher_free(struct retention_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MAC_CTX_free(h->ctx);
	EVP_MAC_free(h->mac);
	OPENSSL_cleanse(h->salt, strlen(h->salt));
	free(h->salt);
	free(h);
}

void
retention_hash(struct retention_hasher *h, const char *value, size_t len,
    char out[RETENTION_HASH_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t n = 0;

	/* Initialised again with no key: the salt stays. */
	if (h->ctx != NULL && EVP_MAC_init(h->ctx, NULL, 0, NULL) == 1 &&
	    EVP_MAC_update(h->ctx, (const unsigned char *)value, len) == 1 &&
	    EVP_MAC_final(h->ctx, md, &n, sizeof(md)) == 1)
		mdlen = (unsigned int)n;
	else
		HMAC(EVP_sha256(), h->salt, (int)strlen(h->salt),
		    (const unsigned char *)value, len, md, &mdlen);
	out[0] = 'h';
	out[1] = ':';
	for (i = 0; i < 16 && i < mdlen; i++) {
		out[2 + 2 * i] = hex[md[i] >> 4];
		out[3 + 2 * i] = hex[md[i] & 0xf];
	}
	out[RETENTION_HASH_LEN] = '\0';
}

/* Whether s is a hash already: retention runs again change nothing. */
static int
hashed(const char *s)
{
	return strlen(s) == RETENTION_HASH_LEN && s[0] == 'h' && s[1] == ':' &&
	    strspn(s + 2, "0123456789abcdef") == RETENTION_HASH_LEN - 2;
}

static int
personal(const struct cfg_retention *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return 1;
	return 0;
}

/* A personal value (consumed), hashed: a string's text, else its JSON. */
static jv
hash_value(jv v, struct retention_hasher *hasher)
{
	char h[RETENTION_HASH_LEN + 1];
	struct buf b = BUF_INIT;

	if (jv_get_kind(v) == JV_KIND_NULL)
		return v;
	if (jv_get_kind(v) == JV_KIND_STRING) {
		if (hashed(jv_string_value(v)))
			return v;
		retention_hash(hasher, jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)), h);
		jv_free(v);
		return jv_string(h);
	}
	jvdump(&b, v);
	retention_hash(hasher, b.data, b.len, h);
	buf_release(&b);
	return jv_string(h);
}

jv
retention_scrub(jv v, const struct cfg_retention *r,
    struct retention_hasher *hasher)
{
	jv keys, k, out;
	int i, n;

	switch (jv_get_kind(v)) {
	case JV_KIND_OBJECT:
		keys = jv_keys(jv_copy(v));
		n = jv_array_length(jv_copy(keys));
		out = v;
		for (i = 0; i < n; i++) {
			k = jv_array_get(jv_copy(keys), i);
			v = jv_object_get(jv_copy(out), jv_copy(k));
			v = personal(r, jv_string_value(k)) ?
			    hash_value(v, hasher) : retention_scrub(v, r, hasher);
			out = jv_object_set(out, k, v);
		}
		jv_free(keys);
		return out;
	case JV_KIND_ARRAY:
		n = jv_array_length(jv_copy(v));
		for (i = 0; i < n; i++)
			v = jv_array_set(v, i, retention_scrub(jv_array_get(
			    jv_copy(v), i), r, hasher));
		return v;
	default:
		return v;
	}
}

struct run {
	struct journal		*j;
	const struct cfg	*cfg;
	struct retention_hasher	*hasher;
	int64_t			 now;
	int			 dry_run;
	struct retention_result	*res;
	/* The last row of the batch before, copied: where the next goes on. */
	char			*after_a, *after_b;
	/* A batch, copied out of the statement that found it. */
	struct item {
		int64_t	 seq;
		char	*a, *b, *c, *d;
		size_t	 clen;
	}			*items;
	size_t			 nitems;
};

static void
items_release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++) {
		free(r->items[i].a);
		free(r->items[i].b);
		free(r->items[i].c);
		free(r->items[i].d);
	}
	free(r->items);
	r->items = NULL;
	r->nitems = 0;
}

static void
item_add(struct run *r, int64_t seq, const char *a, const char *b,
    const char *c, size_t clen)
{
	struct item *it;

	r->items = xrealloc(r->items, (r->nitems + 1) * sizeof(*r->items));
	it = &r->items[r->nitems++];
	it->seq = seq;
	it->a = a != NULL ? xstrdup(a) : NULL;
	it->b = b != NULL ? xstrdup(b) : NULL;
	it->c = it->d = NULL;
	it->clen = clen;
	if (c != NULL) {
		it->c = xmalloc(clen + 1);
		memcpy(it->c, c, clen);
		it->c[clen] = '\0';
	}
}

/* JSON text scrubbed into out; 0, or -1 if it is not JSON. */
static int
scrub_text(struct run *r, const char *text, size_t len, struct buf *out)
{
	jv v = jvparse_text(text, len);

	if (!jv_is_valid(v)) {
		jv_free(v);
		return -1;
	}
	jvdump(out, retention_scrub(v, &r->cfg->retention, r->hasher));
	return 0;
}

static int
count_delivery(void *ctx, const char *id, const char *body, size_t len)
{
	struct run *r = ctx;

	(void)id;
	(void)body;
	(void)len;
	r->res->deliveries++;
	return 0;
}

static int
keep_delivery(void *ctx, const char *id, const char *body, size_t len)
{
	item_add(ctx, 0, id, NULL, body, len);
	return 0;
}

static int
keep_event(void *ctx, int64_t seq, const char *id, const char *subject,
    const char *key, const char *text, size_t len)
{
	struct run *r = ctx;

	if (r->dry_run) {
		r->res->events++;
		return journal_retain_deliveries(r->j, id, count_delivery, r);
	}
	item_add(r, seq, id, subject, text, len);
	r->items[r->nitems - 1].d = xstrdup(key);
	return 0;
}

/*
 * An event made ready to retain on the reading thread, which reads the
 * journal on a connection of its own and does the jq work (scrubbing)
 * and the hashing: what the journal thread, which bounds the rate, only
 * writes.  Its deliveries: items' a their ids, c their scrubbed bodies
 * (NULL: dropped, not JSON).
 */
struct retain_work {
	int64_t		 seq;
	char		*id;
	int		 has_subject;
	char		 subject[RETENTION_HASH_LEN + 1];
	char		 key[RETENTION_HASH_LEN + 1];
	struct buf	 env;		/* scrubbed; data NULL: none */
	struct run	 dels;
};

static void
retain_work_free(void *work)
{
	struct retain_work *w = work;

	if (w == NULL)
		return;
	free(w->id);
	buf_release(&w->env);
	items_release(&w->dels);
	free(w);
}

/*
 * One event, read by rd: its canonical envelope scrubbed, its subject
 * and idempotency key hashed whatever the config says (a sync's key may
 * be a phone), its deliveries' bodies scrubbed.  NULL if rd fails.
 */
static struct retain_work *
retain_prepare(struct run *r, struct journal *rd, const struct item *it)
{
	char *attrs_names[] = { "subject", "idempotencykey" };
	struct cfg_retention attrs = { .fields = attrs_names, .nfields = 2 };
	struct retain_work *w = xcalloc(1, sizeof(*w));
	struct buf body = BUF_INIT;
	struct item *d;
	size_t i;
	jv v;

	w->seq = it->seq;
	w->id = xstrdup(it->a);
	if ((w->has_subject = it->b != NULL))
		retention_hash(r->hasher, it->b, strlen(it->b), w->subject);
	retention_hash(r->hasher, it->d, strlen(it->d), w->key);
	if (it->c != NULL) {
		v = jvparse_text(it->c, it->clen);
		if (jv_get_kind(v) == JV_KIND_OBJECT) {
			v = jv_object_set(v, jv_string("data"),
			    retention_scrub(jv_object_get(jv_copy(v),
			    jv_string("data")), &r->cfg->retention, r->hasher));
			jvdump(&w->env, retention_scrub(v, &attrs, r->hasher));
		} else
			jv_free(v);
	}
	if (journal_retain_deliveries(rd, it->a, keep_delivery,
	    &w->dels) != 0) {
		retain_work_free(w);
		return NULL;
	}
	for (i = 0; i < w->dels.nitems; i++) {
		d = &w->dels.items[i];
		buf_reset(&body);
		if (d->c != NULL && scrub_text(r, d->c, d->clen, &body) == 0)
			d->clen = body.len;
		else
			buf_release(&body);	/* not JSON: dropped */
		free(d->c);
		d->c = buf_detach(&body);
	}
	buf_release(&body);
	return w;
}

/* On the journal thread: what retain_prepare made of an event, written. */
static enum stream_rc
retain_apply(void *ctx, struct stream *s, struct stream_rec *rec)
{
	struct run *r = ctx;
	struct retain_work *w = rec->work;
	size_t i;

	if (journal_retain_event(s->journal, w->seq, w->id, w->env.data,
	    w->env.len, w->has_subject ? w->subject : NULL, w->key,
	    r->now) != 0)
		return stream_journal_failed(s, rec);
	for (i = 0; i < w->dels.nitems; i++) {
		if (journal_retain_delivery(s->journal, w->dels.items[i].a,
		    w->dels.items[i].c, w->dels.items[i].clen) != 0)
			return stream_journal_failed(s, rec);
		r->res->deliveries++;
	}
	r->res->events++;
	return STREAM_OK;
}

/*
 * The events due, in two halves as a stream runs (stage/stream.h): this
 * thread reads them on a connection of its own and prepares them, the
 * journal's writes them, a thousand a commit.  Returns an exit code, with
 * err set if not EX_OK.
 */
static int
retain_events(struct run *r, int64_t before, char *err, size_t errsz)
{
	struct stream_stage stage = { .apply = retain_apply,
	    .work_free = retain_work_free, .ctx = r };
	struct run found = { .dry_run = 0 };
	struct journal_retain_after after = { NULL, NULL };
	struct retain_work *w;
	struct stream_rec *slot = NULL;
	struct stream_feed *q;
	struct journal *rd;
	struct stream s;
	size_t i;
	int rc = EX_OK, frc, more;

	if ((rd = journal_open_again(r->j, err, errsz)) == NULL)
		return EX_IOERR;
	stream_init(&s, r->j);
	s.outf = NULL;
	s.batch_max = BATCH;
	s.batch_ms = BATCH_MS;
	if ((q = stream_feed_start(&s, &stage)) == NULL) {
		snprintf(err, errsz, "%s", s.err);
		journal_close(rd);
		return EX_OSERR;
	}
	do {
		if (journal_retain_events(rd, before, &after, BATCH,
		    keep_event, &found) != 0) {
			snprintf(err, errsz, "%s", journal_error(rd));
			rc = journal_abort(rd);
			break;
		}
		for (i = 0; i < found.nitems; i++) {
			if ((slot = stream_feed_slot(q)) == NULL)
				break;	/* the journal side stopped */
			if ((w = retain_prepare(r, rd,
			    &found.items[i])) == NULL) {
				snprintf(err, errsz, "%s", journal_error(rd));
				rc = journal_abort(rd);
				break;
			}
			slot->rc = STREAM_OK;
			slot->work = w;
			slot->lineno = 0;
			buf_reset(&slot->reason);
			snprintf(slot->event, sizeof(slot->event), "%s", w->id);
			stream_feed_push(q, 0);
		}
		more = found.nitems == BATCH && i == found.nitems;
		if (more) {
			free(found.after_a);
			found.after_a = xstrdup(found.items[i - 1].a);
			after.a = found.after_a;
		}
		items_release(&found);
	} while (rc == EX_OK && more);
	frc = stream_feed_end(q);
	if (rc == EX_OK && frc != EX_OK) {
		snprintf(err, errsz, "%s", s.err);
		rc = frc;
	}
	free(found.after_a);
	stream_release(&s);
	journal_close(rd);
	return rc;
}

static int
keep_contact(void *ctx, const char *tenant, const char *contact)
{
	struct run *r = ctx;

	if (r->dry_run)
		r->res->contacts++;
	else
		item_add(r, 0, tenant, contact, NULL, 0);
	return 0;
}

static int
keep_record(void *ctx, const char *job, const char *key, const char *record,
    size_t len)
{
	struct run *r = ctx;

	if (r->dry_run)
		r->res->records++;
	else
		item_add(r, 0, job, key, record, len);
	return 0;
}

enum what { EVENTS, CONTACTS, RECORDS };

/* One batch of what, in a commit; *more says whether there may be more. */
static int
batch(struct run *r, enum what what, int64_t before, int *more)
{
	struct buf rec = BUF_INIT;
	char h[RETENTION_HASH_LEN + 1];
	size_t i;
	struct journal_retain_after after = { r->after_a, r->after_b };
	int rc, limit = r->dry_run ? INT_MAX : BATCH;

	*more = 0;
	if (!r->dry_run && (rc = journal_begin(r->j)) != 0)
		return rc;
	rc = what == EVENTS ? journal_retain_events(r->j, before, &after,
	    limit, keep_event, r) : what == CONTACTS ?
	    journal_retain_contacts(r->j, before, &after, limit, keep_contact,
	    r) : journal_retain_records(r->j, before, &after, limit,
	    keep_record, r);
	if (r->nitems > 0) {
		free(r->after_a);
		free(r->after_b);
		r->after_a = xstrdup(r->items[r->nitems - 1].a);
		r->after_b = r->items[r->nitems - 1].b != NULL ?
		    xstrdup(r->items[r->nitems - 1].b) : NULL;
	}
	/* Events are counted as they are found (dry run), not kept. */
	for (i = 0; i < r->nitems && rc == 0; i++)
		switch (what) {
		case EVENTS:
			break;
		case CONTACTS:
			retention_hash(r->hasher, r->items[i].b,
			    strlen(r->items[i].b), h);
			rc = journal_retain_contact(r->j, r->items[i].a,
			    r->items[i].b, h);
			r->res->contacts++;
			break;
		case RECORDS:
			buf_reset(&rec);
			if (scrub_text(r, r->items[i].c, r->items[i].clen,
			    &rec) != 0)
				buf_adds(&rec, "null");
			rc = journal_retain_record(r->j, r->items[i].a,
			    r->items[i].b, rec.data, rec.len, r->now);
			r->res->records++;
			break;
		}
	*more = r->nitems == (size_t)limit;
	items_release(r);
	buf_release(&rec);
	if (r->dry_run)
		return rc;
	if (rc == 0)
		rc = journal_commit(r->j);
	if (rc != 0)
		journal_rollback(r->j);
	return rc;
}

int
retention_run(struct journal *j, const struct cfg *cfg, const char *salt,
    int64_t now, int dry_run, struct retention_result *res, char *err,
    size_t errsz)
{
	struct run r = { .j = j, .cfg = cfg, .now = now,
	    .dry_run = dry_run, .res = res,
	    .hasher = retention_hasher_new(salt) };
	int64_t before = now - cfg->retention.after_ms;
	enum what what;
	int rc = EX_OK, more;

	memset(res, 0, sizeof(*res));
	for (what = EVENTS; what <= RECORDS && rc == EX_OK; what++) {
		if (what == EVENTS && !dry_run) {
			rc = retain_events(&r, before, err, errsz);
			continue;
		}
		do
			rc = batch(&r, what, before, &more);
		while (rc == 0 && more);
		free(r.after_a);
		free(r.after_b);
		r.after_a = r.after_b = NULL;
		if (rc != 0) {
			snprintf(err, errsz, "%s", journal_error(j));
			rc = journal_abort(j);
		}
	}
	retention_hasher_free(r.hasher);
	return rc;
}
