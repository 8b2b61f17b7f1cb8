/*
 * flow/instance: an instance's state and the transitions that run no
 * program.  See flow/instance.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/config.h"
#include "flow/instance.h"
#include "journal/journal.h"
#include "journal/flows.h"
#include "stage/made.h"

const char *const flow_instance_statuses[FLOW_STATUSES + 1] = {
	"running", "waiting", "paused", "completed", "cancelled", "failed",
	NULL
};

/* The transitions, each an event integra.flow.WHAT. */
static const char *const transitions[] = {
	"started", "step.scheduled", "step.succeeded", "step.retried",
	"step.failed", "step.skipped", "waiting", "matched", "timed_out",
	"paused", "resumed", "cancelled", "completed", "failed", "repeated",
	"settings.changed", NULL
};

int
flow_instance_event_known(const char *type)
{
	size_t i;

	if (strncmp(type, "integra.flow.", 13) != 0)
		return 0;
	for (i = 0; transitions[i] != NULL; i++)
		if (strcmp(transitions[i], type + 13) == 0)
			return 1;
	return 0;
}

static const char *
status_of(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && flow_instance_statuses[i] != NULL; i++)
		if (strcmp(flow_instance_statuses[i], s) == 0)
			return flow_instance_statuses[i];
	return NULL;
}

int
flow_instance_ended(const char *status)
{
	return strcmp(status, "completed") == 0 ||
	    strcmp(status, "cancelled") == 0 || strcmp(status, "failed") == 0;
}

static char *
dup_opt(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Reading a row into the caller's instance: the flow is cfg's. */
struct reading {
	const struct cfg	*cfg;
	const struct cfg_flow	*flow;	/* or only this one's */
	struct flow_instance	*fi;
	int			 gone;	/* its flow is not in cfg */
};

static int
read_row(void *ctx, const struct journal_flow *f)
{
	struct reading *rd = ctx;
	struct flow_instance *fi = rd->fi;
	const struct cfg_flow *cf;
	size_t i;

	cf = rd->flow != NULL ? rd->flow : cfg_flow(rd->cfg, f->flow);
	if (cf == NULL || strcmp(cf->name, f->flow) != 0) {
		rd->gone = 1;
		return 1;
	}
	memset(fi, 0, sizeof(*fi));
	fi->cfg = cf;
	snprintf(fi->id, sizeof(fi->id), "%s", f->id);
	fi->key = xstrdup(f->key);
	fi->tenant = xstrdup(f->tenant);
	fi->number = xstrdup(f->number);
	snprintf(fi->event_id, sizeof(fi->event_id), "%s", f->event_id);
	fi->status = status_of(f->status);
	fi->label = xstrdup(f->label);
	fi->step = -1;
	for (i = 0; f->step != NULL && i < cf->nsteps; i++)
		if (strcmp(cf->steps[i].id, f->step) == 0)
			fi->step = (int)i;
	if (f->step != NULL && fi->step < 0)
		rd->gone = 1;	/* its step is not in the config any more */
	fi->visit = f->visit;
	fi->timeouts = f->timeouts;
	fi->due_at = f->due_at;
	fi->delivery = dup_opt(f->delivery);
	fi->wait_value = dup_opt(f->wait_value);
	fi->matched = dup_opt(f->matched);
	fi->paused_from = status_of(f->paused_from);
	fi->settings = xstrdup(f->settings);
	fi->vars = xstrdup(f->vars);
	fi->error = dup_opt(f->error);
	fi->cycle = f->cycle;
	fi->transitions = f->transitions;
	fi->started_at = f->started_at;
	fi->step_at = f->step_at;
	fi->ended_at = f->ended_at;
	if (fi->status == NULL)
		fi->status = "failed";
	return 1;
}

static int
found_as(struct reading *rd, int n, int *found)
{
	if (n == 0) {
		*found = 0;
		return 0;
	}
	if (rd->gone) {
		if (rd->fi->key != NULL)
			flow_instance_release(rd->fi);
		*found = -1;
		return 0;
	}
	*found = 1;
	return 0;
}

/* journal_flow_* return 1 when read_row stopped them: that is found. */
static int
read_rc(int rc)
{
	return rc == 1 ? 0 : rc;
}

int
flow_instance_read(struct journal *jn, const struct cfg *cfg, const char *ref,
    struct flow_instance *fi, int *found)
{
	struct reading rd = { .cfg = cfg, .fi = fi };
	int rc, n;

	memset(fi, 0, sizeof(*fi));
	if ((rc = read_rc(journal_flow_get(jn, ref, read_row, &rd, &n))) != 0)
		return rc;
	return found_as(&rd, n, found);
}

int
flow_instance_by_delivery(struct journal *jn, const struct cfg *cfg,
    const char *delivery, struct flow_instance *fi, int *found)
{
	struct reading rd = { .cfg = cfg, .fi = fi };
	int rc, n;

	memset(fi, 0, sizeof(*fi));
	if ((rc = read_rc(journal_flow_by_delivery(jn, delivery, read_row, &rd,
	    &n))) != 0)
		return rc;
	return found_as(&rd, n, found);
}

int
flow_instance_by_key(struct journal *jn, const struct cfg_flow *cf,
    const char *key, struct flow_instance *fi, int *found)
{
	struct reading rd = { .flow = cf, .fi = fi };
	int rc, n;

	memset(fi, 0, sizeof(*fi));
	if ((rc = read_rc(journal_flow_by_key(jn, cf->name, key, read_row, &rd,
	    &n))) != 0)
		return rc;
	return found_as(&rd, n, found);
}

void
flow_instance_release(struct flow_instance *fi)
{
	free(fi->key);
	free(fi->tenant);
	free(fi->number);
	free(fi->label);
	free(fi->delivery);
	free(fi->wait_value);
	free(fi->matched);
	free(fi->settings);
	free(fi->vars);
	free(fi->error);
	memset(fi, 0, sizeof(*fi));
}

static struct journal_flow
row_of(const struct flow_instance *fi, int64_t now)
{
	return (struct journal_flow){ .id = fi->id, .flow = fi->cfg->name,
	    .key = fi->key, .tenant = fi->tenant, .number = fi->number,
	    .event_id = fi->event_id, .status = fi->status,
	    .label = fi->label, .step = fi->step >= 0 ?
	    fi->cfg->steps[fi->step].id : NULL, .visit = fi->visit,
	    .timeouts = fi->timeouts, .due_at = fi->due_at,
	    .delivery = fi->delivery, .wait_value = fi->wait_value,
	    .matched = fi->matched, .paused_from = fi->paused_from,
	    .settings = fi->settings, .vars = fi->vars, .error = fi->error,
	    .cycle = fi->cycle, .transitions = fi->transitions,
	    .started_at = fi->started_at, .step_at = fi->step_at,
	    .updated_at = now, .ended_at = fi->ended_at };
}

int
flow_instance_put(struct journal *jn, struct flow_instance *fi, int64_t now)
{
	struct journal_flow row = row_of(fi, now);

	fi->dirty = 0;
	return journal_flow_put(jn, &row);
}

static void
member(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, ",\"%s\":", name);
	if (value != NULL)
		buf_add_json_string(b, value, strlen(value));
	else
		buf_adds(b, "null");
}

int
flow_instance_log(struct journal *jn, struct flow_instance *fi,
    const struct flow_log *l, int64_t now, struct buf *out)
{
	struct journal_flow_log row;
	struct buf data = BUF_INIT, type = BUF_INIT, key = BUF_INIT;
	const char *step = l->step != NULL ? l->step : fi->step >= 0 ?
	    fi->cfg->steps[fi->step].id : NULL;
	int64_t duration = l->duration_ms >= 0 ? l->duration_ms :
	    now - fi->step_at;
	struct buf line = BUF_INIT;
	int rc;

	fi->transitions++;
	buf_addf(&data, "{\"flow\":");
	buf_add_json_string(&data, fi->cfg->name, strlen(fi->cfg->name));
	member(&data, "instance", fi->id);
	member(&data, "number", fi->number);
	member(&data, "key", fi->key);
	member(&data, "step", step);
	member(&data, "status_from", l->from);
	member(&data, "status", fi->status);
	member(&data, "label", fi->label);
	buf_addf(&data, ",\"duration_ms\":%lld,\"attempt\":",
	    (long long)duration);
	if (l->attempt > 0)
		buf_addf(&data, "%d", l->attempt);
	else
		buf_adds(&data, "null");
	buf_addf(&data, ",\"cycle\":%d,\"seq\":%d", fi->cycle,
	    fi->transitions);
	member(&data, "event", l->event_id);
	member(&data, "detail", l->detail);
	buf_addc(&data, '}');
	buf_addf(&type, "integra.flow.%s", l->what);
	buf_addf(&key, "%s:%d", fi->id, fi->transitions);
	row = (struct journal_flow_log){ .instance = fi->id,
	    .flow = fi->cfg->name,
	    .seq = fi->transitions, .at = now, .what = l->what, .step = step,
	    .status_from = l->from, .status_to = fi->status,
	    .label = fi->label, .duration_ms = duration,
	    .attempt = l->attempt, .event_id = l->event_id,
	    .detail = l->detail };
	if ((rc = journal_flow_log_add(jn, &row)) == 0)
		rc = made_event(jn, &(struct made){ .source = FLOW_SOURCE,
		    .type = type.data, .subject = fi->id, .tenant = fi->tenant,
		    .key = key.data, .data = data.data, .len = data.len,
		    .now = now }, out != NULL ? out : &line);
	log_info(&(struct log_ids){ .event = fi->event_id }, "flow '%s'"
	    " instance %s (%s): %s%s%s", fi->cfg->name, fi->id, fi->number,
	    l->what, step != NULL ? " at " : "", step != NULL ? step : "");
	buf_release(&data);
	buf_release(&type);
	buf_release(&key);
	buf_release(&line);
	return rc;
}

/* The number: {year}, {tenant} and {seq} or {seq:N} put in. */
static char *
number(const char *format, const char *tenant, int year, long long seq)
{
	struct buf b = BUF_INIT;
	const char *p;
	char *end;
	long w;

	for (p = format; *p != '\0'; p++) {
		if (*p != '{') {
			buf_addc(&b, *p);
			continue;
		}
		if (strncmp(p, "{year}", 6) == 0) {
			buf_addf(&b, "%04d", year);
			p += 5;
		} else if (strncmp(p, "{tenant}", 8) == 0) {
			buf_adds(&b, tenant);
			p += 7;
		} else if (strncmp(p, "{seq}", 5) == 0) {
			buf_addf(&b, "%lld", seq);
			p += 4;
		} else {	/* {seq:N}, as the config checked */
			w = strtol(p + 5, &end, 10);
			buf_addf(&b, "%0*lld", (int)w, seq);
			p = end;
		}
	}
	return buf_detach(&b);
}

int
flow_instance_start(struct journal *jn, const struct cfg_flow *cf,
    const struct flow_start *s, int64_t now, struct flow_instance *fi,
    int *started, struct buf *out)
{
	struct journal_flow row;
	const char *parts[1] = { cf->name };
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	long long seq;
	int rc, found;

	*started = 0;
	memset(fi, 0, sizeof(*fi));
	if ((rc = flow_instance_by_key(jn, cf, s->key, fi, &found)) != 0)
		return rc;
	if (found != 0) {
		if (found > 0)
			flow_instance_release(fi);
		return 0;
	}
	gmtime_r(&t, &tm);
	if ((rc = journal_flow_number(jn, cf->name, s->tenant,
	    tm.tm_year + 1900, &seq)) != 0)
		return rc;
	fi->cfg = cf;
	id_derive(fi->id, s->event_id, parts, 1);
	fi->key = xstrdup(s->key);
	fi->tenant = xstrdup(s->tenant);
	fi->number = number(cf->number, s->tenant, tm.tm_year + 1900, seq);
	snprintf(fi->event_id, sizeof(fi->event_id), "%s", s->event_id);
	fi->status = "running";
	fi->label = xstrdup(cfg_flow_label(cf, "started"));
	fi->step = -1;
	fi->settings = xstrdup(s->settings);
	fi->vars = xstrdup("{}");
	fi->cycle = 1;
	fi->started_at = now;
	fi->step_at = now;
	row = row_of(fi, now);
	if ((rc = journal_flow_add(jn, &row, started)) != 0 || !*started)
		goto out;
	if ((rc = flow_instance_log(jn, fi, &(struct flow_log){
	    .what = "started", .duration_ms = 0, .event_id = s->event_id },
	    now, out)) == 0 &&
	    (rc = flow_instance_enter(jn, fi, 0, now, out)) == 0)
		rc = flow_instance_put(jn, fi, now);
out:
	if (rc != 0 || !*started)
		flow_instance_release(fi);
	return rc;
}

/* Completed: its flow's repeat, if any, is flow/run's to work out. */
static int
complete(struct journal *jn, struct flow_instance *fi, int64_t now,
    struct buf *out)
{
	const char *from = fi->status;

	fi->status = "completed";
	free(fi->label);
	fi->label = xstrdup(cfg_flow_label(fi->cfg, "completed"));
	fi->step = -1;
	fi->due_at = 0;
	fi->ended_at = now;
	fi->dirty = 1;
	return flow_instance_log(jn, fi, &(struct flow_log){
	    .what = "completed", .from = from, .duration_ms = now -
	    fi->started_at }, now, out);
}

int
flow_instance_enter(struct journal *jn, struct flow_instance *fi, int step,
    int64_t now, struct buf *out)
{
	const struct cfg_flow_step *s;
	const struct cfg_step *a;

	free(fi->delivery);
	free(fi->wait_value);
	fi->delivery = fi->wait_value = NULL;
	if ((size_t)step >= fi->cfg->nsteps)
		return complete(jn, fi, now, out);
	fi->visit = step == fi->step ? fi->visit + 1 : 1;
	fi->step = step;
	fi->step_at = now;
	s = &fi->cfg->steps[step];
	fi->due_at = now;
	if (s->action >= 0) {
		a = &fi->cfg->route.steps[s->action];
		fi->due_at = now + a->delay_ms;
	}
	if (strcmp(fi->status, "paused") != 0)
		fi->status = "running";
	fi->dirty = 1;
	return 0;
}

/* Ends fi: its wait closed, its step's request, if not sent, dropped. */
static int
end(struct journal *jn, struct flow_instance *fi, const char *status,
    const char *what, const char *why, int64_t now, struct buf *out)
{
	const char *from = fi->status;
	int rc;

	if (fi->delivery != NULL && (rc = journal_flow_delivery_drop(jn,
	    fi->delivery, why, now)) != 0)
		return rc;
	fi->status = status;
	free(fi->label);
	fi->label = xstrdup(cfg_flow_label(fi->cfg, status));
	free(fi->error);
	fi->error = xstrdup(why);
	free(fi->wait_value);
	fi->wait_value = NULL;
	fi->due_at = 0;
	fi->paused_from = NULL;
	fi->ended_at = now;
	if ((rc = flow_instance_log(jn, fi, &(struct flow_log){ .what = what,
	    .from = from, .duration_ms = -1, .detail = why }, now, out)) != 0)
		return rc;
	return flow_instance_put(jn, fi, now);
}

int
flow_instance_fail(struct journal *jn, struct flow_instance *fi,
    const char *why, int64_t now, struct buf *out)
{
	log_error(&(struct log_ids){ .event = fi->event_id }, "flow '%s'"
	    " instance %s failed: %s", fi->cfg->name, fi->id, why);
	return end(jn, fi, "failed", "failed", why, now, out);
}

int
flow_instance_cancel(struct journal *jn, struct flow_instance *fi,
    const char *why, int64_t now, struct buf *out)
{
	return end(jn, fi, "cancelled", "cancelled", why, now, out);
}

int
flow_instance_pause(struct journal *jn, struct flow_instance *fi, int64_t now,
    struct buf *out, struct buf *why)
{
	const char *from = fi->status;
	int rc;

	if (strcmp(fi->status, "running") != 0 &&
	    strcmp(fi->status, "waiting") != 0) {
		buf_addf(why, "instance %s is %s: only a running or waiting"
		    " one can be paused", fi->number, fi->status);
		return 1;
	}
	fi->paused_from = fi->status;
	fi->status = "paused";
	if ((rc = flow_instance_log(jn, fi, &(struct flow_log){
	    .what = "paused", .from = from, .duration_ms = -1 }, now,
	    out)) != 0)
		return rc;
	return flow_instance_put(jn, fi, now);
}

int
flow_instance_resume(struct journal *jn, struct flow_instance *fi,
    int64_t now, struct buf *out, struct buf *why)
{
	int rc;

	if (strcmp(fi->status, "paused") != 0) {
		buf_addf(why, "instance %s is %s, not paused", fi->number,
		    fi->status);
		return 1;
	}
	fi->status = fi->paused_from != NULL ? fi->paused_from : "running";
	fi->paused_from = NULL;
	/* What came or fell due meanwhile is worked out at once. */
	if (fi->matched != NULL || (fi->due_at > 0 && fi->due_at < now) ||
	    (fi->due_at == 0 && fi->delivery == NULL))
		fi->due_at = now;
	if ((rc = flow_instance_log(jn, fi, &(struct flow_log){
	    .what = "resumed", .from = "paused", .duration_ms = -1 }, now,
	    out)) != 0)
		return rc;
	return flow_instance_put(jn, fi, now);
}

int
flow_instance_match(struct journal *jn, struct flow_instance *fi,
    const char *event_id, int64_t now, int *taken)
{
	*taken = 0;
	if (fi->matched != NULL || (strcmp(fi->status, "waiting") != 0 &&
	    strcmp(fi->status, "paused") != 0))
		return 0;
	fi->matched = xstrdup(event_id);
	if (strcmp(fi->status, "waiting") == 0)
		fi->due_at = now;
	*taken = 1;
	return flow_instance_put(jn, fi, now);
}
