/*
 * flow/arrive: events passing map, as the flows see them.  See
 * flow/arrive.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/log.h"
#include "conf/config.h"
#include "flow/arrive.h"
#include "flow/instance.h"
#include "journal/journal.h"
#include "journal/flows.h"
#include "json/event.h"
#include "json/jqprog.h"
#include "json/jvdump.h"

/* Instances one event may find waiting for it, at most. */
#define WAITING_MAX	256

int
flow_arrive_any(const struct flow_defs *defs, const char *type)
{
	const struct cfg_flow *f;
	size_t i, k;

	for (i = 0; i < defs->n; i++) {
		f = defs->defs[i].cfg;
		if (strcmp(f->on, type) == 0)
			return 1;
		for (k = 0; k < f->nsteps; k++)
			if (f->steps[k].await != NULL &&
			    strcmp(f->steps[k].await, type) == 0)
				return 1;
		for (k = 0; k < f->ncancel_on; k++)
			if (strcmp(f->cancel_on[k].on, type) == 0)
				return 1;
	}
	return 0;
}

static struct flow_arrive_item *
add(struct flow_arrival **a, enum flow_arrive_kind kind,
    const struct cfg_flow *f, int step, char *value)
{
	struct flow_arrive_item *it;

	if (*a == NULL)
		*a = xcalloc(1, sizeof(**a));
	(*a)->items = xrealloc((*a)->items, ((*a)->n + 1) *
	    sizeof(*(*a)->items));
	it = &(*a)->items[(*a)->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->flow = f;
	it->step = step;
	it->value = value;
	return it;
}

/*
 * The settings of a new instance: the defaults, and over them what
 * settings_from gives.
 */
static int
settings(const struct flow_def *d, const struct event *ev, char **out,
    struct buf *err)
{
	struct buf b = BUF_INIT;
	jv given = jv_null(), s;

	if (d->settings_from != NULL && jqprog_run(d->settings_from,
	    jv_copy(ev->root), &given, err) != 0)
		return -1;
	if (flow_def_settings(d->cfg, flow_def_defaults(d->cfg), given, &s,
	    err) != 0)
		return -1;
	jvdump(&b, s);
	*out = buf_detach(&b);
	return 0;
}

static int
start(const struct flow_def *d, const struct event *ev,
    struct flow_arrival **a, struct buf *err)
{
	const struct cfg_flow *f = d->cfg;
	struct flow_arrive_item *it;
	struct buf why = BUF_INIT;
	char *key = NULL, *tenant = NULL, *set = NULL;
	jv out;

	if (jqprog_run(d->key, jv_copy(ev->root), &out, &why) != 0) {
		buf_adds(&why, " (its key)");
		goto bad;
	}
	if ((key = flow_def_value(out)) == NULL) {
		buf_addf(&why, "its key (%s) gives nothing for this event",
		    f->key);
		goto bad;
	}
	if (d->tenant == NULL)
		tenant = xstrdup(ev->tenant != NULL ? ev->tenant : "default");
	else if (jqprog_run(d->tenant, jv_copy(ev->root), &out, &why) != 0)
		goto bad;
	else if ((tenant = flow_def_value(out)) == NULL) {
		buf_addf(&why, "its tenant (%s) gives nothing", f->tenant);
		goto bad;
	}
	if (settings(d, ev, &set, &why) != 0)
		goto bad;
	it = add(a, FLOW_ARRIVE_START, f, -1, key);
	it->tenant = tenant;
	it->settings = set;
	buf_release(&why);
	return 0;
bad:
	buf_addf(err, "flow '%s': %s", f->name, why.data);
	buf_release(&why);
	free(key);
	free(tenant);
	return -1;
}

/* What a match program gives: nothing to compare if it fails. */
static char *
value_of(struct jqprog *p, const struct event *ev, const char *flow)
{
	struct buf why = BUF_INIT;
	jv out;

	if (jqprog_run(p, jv_copy(ev->root), &out, &why) != 0) {
		log_warn(&(struct log_ids){ .event = ev->id }, "flow '%s': a"
		    " match fails on event %s: %s", flow, ev->id, why.data);
		buf_release(&why);
		return NULL;
	}
	return flow_def_value(out);
}

int
flow_arrive_prepare(const struct flow_defs *defs, const struct event *ev,
    struct flow_arrival **out, struct buf *err)
{
	const struct flow_def *d;
	const struct cfg_flow *f;
	char *value;
	size_t i, k;

	*out = NULL;
	for (i = 0; i < defs->n; i++) {
		d = &defs->defs[i];
		f = d->cfg;
		if (strcmp(f->on, ev->type) == 0 && start(d, ev, out,
		    err) != 0) {
			flow_arrive_free(*out);
			*out = NULL;
			return -1;
		}
		for (k = 0; k < f->nsteps; k++)
			if (f->steps[k].await != NULL &&
			    strcmp(f->steps[k].await, ev->type) == 0 &&
			    (value = value_of(d->steps[k].match, ev,
			    f->name)) != NULL)
				add(out, FLOW_ARRIVE_MATCH, f, (int)k, value);
		for (k = 0; k < f->ncancel_on; k++)
			if (strcmp(f->cancel_on[k].on, ev->type) == 0 &&
			    (value = value_of(d->cancel[k], ev,
			    f->name)) != NULL)
				add(out, FLOW_ARRIVE_CANCEL, f, -1, value);
	}
	return 0;
}

int
flow_arrive_start(const struct flow_def *d, const struct event *ev,
    struct flow_arrival **out, struct buf *err)
{
	*out = NULL;
	if (start(d, ev, out, err) == 0)
		return 0;
	flow_arrive_free(*out);
	*out = NULL;
	return -1;
}

static void
instance_line(struct buf *out, const struct flow_instance *fi, int64_t now)
{
	if (out == NULL || fi->due_at == 0 || fi->due_at > now)
		return;
	buf_adds(out, "{\"instance\":\"");
	buf_adds(out, fi->id);
	buf_adds(out, "\",\"flow\":");
	buf_add_json_string(out, fi->cfg->name, strlen(fi->cfg->name));
	buf_adds(out, "}\n");
}

static int
apply_start(struct journal *jn, const struct flow_arrive_item *it,
    const char *event_id, int64_t now, struct buf *out)
{
	struct flow_instance fi;
	int rc, started;

	if ((rc = flow_instance_start(jn, it->flow, &(struct flow_start){
	    .key = it->value, .tenant = it->tenant, .settings = it->settings,
	    .event_id = event_id, .received_at = now }, now, &fi, &started,
	    NULL)) != 0)
		return rc;
	if (!started) {
		log_info(&(struct log_ids){ .event = event_id }, "flow '%s':"
		    " an instance with this event's key exists: not started"
		    " again", it->flow->name);
		return 0;
	}
	instance_line(out, &fi, now);
	flow_instance_release(&fi);
	return 0;
}

static int
apply_match(struct journal *jn, const struct cfg *cfg,
    const struct flow_arrive_item *it,
    const char *event_id, int64_t now, struct buf *out)
{
	const char *step = it->flow->steps[it->step].id;
	char ids[WAITING_MAX][ID_LEN + 1];
	struct journal_flow_ids w = { .ids = ids, .max = WAITING_MAX };
	struct flow_instance fi;
	size_t i;
	int rc, found, taken, any = 0;

	if ((rc = journal_flow_waiting(jn, it->flow->name, step, it->value,
	    &w)) != 0)
		return rc;
	for (i = 0; i < w.n; i++) {
		if ((rc = flow_instance_read(jn, cfg, ids[i], &fi,
		    &found)) != 0)
			return rc;
		if (found <= 0)
			continue;
		if (fi.cfg == it->flow && (rc = flow_instance_match(jn, &fi,
		    event_id, now, &taken)) == 0 && taken) {
			any = 1;
			instance_line(out, &fi, now);
		}
		flow_instance_release(&fi);
		if (rc != 0)
			return rc;
	}
	if (any)
		return 0;
	return journal_flow_arrival_add(jn, it->flow->name, step, it->value,
	    event_id, now);
}

static int
apply_cancel(struct journal *jn, const struct flow_arrive_item *it,
    const char *event_id, const char *type, int64_t now)
{
	struct flow_instance fi;
	struct buf why = BUF_INIT;
	int rc, found;

	if ((rc = flow_instance_by_key(jn, it->flow, it->value, &fi,
	    &found)) != 0 || found <= 0)
		return rc;
	if (!flow_instance_ended(fi.status)) {
		buf_addf(&why, "cancelled by %s event %s", type, event_id);
		rc = flow_instance_cancel(jn, &fi, why.data, now, NULL);
	}
	buf_release(&why);
	flow_instance_release(&fi);
	return rc;
}

int
flow_arrive_apply(struct journal *jn, const struct cfg *cfg,
    const struct flow_arrival *a,
    const char *event_id, const char *type, int64_t now, struct buf *out)
{
	const struct flow_arrive_item *it;
	size_t i;
	int rc = 0;

	for (i = 0; a != NULL && i < a->n && rc == 0; i++) {
		it = &a->items[i];
		switch (it->kind) {
		case FLOW_ARRIVE_START:
			rc = apply_start(jn, it, event_id, now, out);
			break;
		case FLOW_ARRIVE_MATCH:
			rc = apply_match(jn, cfg, it, event_id, now, out);
			break;
		case FLOW_ARRIVE_CANCEL:
			rc = apply_cancel(jn, it, event_id, type, now);
			break;
		}
	}
	return rc;
}

void
flow_arrive_free(struct flow_arrival *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->items[i].value);
		free(a->items[i].tenant);
		free(a->items[i].settings);
	}
	free(a->items);
	free(a);
}
