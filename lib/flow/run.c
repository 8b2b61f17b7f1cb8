/*
 * flow/run: moving instances with their flows' programs.  See flow/run.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/log.h"
#include "conf/config.h"
#include "flow/def.h"
#include "flow/instance.h"
#include "flow/run.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "journal/flows.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "stage/mapstep.h"
#include "json/jvparse.h"

/* Transitions at once (steps skipped, waits met at once) before it stops. */
#define MOVES_MAX	64
#define DAY_MS		86400000LL

/* A program failed: the instance fails with why, the run goes on. */
#define FAILED		1

static const char *
step_id(const struct flow_instance *fi)
{
	return fi->cfg->steps[fi->step].id;
}

/* An event's canonical envelope, or null if it is gone (retention). */
static int
event_of(struct flow_run *fr, const char *id, jv *out)
{
	enum journal_event_status st;
	struct buf canonical = BUF_INIT;
	int rc;

	*out = jv_null();
	if ((rc = journal_event_status(fr->journal, id, &st, &canonical)) != 0)
		return rc;
	if (canonical.len > 0) {
		*out = jvparse_text(canonical.data, canonical.len);
		if (!jv_is_valid(*out)) {
			jv_free(*out);
			*out = jv_null();
		}
	}
	buf_release(&canonical);
	return 0;
}

static jv
parse_object(const char *text)
{
	jv v = jv_parse(text);

	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return jv_object();
	}
	return v;
}

/* What the instance's programs run on (flow.h's struct cfg_flow). */
static int
doc(struct flow_run *fr, const struct flow_instance *fi, jv *out)
{
	jv event, d;
	int rc;

	if ((rc = event_of(fr, fi->event_id, &event)) != 0)
		return rc;
	d = jv_object();
	d = jv_object_set(d, jv_string("id"), jv_string(fi->id));
	d = jv_object_set(d, jv_string("flow"), jv_string(fi->cfg->name));
	d = jv_object_set(d, jv_string("number"), jv_string(fi->number));
	d = jv_object_set(d, jv_string("key"), jv_string(fi->key));
	d = jv_object_set(d, jv_string("tenant"), jv_string(fi->tenant));
	d = jv_object_set(d, jv_string("status"), jv_string(fi->status));
	d = jv_object_set(d, jv_string("label"), jv_string(fi->label));
	d = jv_object_set(d, jv_string("step"), fi->step >= 0 ?
	    jv_string(step_id(fi)) : jv_null());
	d = jv_object_set(d, jv_string("cycle"), jv_number(fi->cycle));
	d = jv_object_set(d, jv_string("settings"),
	    parse_object(fi->settings));
	d = jv_object_set(d, jv_string("vars"), parse_object(fi->vars));
	*out = jv_object_set(d, jv_string("event"), event);
	return 0;
}

/* Fails fi with what went wrong at its step. */
static int
fail(struct flow_run *fr, struct flow_instance *fi, const struct buf *why,
    int64_t now)
{
	struct buf msg = BUF_INIT;
	int rc;

	if (fi->step >= 0)
		buf_addf(&msg, "step '%s': ", step_id(fi));
	buf_adds(&msg, why->data != NULL ? why->data : "failed");
	fr->transitions++;
	rc = flow_instance_fail(fr->journal, fi, msg.data, now, NULL);
	buf_release(&msg);
	return rc;
}

/*
 * Runs the step's saves on [instance, other] (consumed) into its vars:
 * 0, FAILED with the reason in why, or a journal failure.
 */
static int
save(struct flow_run *fr, const struct flow_def_step *s,
    struct flow_instance *fi, jv other, struct buf *why)
{
	const struct cfg_flow_step *cs = s->cfg;
	struct buf text = BUF_INIT;
	jv d, vars, out;
	size_t k;
	int rc;

	if (cs->nsave == 0) {
		jv_free(other);
		return 0;
	}
	if ((rc = doc(fr, fi, &d)) != 0) {
		jv_free(other);
		return rc;
	}
	vars = parse_object(fi->vars);
	for (k = 0; k < cs->nsave; k++) {
		if (jqprog_run(s->save[k], JV_ARRAY(jv_copy(d), jv_copy(other)),
		    &out, why) != 0) {
			buf_addf(why, " (save %s)", cs->save[k].name);
			jv_free(vars);
			jv_free(d);
			jv_free(other);
			return FAILED;
		}
		vars = jv_object_set(vars, jv_string(cs->save[k].name), out);
	}
	jvdump(&text, vars);
	free(fi->vars);
	fi->vars = buf_detach(&text);
	jv_free(d);
	jv_free(other);
	return 0;
}

/*
 * To step to (its index; past the last: completed), and, once completed,
 * again from the flow's repeat step if its days say so.
 */
static int
advance(struct flow_run *fr, struct flow_instance *fi, int to, int64_t now)
{
	const struct flow_def *d = flow_def_find(fr->defs, fi->cfg->name);
	struct buf why = BUF_INIT, detail = BUF_INIT;
	jv dd, out;
	double days;
	int rc;

	fr->transitions++;
	if ((rc = flow_instance_enter(fr->journal, fi, to, now, NULL)) != 0 ||
	    strcmp(fi->status, "completed") != 0 || d->repeat_days == NULL)
		return rc;
	if ((rc = doc(fr, fi, &dd)) != 0)
		return rc;
	if (jqprog_run(d->repeat_days, dd, &out, &why) != 0) {
		log_error(&(struct log_ids){ .event = fi->event_id }, "flow"
		    " '%s' instance %s: repeat days: %s: it does not repeat",
		    fi->cfg->name, fi->id, why.data);
		buf_release(&why);
		return 0;
	}
	days = jv_get_kind(out) == JV_KIND_NUMBER ? jv_number_value(out) : 0;
	jv_free(out);
	buf_release(&why);
	if (!(days > 0 && days <= 3660))
		return 0;
	fi->cycle++;
	fi->ended_at = 0;
	if ((rc = flow_instance_enter(fr->journal, fi, fi->cfg->repeat_to,
	    now, NULL)) != 0)
		return rc;
	fi->due_at = now + (int64_t)(days * DAY_MS);
	buf_addf(&detail, "cycle %d from step '%s' in %g days", fi->cycle,
	    fi->cfg->repeat_from, days);
	fr->transitions++;
	rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
	    .what = "repeated", .from = "completed", .duration_ms = 0,
	    .detail = detail.data }, now, NULL);
	buf_release(&detail);
	return rc;
}

/* An action falls due: its condition, then its request. */
static int
run_action(struct flow_run *fr, const struct flow_def *d,
    struct flow_instance *fi, int64_t now)
{
	const struct flow_def_step *s = &d->steps[fi->step];
	struct map_step *ms = s->action;
	const struct cfg_step *cs = ms->cfg;
	struct buf why = BUF_INIT, text = BUF_INIT;
	struct journal_delivery jd;
	char id[ID_LEN + 1], seq[16], *body = NULL, *url = NULL;
	const char *parts[2] = { step_id(fi), seq };
	size_t len = 0;
	jv input, dd;
	int rc, yes, added;

	if ((rc = doc(fr, fi, &dd)) != 0)
		return rc;
	jvdump(&text, jv_copy(dd));
	input = map_step_input(ms, dd, jv_null());
	if ((yes = map_step_takes(ms, jv_copy(input), &why)) != 1) {
		jv_free(input);
		if (yes < 0) {
			rc = fail(fr, fi, &why, now);
			goto out;
		}
		fr->transitions++;
		if ((rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
		    .what = "step.skipped", .from = fi->status,
		    .duration_ms = -1, .detail = "its condition does not"
		    " hold" }, now, NULL)) == 0)
			rc = advance(fr, fi, fi->step + 1, now);
		goto out;
	}
	/* A path that interpolates is made of the instance, as a route's. */
	if (ms->path != NULL && map_step_url(ms, jv_copy(input), &url,
	    &why) != 0) {
		jv_free(input);
		rc = fail(fr, fi, &why, now);
		goto out;
	}
	if (map_step_body(fr->defs->cfg, ms, NULL, input, text.data, text.len,
	    &body, &len, &why) != 0) {
		rc = fail(fr, fi, &why, now);
		goto out;
	}
	snprintf(seq, sizeof(seq), "%d", fi->transitions);
	id_derive(id, fi->id, parts, 2);
	jd = (struct journal_delivery){ .id = id, .event_id = fi->event_id,
	    .target = cs->target, .route = fi->cfg->name, .step = fi->step,
	    .method = cs->method, .url = url != NULL ? url : ms->url,
	    .headers = ms->headers,
	    .body = body, .body_len = len, .created_at = now,
	    .not_before = now, .priority = cs->priority,
	    .ordered = cs->to != NULL && cs->to->ordered };
	if ((rc = journal_delivery_add(fr->journal, &jd, &added)) != 0)
		goto out;
	free(fi->delivery);
	fi->delivery = xstrdup(id);
	fi->due_at = 0;
	fr->steps++;
	fr->transitions++;
	fi->dirty = 1;
	if ((rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
	    .what = "step.scheduled", .from = fi->status, .duration_ms = -1,
	    .detail = id }, now, NULL)) != 0)
		goto out;
	if (fr->ready != NULL && fr->nready < fr->maxready)
		snprintf(fr->ready[fr->nready++], ID_LEN + 1, "%s", id);
out:
	free(body);
	free(url);
	buf_release(&why);
	buf_release(&text);
	return rc;
}

/*
 * An await falls due: the value its event must match, then the event, if
 * one came for it since the instance started (a signature that raced the
 * step before), else a wait until its timeout.
 */
static int
open_wait(struct flow_run *fr, const struct flow_def *d,
    struct flow_instance *fi, int64_t now)
{
	const struct flow_def_step *s = &d->steps[fi->step];
	struct buf why = BUF_INIT;
	char event[ID_LEN + 1], *value;
	const char *from = fi->status;
	jv dd, out;
	int rc;

	if ((rc = doc(fr, fi, &dd)) != 0)
		return rc;
	if (jqprog_run(s->equals, dd, &out, &why) != 0) {
		buf_adds(&why, " (equals)");
		rc = fail(fr, fi, &why, now);
		buf_release(&why);
		return rc;
	}
	if ((value = flow_def_value(out)) == NULL) {
		buf_addf(&why, "equals (%s) gives nothing to wait for",
		    s->cfg->equals);
		rc = fail(fr, fi, &why, now);
		buf_release(&why);
		return rc;
	}
	if ((rc = journal_flow_arrival_take(fr->journal, fi->cfg->name,
	    step_id(fi), value, fi->started_at, fi->id, event)) != 0) {
		free(value);
		return rc;
	}
	free(fi->wait_value);
	fi->wait_value = value;
	fi->status = "waiting";
	fi->due_at = now + s->cfg->timeout_ms;
	if (event[0] != '\0') {
		fi->matched = xstrdup(event);
		fi->due_at = now;
	}
	fi->dirty = 1;
	fr->transitions++;
	return flow_instance_log(fr->journal, fi, &(struct flow_log){
	    .what = "waiting", .from = from, .duration_ms = -1,
	    .detail = s->cfg->await }, now, NULL);
}

/* The event that matched fi's wait: its saves, then the next step. */
static int
apply_match(struct flow_run *fr, const struct flow_def *d,
    struct flow_instance *fi, int64_t now)
{
	const struct flow_def_step *s = &d->steps[fi->step];
	struct buf why = BUF_INIT;
	char event[ID_LEN + 1];
	jv ev;
	int rc;

	snprintf(event, sizeof(event), "%s", fi->matched);
	if ((rc = event_of(fr, event, &ev)) != 0)
		return rc;
	if ((rc = save(fr, s, fi, ev, &why)) != 0) {
		if (rc == FAILED)
			rc = fail(fr, fi, &why, now);
		buf_release(&why);
		return rc;
	}
	buf_release(&why);
	free(fi->matched);
	fi->matched = NULL;
	fi->timeouts = 0;
	if (s->cfg->label != NULL) {
		free(fi->label);
		fi->label = xstrdup(s->cfg->label);
	}
	fi->status = "running";
	fr->transitions++;
	if ((rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
	    .what = "matched", .from = "waiting", .duration_ms = -1,
	    .event_id = event }, now, NULL)) != 0)
		return rc;
	return advance(fr, fi, fi->step + 1, now);
}

/* fi's wait ran out: the next of its step's on_timeout. */
static int
timed_out(struct flow_run *fr, struct flow_instance *fi, int64_t now)
{
	const struct cfg_flow_step *s = &fi->cfg->steps[fi->step];
	const struct cfg_flow_timeout *t;
	static const char *const names[] = {
		[CFG_FLOW_GOTO] = "goto", [CFG_FLOW_FAIL] = "fail",
		[CFG_FLOW_CANCEL] = "cancel", [CFG_FLOW_CONTINUE] = "continue"
	};
	struct buf why = BUF_INIT;
	size_t i;
	int rc;

	fi->timeouts++;
	i = (size_t)fi->timeouts - 1;
	t = &s->on_timeout[i < s->non_timeout ? i : s->non_timeout - 1];
	buf_addf(&why, "no %s came within %lld s (timeout %d): %s%s%s",
	    s->await, (long long)(s->timeout_ms / 1000), fi->timeouts,
	    names[t->what], t->what == CFG_FLOW_GOTO ? " " : "",
	    t->what == CFG_FLOW_GOTO ? t->step : "");
	fr->transitions++;
	if ((rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
	    .what = "timed_out", .from = fi->status, .duration_ms = -1,
	    .detail = why.data }, now, NULL)) != 0)
		goto out;
	switch (t->what) {
	case CFG_FLOW_GOTO:
		rc = advance(fr, fi, t->to, now);
		break;
	case CFG_FLOW_CONTINUE:
		fi->timeouts = 0;
		rc = advance(fr, fi, fi->step + 1, now);
		break;
	case CFG_FLOW_CANCEL:
		fr->transitions++;
		rc = flow_instance_cancel(fr->journal, fi, why.data, now, NULL);
		break;
	case CFG_FLOW_FAIL:
		rc = fail(fr, fi, &why, now);
		break;
	}
out:
	buf_release(&why);
	return rc;
}

/* Its step's delivery died where dispatch could not see (retry's sweep). */
static int
check_delivery(struct flow_run *fr, struct flow_instance *fi, int64_t now)
{
	struct buf status = BUF_INIT, error = BUF_INIT, why = BUF_INIT;
	int rc, attempts;

	if ((rc = journal_flow_delivery_state(fr->journal, fi->delivery,
	    &status, &error, &attempts)) == 0 &&
	    strcmp(status.data != NULL ? status.data : "", "dead") == 0) {
		buf_addf(&why, "its request %s died after %d attempt%s: %s",
		    fi->delivery, attempts, attempts == 1 ? "" : "s",
		    error.data != NULL ? error.data : "no reason kept");
		fr->transitions++;
		if ((rc = flow_instance_log(fr->journal, fi, &(struct flow_log){
		    .what = "step.failed", .from = fi->status,
		    .duration_ms = -1, .attempt = attempts,
		    .detail = error.data }, now, NULL)) == 0)
			rc = fail(fr, fi, &why, now);
	}
	buf_release(&status);
	buf_release(&error);
	buf_release(&why);
	return rc;
}

/*
 * What fi has due, and what that makes due at once, in memory: the
 * caller writes fi back.
 */
static int
moves(struct flow_run *fr, struct flow_instance *fi, int64_t now, int force)
{
	const struct flow_def *d = flow_def_find(fr->defs, fi->cfg->name);
	struct buf why = BUF_INIT;
	int n, rc = 0;

	for (n = 0; n < MOVES_MAX && rc == 0; n++) {
		if (flow_instance_ended(fi->status) ||
		    strcmp(fi->status, "paused") == 0 || fi->step < 0)
			return 0;
		if (strcmp(fi->status, "waiting") == 0) {
			if (fi->matched != NULL)
				rc = apply_match(fr, d, fi, now);
			else if (fi->due_at > 0 && fi->due_at <= now)
				rc = timed_out(fr, fi, now);
			else
				return 0;
			continue;
		}
		if (fi->delivery != NULL)
			return check_delivery(fr, fi, now);
		if (!force && fi->due_at > now)
			return 0;
		force = 0;
		if (d->steps[fi->step].action != NULL)
			rc = run_action(fr, d, fi, now);
		else
			rc = open_wait(fr, d, fi, now);
	}
	if (rc != 0)
		return rc;
	buf_addf(&why, "it moved %d times at once: its steps loop without a"
	    " delay or a wait", MOVES_MAX);
	rc = fail(fr, fi, &why, now);
	buf_release(&why);
	return rc;
}

int
flow_run_process(struct flow_run *fr, struct flow_instance *fi, int64_t now,
    int force)
{
	int rc;

	if ((rc = moves(fr, fi, now, force)) == 0 && fi->dirty)
		rc = flow_instance_put(fr->journal, fi, now);
	return rc;
}

int
flow_run_ended(struct flow_run *fr, const struct flow_run_end *e, int64_t now)
{
	struct flow_instance fi;
	const struct flow_def *d;
	struct buf why = BUF_INIT;
	const char *from;
	int rc, found;

	if ((rc = flow_instance_by_delivery(fr->journal, fr->defs->cfg,
	    e->delivery, &fi, &found)) != 0 || found <= 0)
		return rc;
	d = flow_def_find(fr->defs, fi.cfg->name);
	from = fi.status;
	fr->transitions++;
	if (strcmp(e->status, "failed") == 0) {
		/* Its target's retry policy tries it again. */
		if ((rc = flow_instance_log(fr->journal, &fi, &(struct flow_log){
		    .what = "step.retried", .from = from, .duration_ms = -1,
		    .attempt = e->attempt, .detail = e->error }, now,
		    NULL)) == 0)
			rc = flow_instance_put(fr->journal, &fi, now);
		goto out;
	}
	if (strcmp(e->status, "dead") == 0) {
		if (flow_instance_ended(fi.status))
			goto out;
		buf_addf(&why, "its request %s died after %d attempt%s: %s",
		    e->delivery, e->attempt, e->attempt == 1 ? "" : "s",
		    e->error != NULL ? e->error : "no reason kept");
		if ((rc = flow_instance_log(fr->journal, &fi, &(struct flow_log){
		    .what = "step.failed", .from = from, .duration_ms = -1,
		    .attempt = e->attempt, .detail = e->error }, now,
		    NULL)) == 0)
			rc = fail(fr, &fi, &why, now);
		goto out;
	}
	/* Delivered; also a failed instance's dead step sent from the queue. */
	if (strcmp(fi.status, "completed") == 0 ||
	    strcmp(fi.status, "cancelled") == 0)
		goto out;
	if (strcmp(fi.status, "failed") == 0) {
		fi.status = "running";
		fi.ended_at = 0;
		free(fi.error);
		fi.error = NULL;
	}
	if ((rc = save(fr, &d->steps[fi.step], &fi, map_step_response(
	    e->http_status, e->response, e->response_len, NULL), &why)) != 0) {
		if (rc == FAILED)
			rc = fail(fr, &fi, &why, now);
		goto out;
	}
	free(fi.delivery);
	fi.delivery = NULL;
	if (fi.cfg->steps[fi.step].label != NULL) {
		free(fi.label);
		fi.label = xstrdup(fi.cfg->steps[fi.step].label);
	}
	if ((rc = flow_instance_log(fr->journal, &fi, &(struct flow_log){
	    .what = "step.succeeded", .from = from, .duration_ms = -1,
	    .attempt = e->attempt }, now, NULL)) == 0 &&
	    (rc = advance(fr, &fi, fi.step + 1, now)) == 0)
		rc = flow_run_process(fr, &fi, now, 0);
out:
	buf_release(&why);
	flow_instance_release(&fi);
	return rc;
}
