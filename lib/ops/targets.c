/*
 * ops/targets: the targets' state, listed and changed.  See
 * ops/targets.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "ops/targets.h"
#include "transport/http.h"
#include "json/jvparse.h"

struct listing {
	const struct cfg	*cfg;
	int64_t			 now;
	ops_target_fn		 fn;
	void			*ctx;
	const char		**seen;	/* configured targets listed */
};

/* What a target's circuit is now: closed, open or half-open. */
static const char *
circuit_of(const struct journal_target_state *ts, int64_t now)
{
	if (ts == NULL || ts->open_until == 0)
		return "closed";
	return ts->open_until > now ? "open" : "half_open";
}

static int
list_row(void *ctx, const struct journal_target_state *ts)
{
	struct listing *l = ctx;
	size_t i;

	for (i = 0; i < l->cfg->ntargets; i++)
		if (strcmp(l->cfg->targets[i].name, ts->target) == 0)
			l->seen[i] = ts->target;
	return l->fn(l->ctx, &(struct ops_target){ .name = ts->target,
	    .configured = cfg_target(l->cfg, ts->target) != NULL,
	    .state = ts, .circuit = circuit_of(ts, l->now) });
}

int
ops_targets_list(struct journal *j, const struct cfg *cfg, int64_t now,
    ops_target_fn fn, void *ctx)
{
	struct listing l = { .cfg = cfg, .now = now, .fn = fn, .ctx = ctx };
	size_t i;
	int rc;

	l.seen = xcalloc(cfg->ntargets + 1, sizeof(*l.seen));
	rc = journal_target_states(j, list_row, &l);
	/* Configured targets the journal has never heard of. */
	for (i = 0; rc == 0 && i < cfg->ntargets; i++)
		if (l.seen[i] == NULL)
			rc = fn(ctx, &(struct ops_target){
			    .name = cfg->targets[i].name, .configured = 1,
			    .circuit = "closed" });
	free(l.seen);
	return rc;
}

void
ops_targets_json(struct buf *o, const struct ops_target *t)
{
	const struct journal_target_state *ts = t->state;
	char when[RFC3339_LEN + 1];

	buf_adds(o, "{\"target\":");
	buf_add_json_string(o, t->name, strlen(t->name));
	buf_addf(o, ",\"configured\":%s,\"enabled\":%s",
	    t->configured ? "true" : "false",
	    ts != NULL && ts->disabled_at > 0 ? "false" : "true");
	if (ts != NULL && ts->disabled_at > 0) {
		clock_rfc3339(ts->disabled_at, when);
		buf_addf(o, ",\"disabled_at\":\"%s\",\"reason\":", when);
		buf_add_json_string(o, ts->reason != NULL ? ts->reason : "",
		    ts->reason != NULL ? strlen(ts->reason) : 0);
	}
	buf_addf(o, ",\"circuit\":\"%s\",\"failures\":%d", t->circuit,
	    ts != NULL ? ts->failures : 0);
	if (ts != NULL && ts->open_until > 0) {
		clock_rfc3339(ts->opened_at, when);
		buf_addf(o, ",\"circuit_opened_at\":\"%s\"", when);
		clock_rfc3339(ts->open_until, when);
		buf_addf(o, ",\"circuit_open_until\":\"%s\"", when);
	}
	buf_addf(o, ",\"waiting\":%ld,\"dead\":%ld}",
	    ts != NULL ? ts->waiting : 0, ts != NULL ? ts->dead : 0);
}

/* A change to one target, in a transaction of its own. */
static int
change(struct journal *j, const char *name, const char *reason, int64_t now,
    int *done)
{
	int rc;

	if ((rc = journal_begin(j)) != 0)
		return rc;
	if (done != NULL)
		rc = journal_target_enable(j, name, now, done);
	else
		rc = journal_target_disable(j, name, reason, now);
	if (rc != 0 || (rc = journal_commit(j)) != 0)
		journal_rollback(j);
	return rc;
}

int
ops_targets_enable(struct journal *j, const char *name, int64_t now,
    int *done)
{
	return change(j, name, NULL, now, done);
}

int
ops_targets_disable(struct journal *j, const char *name, const char *reason,
    int64_t now)
{
	return change(j, name, reason, now, NULL);
}

/* A secret's copy, wiped before it is freed. */
static void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

enum ops_zapi_state
ops_targets_zapi_status(const struct cfg *cfg, const char *name,
    struct buf *answer, char *err, size_t errsz)
{
	const struct cfg_target *t = cfg_target(cfg, name);
	const char *headers[2] = { NULL, NULL };
	enum ops_zapi_state state;
	struct http_xfer x;
	struct http *h;
	struct buf url = BUF_INIT;
	char *base, *auth = NULL;
	jv v, connected;

	if (t == NULL || t->zapi_instance == NULL)
		return OPS_ZAPI_NOT_ZAPI;
	if ((base = cfg_zapi_base(t, err, errsz)) == NULL ||
	    (t->auth_header != NULL && (auth = cfg_auth_line(t, err,
	    errsz)) == NULL)) {
		secret_free(base);
		return OPS_ZAPI_BAD_CONFIG;
	}
	buf_addf(&url, "%s/status", base);
	headers[0] = auth;
	x = (struct http_xfer){ .method = "GET", .url = url.data,
	    .headers = headers, .timeout_ms = t->timeout_ms,
	    .connect_timeout_ms = t->connect_timeout_ms,
	    .ca_file = t->ca_file };
	if ((h = http_new()) == NULL || http_start(h, &x) != 0) {
		snprintf(err, errsz, "%s", h == NULL ? "libcurl failed" :
		    x.error);
		state = OPS_ZAPI_UNREACHABLE;
	} else {
		while (http_done(h) == NULL)
			if (http_wait(h, -1, 1000) != 0)
				break;
		if (x.error_class != NULL) {
			snprintf(err, errsz, "%s", x.error);
			state = OPS_ZAPI_UNREACHABLE;
		} else {
			buf_add(answer, x.response.data != NULL ?
			    x.response.data : "", x.response.len);
			v = jvparse_text(x.response.data != NULL ?
			    x.response.data : "", x.response.len);
			connected = jv_get_kind(v) == JV_KIND_OBJECT ?
			    jv_object_get(v, jv_string("connected")) : v;
			state = jv_get_kind(connected) == JV_KIND_TRUE ?
			    OPS_ZAPI_CONNECTED : OPS_ZAPI_DISCONNECTED;
			jv_free(connected);
		}
	}
	http_xfer_release(&x);
	http_free(h);
	explicit_bzero(url.data, url.len);
	buf_release(&url);
	secret_free(base);
	secret_free(auth);
	return state;
}
