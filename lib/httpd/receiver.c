/*
 * receiver: integra-ingest as an HTTP server.  See receiver.h.
 *
 * A request that is routed goes BODY (reading it) -> SUBMITTED (its
 * events handed to the journal thread, the connection suspended) -> DONE
 * (committed or failed; the journal thread resumes the connection) and is
 * answered; one refused on its headers is answered at once.  Its events
 * carry it as their origin: the applied hook counts them, and the
 * committed hook, once all of a request's events are in a commit, marks
 * it DONE.  The lock guards what both threads touch: the results and the
 * list of submitted requests.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "httpd/auth.h"
#include "httpd/route.h"
#include "httpd/cehttp.h"
#include "journal/checkpointer.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "httpd/reply.h"
#include "stage/ingest.h"
#include "stage/normalize.h"
#include "rules/contact.h"
#include "rules/schema.h"
#include "journal/journal.h"
#include "journal/keys.h"
#include "json/jsonscan.h"
#include "httpd/guard.h"
#include "httpd/linkreq.h"
#include "base/log.h"
#include "httpd/receiver.h"
#include "transport/webhookauth.h"
#include "stage/stream.h"

#define BATCH_MAX_EVENTS	1000
#define CONN_LIMIT		1024
#define CONN_MEMORY		(16 * 1024)	/* a connection's, headers included */
/*
 * libmicrohttpd's own idle timeout, past the guard's deadline (which
 * counts): a backstop, for a connection the guard could not cut.
 */
#define GUARD_BACKSTOP		5
#define STOP_WAIT_MS		5000	/* for answers in flight, at the end */

enum state { BODY, SUBMITTED, DONE };
enum kind { WEBHOOK, LINK, EVENT, BATCH, BINARY, ADMIN };

struct request {
	struct receiver		*rv;
	struct MHD_Connection	*conn;
	enum state		 state;
	enum kind		 kind;
	struct ingest		*ig;		/* how to wrap its events */
	const struct webhookauth	*auth;		/* webhooks: their source's */
	const struct httpd_route	*route;		/* ADMIN: the route */
	struct httpd_call	*call;		/* ADMIN: and its call */
	const char		*redirect;	/* LINK: where the reader goes */
	char			 tenant[129];	/* the API key's, or "" */
	char			 bucket[160];	/* what its rate is counted by */
	struct httpd_reply_rate	 rate;		/* counted by the journal
						   thread, under rv->lock */
	struct buf		 body;
	int			 too_large;
	/* The results, under rv->lock. */
	size_t			 nevents;
	char			(*ids)[ID_LEN + 1];
	size_t			 pending;	/* events not yet committed */
	size_t			 uncommitted;	/* applied, in the open batch */
	size_t			 nduplicates;
	int			 failed;
	const char		*bad_code;	/* kept as rejected: why */
	char			*bad_message;
	struct request		*next;		/* on rv->submitted */
};

struct receiver {
	const struct receiver_opts *opts;
	const struct cfg	*cfg;
	struct stream		 s;
	struct stream_stage	 stage;
	struct stream_feed	*feed;
	struct ingest		 apply_ig;	/* the journal thread's */
	struct ingest		*sources;	/* one a configured source */
	struct webhookauth	**auths;	/* and how it authenticates */
	const struct cfg_source	*cfg_sources;
	size_t			 nsources;
	struct ingest		 events_ig;	/* CloudEvents, /api/events */
	struct schema_set	*schemas;	/* the catalogue, for */
	struct normalize	 check;		/* what /api/events refuses */
	char			*link_secret;	/* checks signed links; NULL
						   if no source takes them */
	struct journal		*reader;	/* the server thread's own
						   connection: keys, the API */
	struct journal		*rates;		/* and its lax one: the
						   counts of the API's keys */
	struct guard		*guard;		/* the connections' deadlines */
	pthread_mutex_t		 lock;
	struct request		*submitted;
	long			 active;	/* requests not yet completed */
	long			 connections;	/* open */
	int			 closed_one;	/* a connection was closed */
	int64_t			 last_seen;	/* monotonic ms of the last */
};

#define RATE_WINDOW_MS	60000

/* The req_cls of a request without a body until it is answered. */
static char deferred_request;

/*
 * The journal thread: counts the request against its rate limit with its
 * first event, in the journal's transaction, so that every process
 * sharing the journal shares the count; then journals the event unless
 * the request is over the limit.
 */
static enum stream_rc
receiver_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct receiver *rv = ctx;
	struct request *req = r->origin;
	int64_t window;
	long count;
	int limited;

	if (req->rate.limit > 0 && r->lineno == 1) {
		window = clock_ms() / RATE_WINDOW_MS * RATE_WINDOW_MS;
		if (journal_rate_hit(s->journal, req->bucket, window,
		    &count) != 0)
			return stream_journal_failed(s, r);
		pthread_mutex_lock(&rv->lock);
		req->rate.count = count;
		req->rate.window_end = window + RATE_WINDOW_MS;
		req->rate.limited = count > req->rate.limit;
		pthread_mutex_unlock(&rv->lock);
	}
	pthread_mutex_lock(&rv->lock);
	limited = req->rate.limited;
	pthread_mutex_unlock(&rv->lock);
	if (limited)
		return STREAM_SKIP;
	return ingest_apply(&rv->apply_ig, s, r);
}

static enum stream_rc
receiver_finish(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct receiver *rv = ctx;

	return ingest_finish(&rv->apply_ig, s, r);
}

/* The journal thread: one of a request's events was applied. */
static void
applied(void *ctx, struct stream_rec *r, enum stream_rc rc)
{
	struct receiver *rv = ctx;
	struct request *req = r->origin;

	pthread_mutex_lock(&rv->lock);
	if (rc == STREAM_OK) {
		snprintf(req->ids[r->lineno - 1], ID_LEN + 1, "%s", r->event);
		if (r->work != NULL && ingest_work_duplicate(r->work))
			req->nduplicates++;
	} else if (req->bad_code != NULL && rc == STREAM_REJECT)
		snprintf(req->ids[r->lineno - 1], ID_LEN + 1, "%s", r->event);
	else if (!req->rate.limited)
		req->failed = 1;
	req->uncommitted++;
	pthread_mutex_unlock(&rv->lock);
}

/*
 * The journal thread: the batch was committed (ok) or lost.  Requests all
 * of whose events are committed, and all of them if it was lost, are done:
 * their connections are resumed to be answered.
 */
static void
committed(void *ctx, int ok)
{
	struct receiver *rv = ctx;
	struct request **pp, *req, *done = NULL;

	pthread_mutex_lock(&rv->lock);
	for (pp = &rv->submitted; (req = *pp) != NULL;) {
		if (ok) {
			req->pending -= req->uncommitted;
			req->uncommitted = 0;
		} else
			req->failed = 1;
		if (req->pending > 0 && !req->failed) {
			pp = &req->next;
			continue;
		}
		*pp = req->next;
		req->state = DONE;
		req->next = done;
		done = req;
	}
	pthread_mutex_unlock(&rv->lock);
	for (; done != NULL; done = req) {
		req = done->next;
		MHD_resume_connection(done->conn);
	}
}

/* The answer of a request that is DONE. */
static enum MHD_Result
answer(struct request *req)
{
	struct receiver *rv = req->rv;
	struct buf b = BUF_INIT;
	enum MHD_Result ret;
	unsigned int status;
	size_t i;

	pthread_mutex_lock(&rv->lock);
	if (req->failed) {
		pthread_mutex_unlock(&rv->lock);
		return httpd_reply_fail(req->conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the journal could not take the event",
		    MHD_HTTP_HEADER_RETRY_AFTER, "5");
	}
	if (req->bad_code != NULL) {
		/* Kept in the journal as rejected: its id goes with the 400. */
		httpd_reply_error_body(&b, req->bad_code, req->bad_message);
		b.len--;
		buf_addf(&b, ",\"id\":\"%s\"}", req->ids[0]);
		pthread_mutex_unlock(&rv->lock);
		ret = httpd_reply_send(req->conn, MHD_HTTP_BAD_REQUEST, &b, NULL,
		    NULL, &req->rate);
		buf_release(&b);
		return ret;
	}
	if (req->rate.limited) {
		pthread_mutex_unlock(&rv->lock);
		httpd_reply_error_body(&b, "rate_limited", "too many requests: see"
		    " Retry-After");
		ret = httpd_reply_send(req->conn, MHD_HTTP_TOO_MANY_REQUESTS, &b,
		    NULL, NULL, &req->rate);
		buf_release(&b);
		return ret;
	}
	status = req->nduplicates == req->nevents ? MHD_HTTP_OK :
	    MHD_HTTP_ACCEPTED;
	if (req->kind != BATCH) {
		buf_adds(&b, "{\"id\":\"");
		buf_adds(&b, req->ids[0]);
		buf_adds(&b, req->nduplicates > 0 ? "\",\"duplicate\":true}" :
		    "\"}");
	} else {
		buf_adds(&b, "{\"ids\":[");
		for (i = 0; i < req->nevents; i++)
			buf_addf(&b, "%s\"%s\"", i > 0 ? "," : "",
			    req->ids[i]);
		buf_addf(&b, "],\"duplicates\":%zu}", req->nduplicates);
	}
	pthread_mutex_unlock(&rv->lock);
	if (req->redirect != NULL)
		ret = httpd_reply_send(req->conn, MHD_HTTP_SEE_OTHER, &b,
		    MHD_HTTP_HEADER_LOCATION, req->redirect, &req->rate);
	else
		ret = httpd_reply_send(req->conn, status, &b, NULL, NULL,
		    &req->rate);
	buf_release(&b);
	return ret;
}

/*
 * The idempotency key a webhook's request names: its Idempotency-Key
 * header, or else Standard Webhooks' webhook-id (svix-id as svix names
 * it); NULL if none, or -1 in *bad if the one it names is not 1 to 256
 * printable bytes.
 */
static const char *
request_key(struct request *req, int *bad)
{
	const char *k, *p;

	*bad = 0;
	if ((k = httpd_reply_header(req->conn, "Idempotency-Key")) == NULL &&
	    (k = httpd_reply_header(req->conn, "webhook-id")) == NULL &&
	    (k = httpd_reply_header(req->conn, "svix-id")) == NULL)
		return NULL;
	for (p = k; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p != '\0' || p == k || p - k > 256) {
		*bad = 1;
		return NULL;
	}
	return k;
}

/*
 * Prepares the event text s[0..n) into r as ingest would.  Returns 0, or
 * with the reason in r->reason -1 if it is not a JSON object, -2 if it is
 * not an event ingest takes, and for the event API -4 if its type is not
 * in the catalogue, -5 if its data is not as the type's schema says.
 */
static int
prepare_one(struct request *req, struct stream_rec *r, const char *s,
    size_t n)
{
	jv v = jv_invalid();

	r->event[0] = '\0';
	r->work = NULL;
	buf_reset(&r->reason);
	if (stream_parse(s, n, req->ig->key == NULL ? NULL : &v,
	    &r->reason) != 0)
		return -1;
	if (ingest_prepare(req->ig, r, s, n, v) != STREAM_OK)
		return -2;
	/*
	 * The event API's sender can fix what normalize would reject: told
	 * now.  A webhook's cannot change its payloads: kept, rejected.
	 */
	if (req->kind == WEBHOOK || req->kind == LINK)
		return 0;
	switch (normalize_check(&req->rv->check, s, n, &r->reason)) {
	case NORMALIZE_UNKNOWN_TYPE:
		return -4;
	case NORMALIZE_INVALID_DATA:
		return -5;
	default:
		return 0;
	}
}

/* The error code of prepare_one's bad. */
static const char *
bad_code(int bad)
{
	switch (bad) {
	case -1:
		return "invalid_json";
	case -4:
		return "unknown_type";
	case -5:
		return "invalid_data";
	default:
		return "invalid_event";
	}
}

/*
 * The body is complete: prepares its events, hands them to the journal
 * thread and suspends the connection until they are committed.
 */
static enum MHD_Result
submit(struct request *req)
{
	struct receiver *rv = req->rv;
	const char *s = req->body.data != NULL ? req->body.data : "";
	size_t n = req->body.len, i, nitems = 1;
	size_t starts[BATCH_MAX_EVENTS], ends[BATCH_MAX_EVENTS];
	struct stream_rec *recs, *slot;
	enum json_type type;
	const char *why;
	size_t at;
	char msg[256];
	enum MHD_Result ret;
	int bad = 0;

	guard_busy(rv->guard, req->conn);
	if (req->too_large)
		return httpd_reply_fail(req->conn, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "the body is larger than the limit", NULL, NULL);
	if (req->kind == ADMIN) {
		req->call->body = s;
		req->call->body_len = n;
		req->call->journal_ok = !stream_feed_stopped(rv->feed);
		return req->route->handler(req->call);
	}
	if (req->kind == BINARY) {
		struct buf ev = BUF_INIT;

		cehttp_structure_conn(req->conn, s, n, &ev);
		buf_release(&req->body);
		req->body = ev;
		s = req->body.data;
		n = req->body.len;
	}
	/* No hint to the client which part was wrong; the log says. */
	if (req->auth != NULL && webhookauth_check(req->auth, httpd_reply_header,
	    req->conn, s, n, clock_ms() / 1000, &why) != 0) {
		log_warn(NULL, "source '%s': %s: refused", req->ig->source,
		    why);
		return httpd_reply_fail(req->conn, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "authentication failed", NULL, NULL);
	}
	if (req->kind == WEBHOOK) {
		req->ig->request_key = request_key(req, &bad);
		if (bad)
			return httpd_reply_fail(req->conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_key", "the idempotency key is not 1 to"
			    " 256 printable bytes", NULL, NULL);
	}
	starts[0] = 0;
	ends[0] = n;
	if (req->kind == BATCH) {
		if ((type = json_validate(s, n, &at, &why)) == JSON_INVALID) {
			snprintf(msg, sizeof(msg), "invalid JSON: %s at byte"
			    " %zu", why, at + 1);
			return httpd_reply_fail(req->conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_json", msg, NULL, NULL);
		}
		if (type != JSON_ARRAY)
			return httpd_reply_fail(req->conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_batch", "a batch is a JSON array of"
			    " CloudEvents", NULL, NULL);
		nitems = cehttp_batch_items(s, n, starts, ends,
		    BATCH_MAX_EVENTS + 1);
		if (nitems == 0 || nitems > BATCH_MAX_EVENTS) {
			snprintf(msg, sizeof(msg), "a batch holds 1 to %d"
			    " events", BATCH_MAX_EVENTS);
			return httpd_reply_fail(req->conn, MHD_HTTP_BAD_REQUEST,
			    "invalid_batch", msg, NULL, NULL);
		}
	}

	/* Events posted with a key are its tenant's, unless they say. */
	if (req->tenant[0] != '\0')
		req->ig->tenant = req->tenant;
	/* Every event is checked before any is journaled. */
	recs = xcalloc(nitems, sizeof(*recs));
	for (i = 0; i < nitems; i++) {
		buf_init(&recs[i].reason);
		if ((bad = prepare_one(req, &recs[i], s + starts[i],
		    ends[i] - starts[i])) != 0)
			break;
		/* A key posts for its own tenant only. */
		if (req->tenant[0] != '\0' && strcmp(ingest_work_tenant(
		    recs[i].work), req->tenant) != 0) {
			bad = -3;
			buf_addf(&recs[i].reason, "the event's tenant is not"
			    " the API key's");
			break;
		}
	}
	if (i < nitems && (req->kind == LINK || (req->kind == WEBHOOK &&
	    req->auth != NULL && webhookauth_required(req->auth)))) {
		/* From an authenticated source: kept, as rejected. */
		req->bad_code = bad == -1 ? "invalid_json" : "invalid_event";
		req->bad_message = xstrdup(recs[0].reason.data);
		ingest_work_free(recs[0].work);
		buf_reset(&recs[0].reason);
		ingest_prepare_rejected(req->ig, &recs[0], s, n,
		    req->bad_message);
		i = nitems;
	}
	req->ig->request_key = NULL;
	req->ig->tenant = rv->opts->tenant;
	if (i < nitems) {
		if (req->kind == BATCH)
			snprintf(msg, sizeof(msg), "event %zu: %s", i + 1,
			    recs[i].reason.data);
		else
			snprintf(msg, sizeof(msg), "%s", recs[i].reason.data);
		ret = bad == -3 ? httpd_reply_fail(req->conn,
		    MHD_HTTP_FORBIDDEN, "forbidden", msg, NULL, NULL) :
		    httpd_reply_fail(req->conn, MHD_HTTP_BAD_REQUEST,
		    bad_code(bad), msg, NULL, NULL);
		for (nitems = i + 1, i = 0; i < nitems; i++) {
			ingest_work_free(recs[i].work);
			buf_release(&recs[i].reason);
		}
		free(recs);
		return ret;
	}

	req->nevents = req->pending = nitems;
	req->ids = xcalloc(nitems, sizeof(*req->ids));
	pthread_mutex_lock(&rv->lock);
	req->state = SUBMITTED;
	req->next = rv->submitted;
	rv->submitted = req;
	pthread_mutex_unlock(&rv->lock);
	/* Suspended first: the journal thread may resume it at once. */
	MHD_suspend_connection(req->conn);
	for (i = 0; i < nitems; i++) {
		if ((slot = stream_feed_slot(rv->feed)) == NULL)
			break;
		slot->lineno = (long)i + 1;
		slot->rc = STREAM_OK;
		slot->work = recs[i].work;
		slot->origin = req;
		buf_reset(&slot->reason);
		memcpy(slot->event, recs[i].event, sizeof(slot->event));
		recs[i].work = NULL;
		stream_feed_push(rv->feed, i + 1 == nitems);
	}
	if (i < nitems) {
		/* The journal side stopped: what it has will never be. */
		committed(rv, 0);
	}
	for (i = 0; i < nitems; i++) {
		ingest_work_free(recs[i].work);
		buf_release(&recs[i].reason);
	}
	free(recs);
	return MHD_YES;
}

/* Which source posts to url: its index, or -1. */
static long
source_at(struct receiver *rv, const char *url)
{
	size_t i;

	for (i = 0; i < rv->nsources; i++)
		if (strcmp(rv->cfg_sources[i].path, url) == 0)
			return (long)i;
	return -1;
}

/* A request that is taken: its body comes next (a link's is made). */
static struct request *
request_new(struct receiver *rv, struct MHD_Connection *conn,
    enum kind kind, struct ingest *ig, const struct webhookauth *auth,
    void **req_cls)
{
	struct request *req;

	req = xcalloc(1, sizeof(*req));
	req->rv = rv;
	req->conn = conn;
	req->kind = kind;
	req->ig = ig;
	req->auth = auth;
	req->state = BODY;
	buf_init(&req->body);
	*req_cls = req;
	pthread_mutex_lock(&rv->lock);
	rv->active++;
	pthread_mutex_unlock(&rv->lock);
	return req;
}

/*
 * A signed link's GET (link.h): journaled as the source's webhook with
 * the link's members as its body, once the link is found to be one
 * integra made.
 */
static enum MHD_Result
link_start(struct receiver *rv, struct MHD_Connection *conn, const char *url,
    long src, void **req_cls)
{
	const struct cfg_source *cs = &rv->cfg_sources[src];
	struct request *req;
	struct buf body = BUF_INIT;
	unsigned int status;
	const char *why;

	if ((status = linkreq_body(conn, url, &cs->links, rv->link_secret,
	    &body, &why)) != 0) {
		buf_release(&body);
		if (status != MHD_HTTP_UNAUTHORIZED)
			return httpd_reply_fail(conn, status, "invalid_link",
			    why, NULL, NULL);
		log_warn(NULL, "source '%s': %s: refused", cs->name, why);
		return httpd_reply_fail(conn, status, "unauthorized",
		    "authentication failed", NULL, NULL);
	}
	req = request_new(rv, conn, LINK, &rv->sources[src], NULL, req_cls);
	req->body = body;
	req->redirect = cs->links.redirect;
	snprintf(req->bucket, sizeof(req->bucket), "source:%s", cs->name);
	req->rate.limit = cs->rate_limit;
	return submit(req);
}

/*
 * A request whose body is to be read, once its media type and length are
 * right: MHD_YES with the request in *req_cls, or answered.
 */
static enum MHD_Result
body_start(struct receiver *rv, struct MHD_Connection *conn, enum kind kind,
    struct ingest *ig, const struct webhookauth *auth, void **req_cls,
    struct request **out)
{
	const char *cl;
	unsigned long long len;
	char *end;

	*out = NULL;
	if (kind == EVENT && httpd_reply_media_type_is(conn,
	    "application/cloudevents-batch+json"))
		kind = BATCH;
	else if (kind == EVENT && httpd_reply_header(conn, "ce-specversion") !=
	    NULL && (httpd_reply_media_type_is(conn, "application/json") ||
	    httpd_reply_header(conn, MHD_HTTP_HEADER_CONTENT_TYPE) == NULL))
		/* Binary mode; without a content type, an event without data. */
		kind = BINARY;
	else if (kind == EVENT ? !httpd_reply_media_type_is(conn,
	    "application/cloudevents+json") : !httpd_reply_media_type_is(conn,
	    "application/json"))
		return httpd_reply_fail(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "unsupported_media_type", kind == EVENT ? "use"
		    " application/cloudevents+json,"
		    " application/cloudevents-batch+json, or ce- headers"
		    " with application/json data" :
		    "use application/json", NULL, NULL);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		len = strtoull(cl, &end, 10);
		if (errno == 0 && *end == '\0' && len > rv->opts->max_body)
			return httpd_reply_fail(conn, MHD_HTTP_CONTENT_TOO_LARGE,
			    "too_large", "the body is larger than the limit",
			    NULL, NULL);
	}
	*out = request_new(rv, conn, kind, ig, auth, req_cls);
	return MHD_YES;
}

/* A POST to a configured source's path. */
static enum MHD_Result
webhook_start(struct receiver *rv, struct MHD_Connection *conn,
    const char *url, const char *method, long src, void **req_cls)
{
	struct request *req;
	enum MHD_Result ret;

	if (rv->cfg_sources[src].links.on) {
		if (strcmp(method, "GET") == 0)
			return link_start(rv, conn, url, src, req_cls);
		if (strcmp(method, "POST") != 0)
			return httpd_reply_fail(conn,
			    MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
			    "use POST, or GET with a signed link",
			    MHD_HTTP_HEADER_ALLOW, "GET, POST");
	}
	if (strcmp(method, "POST") != 0)
		return httpd_reply_fail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method_not_allowed", "use POST", MHD_HTTP_HEADER_ALLOW,
		    "POST");
	if ((ret = body_start(rv, conn, WEBHOOK, &rv->sources[src],
	    rv->auths[src], req_cls, &req)) != MHD_YES || req == NULL)
		return ret;
	snprintf(req->bucket, sizeof(req->bucket), "source:%s",
	    rv->sources[src].source);
	req->rate.limit = rv->cfg_sources[src].rate_limit;
	return MHD_YES;
}

/* POST /api/events, its key checked. */
static enum MHD_Result
events_start(struct receiver *rv, struct MHD_Connection *conn,
    const struct journal_key *key, void **req_cls)
{
	struct request *req;
	enum MHD_Result ret;

	if ((ret = body_start(rv, conn, EVENT, &rv->events_ig, NULL, req_cls,
	    &req)) != MHD_YES || req == NULL)
		return ret;
	snprintf(req->tenant, sizeof(req->tenant), "%s", key->tenant);
	snprintf(req->bucket, sizeof(req->bucket), "key:%s", key->name);
	req->rate.limit = key->rate_limit;
	return MHD_YES;
}

/*
 * Counts a request to a route that journals no event against its key's
 * rate, in the journal as the events' are (so reads count too, and every
 * receiver on the journal counts together): 0 if it may go on, or 1 with
 * the answer queued in *ret, 429 over the rate or 503.  Events are
 * counted in the journal thread, with the first of them.
 */
static int
rate_counted(struct receiver *rv, struct MHD_Connection *conn,
    const struct journal_key *key, enum MHD_Result *ret)
{
	struct httpd_reply_rate rate = { .limit = key->rate_limit };
	struct buf b = BUF_INIT;
	char bucket[160];
	int64_t window;

	if (key->rate_limit <= 0)
		return 0;
	window = clock_ms() / RATE_WINDOW_MS * RATE_WINDOW_MS;
	snprintf(bucket, sizeof(bucket), "key:%s", key->name);
	if (journal_rate_hit(rv->rates, bucket, window, &rate.count) != 0) {
		*ret = httpd_reply_journal_failed(rv->rates, conn);
		return 1;
	}
	if (rate.count <= rate.limit)
		return 0;
	rate.window_end = window + RATE_WINDOW_MS;
	rate.limited = 1;
	httpd_reply_error_body(&b, "rate_limited", "too many requests: see"
	    " Retry-After");
	*ret = httpd_reply_send(conn, MHD_HTTP_TOO_MANY_REQUESTS, &b, NULL,
	    NULL, &rate);
	buf_release(&b);
	return 1;
}

/*
 * A route answered once its body is in: the call is kept with the
 * request, and its key checked where it stays (journal_key's strings
 * point into it).
 */
static enum MHD_Result
admin_start(struct receiver *rv, const struct httpd_route *route,
    const struct httpd_call *found, void **req_cls)
{
	struct request *req;
	struct httpd_call *call;
	enum MHD_Result ret;
	unsigned int status;

	call = xmalloc(sizeof(*call));
	*call = *found;
	if (route->scope != NULL && (status = httpd_auth_key(rv->reader,
	    call->conn, route->scope, &call->key)) != 0) {
		free(call);
		return httpd_auth_refused(found->conn, status);
	}
	if (route->scope != NULL && rate_counted(rv, call->conn, &call->key,
	    &ret)) {
		free(call);
		return ret;
	}
	if ((ret = body_start(rv, found->conn, ADMIN, NULL, NULL, req_cls,
	    &req)) != MHD_YES || req == NULL) {
		free(call);
		return ret;
	}
	req->route = route;
	req->call = call;
	return MHD_YES;
}

/* A new request: routed, or answered at once. */
static enum MHD_Result
start(struct receiver *rv, struct MHD_Connection *conn, const char *url,
    const char *method, void **req_cls)
{
	struct httpd_call call = { .conn = conn, .method = method,
	    .reader = rv->reader, .cfg = rv->cfg,
	    .journal_ok = !stream_feed_stopped(rv->feed) };
	const struct httpd_route *route;
	enum MHD_Result ret;
	char allow[64];
	unsigned int status;
	long src;

	if (!httpd_reply_headers_clean(conn))
		return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST,
		    "bad_header", "a header holds a control character", NULL,
		    NULL);
	route = httpd_route_find(method, url, &call, &status, allow,
	    sizeof(allow));
	if (route == NULL && status == MHD_HTTP_NOT_FOUND &&
	    (src = source_at(rv, url)) >= 0)
		return webhook_start(rv, conn, url, method, src, req_cls);
	if (route == NULL && status == MHD_HTTP_METHOD_NOT_ALLOWED)
		return httpd_reply_fail(conn, status, "method_not_allowed",
		    "the method does not apply here", MHD_HTTP_HEADER_ALLOW,
		    allow);
	if (route == NULL)
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such endpoint", NULL, NULL);
	if (route->takes == HTTPD_BODY)
		return admin_start(rv, route, &call, req_cls);
	if (route->scope != NULL && (status = httpd_auth_key(rv->reader, conn,
	    route->scope, &call.key)) != 0)
		return httpd_auth_refused(conn, status);
	if (route->takes == HTTPD_EVENTS)
		return events_start(rv, conn, &call.key, req_cls);
	if (route->scope != NULL && rate_counted(rv, conn, &call.key, &ret))
		return ret;
	return route->handler(&call);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct receiver *rv = cls;
	struct request *req = *req_cls;

	(void)version;
	/*
	 * A request without a body is answered on the call after its
	 * headers': libmicrohttpd 0.9 closes the connection after an answer
	 * queued with the headers, which keep-alive clients would pay for.
	 */
	if (req == NULL && (strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0)) {
		guard_busy(rv->guard, conn);
		*req_cls = &deferred_request;
		return MHD_YES;
	}
	if (req == NULL || *req_cls == &deferred_request) {
		*req_cls = NULL;
		return start(rv, conn, url, method, req_cls);
	}
	switch (req->state) {
	case BODY:
		if (*upload_data_size > 0) {
			if (req->body.len + *upload_data_size >
			    rv->opts->max_body)
				req->too_large = 1;
			else
				buf_add(&req->body, upload_data,
				    *upload_data_size);
			*upload_data_size = 0;
			return MHD_YES;
		}
		return submit(req);
	case DONE:
		return answer(req);
	default:
		return MHD_YES;
	}
}

static void
completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct receiver *rv = cls;
	struct request *req = *req_cls;

	(void)toe;
	guard_idle(rv->guard, conn);
	if (req == NULL || *req_cls == &deferred_request)
		return;
	pthread_mutex_lock(&rv->lock);
	rv->active--;
	pthread_mutex_unlock(&rv->lock);
	buf_release(&req->body);
	free(req->call);
	free(req->ids);
	free(req->bad_message);
	free(req);
	*req_cls = NULL;
}

static void
connection_event(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct receiver *rv = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		guard_opened(rv->guard, conn, socket_ctx);
	else
		guard_closed(rv->guard, socket_ctx);
	pthread_mutex_lock(&rv->lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		rv->connections++;
	else {
		rv->connections--;
		rv->closed_one = 1;
	}
	rv->last_seen = clock_mono_ms();
	pthread_mutex_unlock(&rv->lock);
}

/*
 * Waits for SIGTERM or SIGINT (blocked in every thread), for an inetd
 * connection to be closed, or for idle_exit seconds without a connection;
 * meanwhile cuts the connections whose request is late.
 */
static void
wait_for_stop(struct receiver *rv, const sigset_t *set)
{
	struct timespec tick = { 0, 200 * 1000000 };
	int64_t idle_ms = (int64_t)rv->opts->idle_exit * 1000;
	long cut;
	int sig, stop = 0;

	while (!stop) {
		if ((sig = sigtimedwait(set, NULL, &tick)) > 0) {
			log_info(NULL, "signal %d: stopping", sig);
			return;
		}
		/*
		 * The journal thread stopped on a failure: every request
		 * would be answered 503 from now on.  The process ends with
		 * what the failure means (75: disk full; 74: disk failing),
		 * for systemd, or whoever started it, to start it again.
		 */
		if (stream_feed_stopped(rv->feed)) {
			log_error(NULL, "the journal failed: stopping");
			return;
		}
		if ((cut = guard_sweep(rv->guard, clock_mono_ms())) > 0)
			log_info(NULL, "%ld connection%s closed: no whole"
			    " request within %d s", cut, cut == 1 ? "" : "s",
			    rv->opts->request_timeout);
		pthread_mutex_lock(&rv->lock);
		if (rv->opts->inetd)
			stop = rv->closed_one && rv->connections == 0;
		else if (idle_ms > 0 && rv->connections == 0 &&
		    clock_mono_ms() - rv->last_seen >= idle_ms) {
			log_info(NULL, "idle for %d s: stopping",
			    rv->opts->idle_exit);
			stop = 1;
		}
		pthread_mutex_unlock(&rv->lock);
	}
}

/*
 * libmicrohttpd's own complaints, as log lines: one a second at most of
 * the same text (a flood of connections over the limits is thousands of
 * the same), the ones left out counted on the next.  On libmicrohttpd's
 * one thread.
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	static char last[512];
	static int64_t last_ms;
	static long repeats;
	char msg[512];
	int64_t now = clock_mono_ms();
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (strcmp(msg, last) == 0 && now - last_ms < 1000) {
		repeats++;
		return;
	}
	if (repeats > 0)
		log_warn(NULL, "http: %s (%ld times more)", last, repeats);
	log_warn(NULL, "http: %s", msg);
	memcpy(last, msg, sizeof(last));
	last_ms = now;
	repeats = 0;
}

/*
 * libmicrohttpd's own unescaping, unless the text holds a %00: decoded, it
 * would end the path early and "/webhooks/site%00x" would be taken as the
 * source at "/webhooks/site".  Left escaped, such a path is no route's and
 * is answered 404; a query value keeps its escapes too, and matches
 * nothing.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	if (strstr(s, "%00") != NULL)
		return strlen(s);
	return MHD_http_unescape(s);
}

#define DAEMON_FLAGS	(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | \
			    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | \
			    MHD_USE_ERROR_LOG)
/* The logger first: it is used for what goes wrong with the others. */
#define DAEMON_OPTIONS(rv)						\
	MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (rv),			\
	MHD_OPTION_NOTIFY_COMPLETED, completed, (rv),			\
	MHD_OPTION_NOTIFY_CONNECTION, connection_event, (rv),		\
	MHD_OPTION_UNESCAPE_CALLBACK, unescape, (rv),			\
	MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,		\
	MHD_OPTION_PER_IP_CONNECTION_LIMIT, (rv)->opts->per_client,	\
	MHD_OPTION_CONNECTION_TIMEOUT,					\
	    (unsigned int)(rv)->opts->request_timeout + GUARD_BACKSTOP,	\
	MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY

/* The server: on the listening socket, or with none for inetd. */
static struct MHD_Daemon *
start_daemon(struct receiver *rv)
{
	if (rv->opts->inetd)
		return MHD_start_daemon(DAEMON_FLAGS | MHD_USE_NO_LISTEN_SOCKET,
		    0, NULL, NULL, handler, rv, DAEMON_OPTIONS(rv),
		    MHD_OPTION_END);
	return MHD_start_daemon(DAEMON_FLAGS, 0, NULL, NULL, handler, rv,
	    DAEMON_OPTIONS(rv), MHD_OPTION_LISTEN_SOCKET, rv->opts->fd,
	    MHD_OPTION_END);
}

/* Hands the inetd connection to the server. */
static int
add_connection(struct MHD_Daemon *d, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1) {
		log_error(NULL, "--inetd: standard input is not a connected"
		    " socket: %s", strerror(errno));
		return -1;
	}
	if (MHD_add_connection(d, fd, (struct sockaddr *)&ss, len) !=
	    MHD_YES) {
		log_error(NULL, "--inetd: the server did not take the"
		    " connection");
		return -1;
	}
	return 0;
}

/* Lets the answers in flight go out, for STOP_WAIT_MS at most. */
static void
drain(struct receiver *rv)
{
	struct timespec ms = { 0, 10 * 1000000 };
	long active;
	int waited;

	for (waited = 0; waited < STOP_WAIT_MS; waited += 10) {
		pthread_mutex_lock(&rv->lock);
		active = rv->active;
		pthread_mutex_unlock(&rv->lock);
		if (active == 0)
			return;
		nanosleep(&ms, NULL);
	}
}

/* The sources, with their secrets: -1 (logged) if one cannot be read. */
static int
sources_init(struct receiver *rv, const struct cfg *cfg)
{
	char err[256], owner[160];
	size_t i;
	int rc = 0;

	rv->cfg_sources = cfg->sources;
	rv->nsources = cfg->nsources;
	rv->sources = xcalloc(cfg->nsources + 1, sizeof(*rv->sources));
	rv->auths = xcalloc(cfg->nsources + 1, sizeof(*rv->auths));
	for (i = 0; i < cfg->nsources; i++) {
		snprintf(owner, sizeof(owner), "source '%s'",
		    cfg->sources[i].name);
		if ((rv->auths[i] = webhookauth_new(&cfg->sources[i].auth,
		    owner, err, sizeof(err))) == NULL) {
			log_error(NULL, "%s", err);
			rc = -1;
		} else if (!webhookauth_required(rv->auths[i]))
			log_warn(NULL, "source '%s' has no auth: anyone who"
			    " can reach %s can post to it",
			    cfg->sources[i].name, cfg->sources[i].path);
		if (cfg->sources[i].links.on && rv->link_secret == NULL &&
		    (rv->link_secret = cfg_link_secret(cfg, err,
		    sizeof(err))) == NULL) {
			log_error(NULL, "source '%s': %s",
			    cfg->sources[i].name, err);
			rc = -1;
		}
		ingest_init(&rv->sources[i]);
		rv->sources[i].source = cfg->sources[i].name;
		rv->sources[i].type = cfg->sources[i].type;
		rv->sources[i].key = cfg->sources[i].key;
		rv->sources[i].tenant = rv->opts->tenant;
	}
	ingest_init(&rv->events_ig);
	rv->events_ig.tenant = rv->opts->tenant;
	ingest_init(&rv->apply_ig);
	return rc;
}

static void
sources_release(struct receiver *rv)
{
	size_t i;

	for (i = 0; i < rv->nsources; i++) {
		ingest_release(&rv->sources[i]);
		webhookauth_free(rv->auths[i]);
	}
	free(rv->sources);
	free(rv->auths);
	if (rv->link_secret != NULL) {
		explicit_bzero(rv->link_secret, strlen(rv->link_secret));
		free(rv->link_secret);
	}
	ingest_release(&rv->events_ig);
	ingest_release(&rv->apply_ig);
}

/*
 * As many open files as the hard limit allows: each connection is one, and
 * a soft limit of 1024 would refuse connections well under CONN_LIMIT.
 */
static void
open_files_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * The catalogue's schemas, as integra-normalize loads them, for what the
 * event API refuses at once: 0, or -1 logged.
 */
static int
catalogue_init(struct receiver *rv, const struct cfg *cfg)
{
	struct buf dir = BUF_INIT;
	const char *dirs[2];
	size_t ndirs;
	char err[512];

	ndirs = cfg_schema_dirs(cfg, &dir, dirs);
	rv->schemas = schema_load(dirs, ndirs, err, sizeof(err));
	buf_release(&dir);
	if (rv->schemas == NULL) {
		log_error(NULL, "schemas: %s", err);
		return -1;
	}
	normalize_init(&rv->check, rv->schemas, cfg,
	    contact_calling_code(cfg->country), NULL);
	return 0;
}

int
receiver_run(const struct cfg *cfg, struct journal *journal,
    const struct receiver_opts *opts)
{
	struct receiver rv;
	struct MHD_Daemon *d;
	struct checkpointer *ckpt;
	struct journal *failed = NULL;
	sigset_t set, old;
	char err[512];
	int rc;

	memset(&rv, 0, sizeof(rv));
	rv.opts = opts;
	rv.cfg = cfg;
	rv.guard = guard_new(opts->request_timeout);
	pthread_mutex_init(&rv.lock, NULL);
	open_files_max();
	stream_init(&rv.s, journal);
	/* A downstream that goes away stops the output, not the receiver. */
	rv.s.outf = opts->out;
	rv.s.out_optional = 1;
	if (sources_init(&rv, cfg) != 0 || catalogue_init(&rv, cfg) != 0) {
		rc = EX_CONFIG;
		goto out_early;
	}
	if ((rv.reader = journal_open_again(journal, err,
	    sizeof(err))) == NULL || (rv.rates = journal_open_again(journal,
	    err, sizeof(err))) == NULL) {
		log_error(NULL, "%s", err);
		rc = EX_CANTCREAT;
		goto out_early;
	}
	if (journal_set_lax(rv.rates) != 0)
		failed = rv.rates;
	else if (journal_key_cache(rv.reader) != 0)
		failed = rv.reader;
	if (failed != NULL) {
		log_error(NULL, "%s", journal_error(failed));
		rc = EX_CANTCREAT;
		goto out_early;
	}
	/* Commit as soon as nothing more is waiting: latency is an answer's. */
	rv.s.batch_ms = 0;
	rv.stage = (struct stream_stage){ .apply = receiver_apply,
	    .finish = receiver_finish, .work_free = ingest_work_free,
	    .applied = applied,
	    .committed = committed, .ctx = &rv };

	/* The threads started from here on leave these signals to us. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);

	if ((rv.feed = stream_feed_start(&rv.s, &rv.stage)) == NULL) {
		log_error(NULL, "%s", rv.s.err);
		rc = EX_OSERR;
		goto out;
	}
	/* Commits that wait for no checkpoint: a steadier p99. */
	if ((ckpt = checkpointer_start(journal, err,
	    sizeof(err))) == NULL)
		log_warn(NULL, "%s: checkpoints stay in the commits", err);
	rv.last_seen = clock_mono_ms();
	d = start_daemon(&rv);
	if (d == NULL || (opts->inetd && add_connection(d, opts->fd) != 0)) {
		if (d == NULL)
			log_error(NULL, "cannot start the HTTP server");
		else
			MHD_stop_daemon(d);
		stream_feed_end(rv.feed);
		checkpointer_stop(ckpt);
		rc = EX_OSERR;
		goto out;
	}
	wait_for_stop(&rv, &set);

	/* No new connections; the answers in flight go out; then the end. */
	MHD_quiesce_daemon(d);
	drain(&rv);
	MHD_stop_daemon(d);
	rc = stream_feed_end(rv.feed);
	checkpointer_stop(ckpt);
	if (rc != EX_OK)
		log_error(NULL, "%s", rv.s.err);
	log_info(NULL, "%ld events journaled, %ld duplicate",
	    rv.s.nok - rv.apply_ig.nduplicates, rv.apply_ig.nduplicates);
out:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out_early:
	journal_close(rv.reader);
	journal_close(rv.rates);
	stream_release(&rv.s);
	sources_release(&rv);
	normalize_release(&rv.check);
	schema_free(rv.schemas);
	pthread_mutex_destroy(&rv.lock);
	guard_free(rv.guard);
	return rc;
}
