/*
 * ops/flows: the flows' instances as an admin sees and moves them.  See
 * ops/flows.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/ids.h"
#include "conf/config.h"
#include "flow/arrive.h"
#include "flow/def.h"
#include "flow/instance.h"
#include "flow/round.h"
#include "flow/run.h"
#include "journal/events.h"
#include "json/event.h"
#include "json/jvdump.h"
#include "ops/flows.h"
#include "ops/page.h"
#include "stage/stream.h"
#include "json/jvparse.h"

/* The longest waits the dashboard shows, a flow. */
#define LONGEST	10


void
ops_flows_filter_init(struct journal_flow_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->limit = OPS_FLOWS_LIMIT;
}

int
ops_flows_filter_set(struct journal_flow_filter *f, const char *name,
    const char *value, char *err, size_t errsz)
{
	size_t i;

	if (strcmp(name, "flow") == 0)
		f->flow = value;
	else if (strcmp(name, "tenant") == 0)
		f->tenant = value;
	else if (strcmp(name, "cursor") == 0)
		f->after = value;
	else if (strcmp(name, "errors") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			snprintf(err, errsz, "errors is yes or no");
			return -1;
		}
		f->errors = value[0] == 'y' ? 1 : -1;
	} else if (strcmp(name, "status") == 0) {
		for (i = 0; flow_instance_statuses[i] != NULL; i++)
			if (strcmp(flow_instance_statuses[i], value) == 0)
				break;
		if (flow_instance_statuses[i] == NULL) {
			snprintf(err, errsz, "status is running, waiting,"
			    " paused, completed, cancelled or failed");
			return -1;
		}
		f->status = value;
	} else
		return ops_page_filter(name, value, &f->since, &f->until,
		    &f->limit, OPS_FLOWS_LIMIT_MAX, err, errsz);
	return 0;
}

int
ops_flows_each(struct journal *j, const struct journal_flow_filter *f,
    journal_row_fn fn, void *ctx)
{
	return journal_flow_query(j, f, fn, ctx);
}

int
ops_flows_list(struct journal *j, const struct journal_flow_filter *f,
    struct buf *out)
{
	struct ops_page p;
	int rc;

	ops_page_open(&p, out, "instances");
	if ((rc = journal_flow_query(j, f, ops_page_row, &p)) != 0)
		return rc;
	ops_page_close(&p, f->limit);
	return 0;
}

int
ops_flows_show(struct journal *j, const char *ref, struct buf *out,
    int *found)
{
	return journal_flow_detail(j, ref, out, found);
}

/* The stats being written: a flow's object at a time. */
struct stats {
	struct buf	*out;
	const char	*flow;		/* whose counts are being read */
	long long	 by[FLOW_STATUSES + 1];	/* each status's, and all */
	int		 n;		/* members written in an object */
};

static int
count_row(void *ctx, const char *flow, const char *status, long long n)
{
	struct stats *s = ctx;
	size_t i;

	if (strcmp(flow, s->flow) != 0)
		return 0;
	for (i = 0; flow_instance_statuses[i] != NULL; i++)
		if (strcmp(flow_instance_statuses[i], status) == 0)
			s->by[i] += n;
	s->by[FLOW_STATUSES] += n;
	return 0;
}

static int
duration_row(void *ctx, const char *step, long long n, double mean,
    long long p95)
{
	struct stats *s = ctx;

	if (s->n++ > 0)
		buf_addc(s->out, ',');
	if (step != NULL) {
		buf_add_json_string(s->out, step, strlen(step));
		buf_addc(s->out, ':');
	}
	buf_addf(s->out, "{\"n\":%lld,\"mean_ms\":%.0f,\"p95_ms\":%lld}", n,
	    mean, p95);
	return 0;
}

/* One flow's stats, an object appended to out. */
static int
flow_stats(struct journal *j, const char *flow, struct buf *out)
{
	static const char *const step_whats[] = { "step.succeeded",
	    "matched" };
	struct stats s = { .out = out, .flow = flow };
	long long ended;
	size_t i;
	int rc;

	if ((rc = journal_flow_counts(j, count_row, &s)) != 0)
		return rc;
	buf_addf(out, "{\"instances\":%lld,\"by_status\":{",
	    s.by[FLOW_STATUSES]);
	for (i = 0; flow_instance_statuses[i] != NULL; i++)
		buf_addf(out, "%s\"%s\":%lld", i > 0 ? "," : "", flow_instance_statuses[i],
		    s.by[i]);
	ended = s.by[3] + s.by[4] + s.by[5];
	buf_addf(out, "},\"active\":%lld,\"success_rate\":", s.by[0] +
	    s.by[1] + s.by[2]);
	if (ended > 0)
		buf_addf(out, "%.4f", (double)s.by[3] / (double)ended);
	else
		buf_adds(out, "null");
	buf_adds(out, ",\"completion\":");
	s.n = 0;
	if ((rc = journal_flow_durations(j, flow, "completed", duration_row,
	    &s)) != 0)
		return rc;
	if (s.n == 0)
		buf_adds(out, "null");
	buf_adds(out, ",\"steps\":{");
	s.n = 0;
	for (i = 0; i < 2; i++)
		if ((rc = journal_flow_durations(j, flow, step_whats[i],
		    duration_row, &s)) != 0)
			return rc;
	buf_adds(out, "}}");
	return 0;
}

int
ops_flows_stats(const struct cfg *cfg, struct journal *j, int64_t now,
    struct buf *out)
{
	size_t i;
	int rc;

	(void)now;
	buf_adds(out, "{\"flows\":{");
	for (i = 0; i < cfg->nflows; i++) {
		if (i > 0)
			buf_addc(out, ',');
		buf_add_json_string(out, cfg->flows[i].name,
		    strlen(cfg->flows[i].name));
		buf_addc(out, ':');
		if ((rc = flow_stats(j, cfg->flows[i].name, out)) != 0)
			return rc;
	}
	buf_adds(out, "}}");
	return 0;
}

int
ops_flows_dashboard(const struct cfg *cfg, struct journal *j, int64_t now,
    struct buf *out)
{
	struct ops_page p;
	long long unmatched;
	size_t i;
	int rc;

	buf_adds(out, "{\"stats\":");
	if ((rc = ops_flows_stats(cfg, j, now, out)) != 0)
		return rc;
	buf_adds(out, ",\"waiting_longest\":{");
	for (i = 0; i < cfg->nflows; i++) {
		if (i > 0)
			buf_addc(out, ',');
		buf_add_json_string(out, cfg->flows[i].name,
		    strlen(cfg->flows[i].name));
		buf_addc(out, ':');
		p = (struct ops_page){ .out = out };
		buf_addc(out, '[');
		if ((rc = journal_flow_longest(j, cfg->flows[i].name, LONGEST,
		    now, ops_page_row, &p)) != 0)
			return rc;
		buf_addc(out, ']');
	}
	if ((rc = journal_flow_unmatched_count(j, &unmatched)) != 0)
		return rc;
	buf_addf(out, "},\"unmatched\":%lld}", unmatched);
	return 0;
}

int
ops_flows_unmatched(struct journal *j, const char *flow, const char *after,
    int limit, struct buf *out)
{
	struct ops_page p;
	int rc;

	ops_page_open(&p, out, "unmatched");
	if ((rc = journal_flow_unmatched(j, flow, after, limit, ops_page_row,
	    &p)) != 0)
		return rc;
	ops_page_close(&p, limit);
	return 0;
}

struct stranded {
	const struct cfg	*cfg;
	struct buf		*err;
	long long		 n;
};

static int
standing(void *ctx, const char *flow, const char *step, long long n,
    const char *numbers)
{
	struct stranded *s = ctx;
	const struct cfg_flow *f = cfg_flow(s->cfg, flow);
	size_t i;

	if (f != NULL && step != NULL)
		for (i = 0; i < f->nsteps; i++)
			if (strcmp(f->steps[i].id, step) == 0)
				return 0;
	if (f != NULL && step == NULL)
		return 0;
	s->n += n;
	if (f == NULL)
		buf_addf(s->err, "%s: no flow '%s', where %lld live instance%s"
		    " stand%s (%s%s)\n", s->cfg->path != NULL ? s->cfg->path :
		    "config", flow, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
		    numbers, n > 5 ? ", ..." : "");
	else
		buf_addf(s->err, "%s:%d: flow '%s' has no step '%s', where"
		    " %lld live instance%s stand%s (%s%s): keep its id until"
		    " they move on, or cancel them\n", s->cfg->path != NULL ?
		    s->cfg->path : "config", f->line, flow, step, n, n == 1 ?
		    "" : "s", n == 1 ? "s" : "", numbers, n > 5 ? ", ..." : "");
	return 0;
}

int
ops_flows_stranded(const struct cfg *cfg, struct journal *j,
    struct buf *err, long long *stranded)
{
	struct stranded s = { .cfg = cfg, .err = err };
	int rc;

	rc = journal_flow_standing(j, standing, &s);
	*stranded = s.n;
	return rc;
}

/* A change's end: committed with the instance's detail, or rolled back. */
static int
finish(struct journal *j, const char *id, int rc, struct buf *out,
    enum ops_flows_result *res)
{
	int found;

	if (rc != 0 || *res != OPS_FLOWS_DONE) {
		journal_rollback(j);
		return rc;
	}
	if ((rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		return rc;
	}
	return journal_flow_detail(j, id, out, &found);
}

/*
 * The start event, journaled as the flow's own, already mapped: a
 * CloudEvent's attributes as given, else given its data.  Its envelope
 * in env, its id in id (the first one's if *dup: it was journaled
 * before).
 */
static int
journal_start(struct journal *j, const struct cfg_flow *f,
    const char *tenant_given, jv given, int64_t now, struct buf *env,
    char id[ID_LEN + 1], int *dup)
{
	struct buf data = BUF_INIT;
	struct journal_event je;
	jv attr, tattr;
	char time[RFC3339_LEN + 1], key[ID_LEN + 1], first[ID_LEN + 1];
	const char *source = FLOW_SOURCE, *tenant = tenant_given;
	int rc, done, cloud;

	cloud = jv_get_kind(attr = jv_object_get(jv_copy(given),
	    jv_string("specversion"))) == JV_KIND_STRING;
	jv_free(attr);
	id_new(id);
	id_new(key);
	*dup = 0;
	if (cloud) {
		attr = jv_object_get(jv_copy(given), jv_string("id"));
		if (jv_get_kind(attr) == JV_KIND_STRING)
			snprintf(key, sizeof(key), "%.36s",
			    jv_string_value(attr));
		jv_free(attr);
		jvdump(&data, jv_object_get(jv_copy(given), jv_string("data")));
	} else
		jvdump(&data, jv_copy(given));
	clock_rfc3339(now, time);
	/* A CloudEvent's source and tenant, as strings it gave. */
	if (cloud && jv_get_kind(attr = jv_object_get(jv_copy(given),
	    jv_string("source"))) == JV_KIND_STRING)
		source = jv_string_value(attr);
	if (cloud && jv_get_kind(tattr = jv_object_get(jv_copy(given),
	    jv_string("tenant"))) == JV_KIND_STRING)
		tenant = jv_string_value(tattr);
	event_write(env, &(struct event_head){ .id = id, .source = source,
	    .type = f->on, .time = time, .tenant = tenant,
	    .idempotencykey = key }, data.data, data.len);
	je = (struct journal_event){ .id = id, .source = source,
	    .type = f->on, .tenant = tenant, .time = time,
	    .idempotency_key = key, .envelope = env->data,
	    .envelope_len = env->len, .canonical = 1, .received_at = now };
	if ((rc = journal_event_add(j, &je, first, NULL)) == 1) {
		snprintf(id, ID_LEN + 1, "%s", first);
		*dup = 1;
		rc = 0;
	} else if (rc == 0)
		rc = journal_event_map(j, id, f->on, source, &done);
	if (cloud) {
		jv_free(attr);
		jv_free(tattr);
	}
	buf_release(&data);
	return rc;
}

int
ops_flows_start(const struct flow_defs *defs, struct journal *j,
    const struct ops_flows_start *s, int64_t now, struct buf *out,
    struct buf *why, enum ops_flows_result *res)
{
	const struct flow_def *d = flow_def_find(defs, s->flow);
	struct flow_arrival *a = NULL;
	struct flow_instance fi;
	struct flow_run fr = { .defs = defs, .journal = j };
	struct buf env = BUF_INIT;
	struct event ev;
	char id[ID_LEN + 1] = "", event_id[ID_LEN + 1], perr[256];
	jv given;
	int rc, found, dup;

	*res = OPS_FLOWS_MISSING;
	if (d == NULL) {
		buf_addf(why, "no flow '%s' in the config", s->flow);
		return 0;
	}
	*res = OPS_FLOWS_BAD;
	if (stream_parse(s->json, s->len, &given, why) != 0)
		return 0;
	if ((rc = journal_begin(j)) != 0) {
		jv_free(given);
		return rc;
	}
	rc = journal_start(j, d->cfg, s->tenant != NULL ? s->tenant :
	    defs->cfg->tenant, given, now, &env, event_id, &dup);
	jv_free(given);
	if (rc != 0)
		goto out;
	if (event_parse(&ev, jvparse_text(env.data, env.len), perr,
	    sizeof(perr)) != 0) {
		buf_addf(why, "not a CloudEvent: %s", perr);
		goto out;
	}
	if (flow_arrive_start(d, &ev, &a, why) != 0) {
		event_release(&ev);
		goto out;
	}
	event_release(&ev);
	if ((rc = flow_instance_by_key(j, d->cfg, a->items[0].value, &fi,
	    &found)) != 0)
		goto out;
	*res = OPS_FLOWS_DUPLICATE;
	if (found == 0) {
		*res = OPS_FLOWS_DONE;
		if ((rc = flow_arrive_apply(j, defs->cfg, a, event_id,
		    d->cfg->on, now, NULL)) != 0 ||
		    (rc = flow_instance_by_key(j, d->cfg,
		    a->items[0].value, &fi, &found)) != 0 || found <= 0)
			goto out;
		rc = flow_run_process(&fr, &fi, now, 0);
	}
	if (found > 0) {
		snprintf(id, sizeof(id), "%s", fi.id);
		flow_instance_release(&fi);
	}
out:
	flow_arrive_free(a);
	buf_release(&env);
	if (rc == 0 && *res == OPS_FLOWS_DUPLICATE) {
		/* Nothing new: the instance as it stands. */
		journal_rollback(j);
		return journal_flow_detail(j, id, out, &found);
	}
	return finish(j, id, rc, out, res);
}

/*
 * What a change does to an instance: 0, REFUSED or BAD (why said), or a
 * journal failure (negative).
 */
enum { REFUSED = 1, BAD = 2 };

typedef int (*change_fn)(const struct flow_defs *, struct journal *,
    struct flow_instance *, int64_t now, const void *arg, struct buf *why);

static int
change(const struct flow_defs *defs, const struct cfg *cfg, struct journal *j,
    const char *ref, int64_t now, change_fn fn, const void *arg,
    struct buf *out, struct buf *why, enum ops_flows_result *res)
{
	struct flow_instance fi;
	char id[ID_LEN + 1] = "";
	int rc, found;

	*res = OPS_FLOWS_DONE;
	if ((rc = journal_begin(j)) != 0)
		return rc;
	if ((rc = flow_instance_read(j, cfg, ref, &fi, &found)) != 0)
		return finish(j, id, rc, out, res);
	if (found <= 0) {
		*res = OPS_FLOWS_MISSING;
		if (found < 0)
			buf_addf(why, "instance %s stands where the config has"
			    " no flow or step any more", ref);
		else
			buf_addf(why, "no flow instance '%s'", ref);
		return finish(j, id, rc, out, res);
	}
	snprintf(id, sizeof(id), "%s", fi.id);
	rc = fn(defs, j, &fi, now, arg, why);
	flow_instance_release(&fi);
	if (rc == REFUSED || rc == BAD) {
		*res = rc == BAD ? OPS_FLOWS_BAD : OPS_FLOWS_REFUSED;
		rc = 0;
	}
	return finish(j, id, rc, out, res);
}

static int
do_pause(const struct flow_defs *defs, struct journal *j,
    struct flow_instance *fi, int64_t now, const void *arg, struct buf *why)
{
	(void)defs;
	(void)arg;
	return flow_instance_pause(j, fi, now, NULL, why);
}

static int
do_resume(const struct flow_defs *defs, struct journal *j,
    struct flow_instance *fi, int64_t now, const void *arg, struct buf *why)
{
	(void)defs;
	(void)arg;
	return flow_instance_resume(j, fi, now, NULL, why);
}

static int
do_cancel(const struct flow_defs *defs, struct journal *j,
    struct flow_instance *fi, int64_t now, const void *arg, struct buf *why)
{
	(void)defs;
	(void)arg;
	if (flow_instance_ended(fi->status)) {
		buf_addf(why, "instance %s is %s already", fi->number,
		    fi->status);
		return REFUSED;
	}
	return flow_instance_cancel(j, fi, "cancelled by an admin", now, NULL);
}

static int
do_process(const struct flow_defs *defs, struct journal *j,
    struct flow_instance *fi, int64_t now, const void *arg, struct buf *why)
{
	struct flow_run fr = { .defs = defs, .journal = j };
	char when[RFC3339_LEN + 1];

	(void)arg;
	if (flow_instance_ended(fi->status) ||
	    strcmp(fi->status, "paused") == 0) {
		buf_addf(why, "instance %s is %s: it has no step to run",
		    fi->number, fi->status);
		return REFUSED;
	}
	if (fi->delivery != NULL && strcmp(fi->status, "running") == 0) {
		buf_addf(why, "instance %s's step '%s' is being sent as"
		    " delivery %s", fi->number, fi->cfg->steps[fi->step].id,
		    fi->delivery);
		return REFUSED;
	}
	if (strcmp(fi->status, "waiting") == 0 && fi->matched == NULL &&
	    fi->due_at > now) {
		clock_rfc3339(fi->due_at, when);
		buf_addf(why, "instance %s waits for %s until %s: nothing to"
		    " run before", fi->number,
		    fi->cfg->steps[fi->step].await, when);
		return REFUSED;
	}
	return flow_run_process(&fr, fi, now, 1);
}

/* The settings given over the instance's, of their defaults' kinds. */
static int
do_set(const struct flow_defs *defs, struct journal *j,
    struct flow_instance *fi, int64_t now, const void *arg, struct buf *why)
{
	const struct buf *given = arg;
	struct buf text = BUF_INIT, msg = BUF_INIT;
	jv v, s;
	int rc;

	(void)defs;
	if (flow_instance_ended(fi->status)) {
		buf_addf(why, "instance %s is %s: its settings no longer"
		    " matter", fi->number, fi->status);
		return REFUSED;
	}
	if (stream_parse(given->data, given->len, &v, &msg) != 0 ||
	    flow_def_settings(fi->cfg, jv_parse(fi->settings), v, &s,
	    &msg) != 0) {
		buf_adds(why, msg.data);
		buf_release(&msg);
		return BAD;
	}
	jvdump(&text, s);
	free(fi->settings);
	fi->settings = buf_detach(&text);
	if ((rc = flow_instance_log(j, fi, &(struct flow_log){
	    .what = "settings.changed", .from = fi->status, .duration_ms = -1,
	    .detail = given->data }, now, NULL)) == 0)
		rc = flow_instance_put(j, fi, now);
	buf_release(&msg);
	return rc;
}

int
ops_flows_process(const struct flow_defs *defs, struct journal *j,
    const char *ref, int64_t now, struct buf *out, struct buf *why,
    enum ops_flows_result *res)
{
	return change(defs, defs->cfg, j, ref, now, do_process, NULL, out,
	    why, res);
}

int
ops_flows_move(const struct cfg *cfg, struct journal *j, const char *ref,
    enum ops_flows_move move, int64_t now, struct buf *out, struct buf *why,
    enum ops_flows_result *res)
{
	static const change_fn fns[] = {
		[OPS_FLOWS_PAUSE] = do_pause,
		[OPS_FLOWS_RESUME] = do_resume,
		[OPS_FLOWS_CANCEL] = do_cancel
	};

	return change(NULL, cfg, j, ref, now, fns[move], NULL, out, why, res);
}

int
ops_flows_set(const struct cfg *cfg, struct journal *j, const char *ref,
    const char *json, size_t len, int64_t now, struct buf *out,
    struct buf *why, enum ops_flows_result *res)
{
	struct buf given = BUF_INIT;
	int rc;

	buf_add(&given, json, len);
	rc = change(NULL, cfg, j, ref, now, do_set, &given, out, why, res);
	buf_release(&given);
	return rc;
}

int
ops_flows_process_pending(const struct flow_defs *defs, struct journal *j,
    int64_t now, struct buf *out)
{
	struct flow_round_stats st;
	int rc;

	if ((rc = flow_round(defs, j, now, &st)) != 0)
		return rc;
	buf_addf(out, "{\"instances\":%ld,\"steps\":%ld,\"transitions\":%ld,"
	    "\"gone\":%ld}", st.instances, st.steps, st.transitions, st.gone);
	return 0;
}
