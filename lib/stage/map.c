/*
 * map: deliveries from events.
 *
 * A delivery's id is derived from its event's id, route and step, so a
 * replayed event makes the same deliveries, which the journal already
 * holds: mapping twice never sends twice.  A fan-out's item's id is
 * derived from its group (else its event), route and key instead, so
 * that a group made again, whatever event asks, makes none twice.
 *
 * A fan-out is prepared and applied in parts of FANOUT_PART items
 * (stream.h's more): its items are journaled as the parts are, and the
 * event is marked mapped with the last, so that a run stopped halfway
 * leaves it to be mapped again, making only the items that were not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "conf/config.h"
#include "json/event.h"
#include "base/ids.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "json/jvdump.h"
#include "base/log.h"
#include "cadence/check.h"
#include "flow/arrive.h"
#include "flow/def.h"
#include "journal/groups.h"
#include "json/jqprog.h"
#include "stage/group.h"
#include "stage/map.h"
#include "stage/mapstep.h"
#include "stage/mapstore.h"
#include "stage/priority.h"

#define FANOUT_PART	64	/* items a part of a fan-out */
#define GROUPS_FEW	8	/* an event's groups, without a malloc */

/* One delivery built for an event. */
struct draft {
	struct map_step		*step;
	int			 mapping_version;	/* 0: none */
	int			 group;		/* in the work's groups; -1 */
	char			 id[ID_LEN + 1];
	char			*url;		/* NULL: the step's own */
	char			*body;
	size_t			 body_len;
	char			*dead;		/* an item that cannot be sent:
						   why; else NULL */
	char			*item;		/* kept for later steps; NULL */
	int			 sealed;	/* headers and body sealed: */
	struct buf		 sealed_headers;
	struct buf		 sealed_body;
};

/*
 * What an event leads to, or a part of it: prepared without the journal,
 * then applied.
 */
struct map_work {
	char		*reject;	/* a route or a flow failed: why */
	struct flow_arrival *flows;	/* what it means to them; NULL */
	char		*type;		/* the event's */
	char		*source;
	char		*tenant;
	char		*route;		/* of its first group */
	char		**groups;	/* that its routes name */
	int		*progress;	/* each one's, from its route */
	size_t		 ngroups;
	int		 emitted;	/* the group whose emitted event it
					   is, in groups; -1: none */
	int		 first;		/* the event's first part */
	int		 last;		/* and its last */
	struct cadence_check_over *over; /* a cadence's step that is over:
					   no message; NULL */
	size_t		 n;
	struct draft	 drafts[];
};

/* A fan-out under way, between the parts of its event (prepare's side). */
struct map_fanout {
	struct event		 ev;
	size_t			*routes;	/* of the map: those with each
						   that take the event */
	int			*groups;	/* their groups */
	size_t			 nroutes;
	size_t			 at;		/* the one going */
	int			 started;	/* its each runs */
	long			 item;		/* its items made */
	struct map_work		*head;		/* the event's, for the parts */
};

static void	fanout_end(struct map *);

/* One of a route's own programs (group, each, key), if it has it. */
static int
compile_route(const struct cfg *cfg, const struct cfg_route *r,
    const char *text, int line, struct jqprog **out, struct buf *err)
{
	struct buf msg = BUF_INIT;

	if (text == NULL)
		return 0;
	if ((*out = jqprog_compile(text, &msg)) == NULL)
		buf_addf(err, "%s:%d: route '%s': %s", cfg->path != NULL ?
		    cfg->path : "config", line, r->name, msg.data);
	buf_release(&msg);
	return *out != NULL ? 0 : -1;
}

/*
 * Compiles route mr's programs, once: libjq 1.6 takes milliseconds a
 * program, and a stage needs the routes of the events it sees only.  A
 * route that does not compile stays broken, with why.
 */
static int
route_ready(struct map *m, struct map_route *mr, struct buf *err)
{
	const struct cfg_route *r = mr->cfg;
	struct buf why = BUF_INIT;
	size_t k;

	if (mr->ready == 0) {
		mr->ready = -1;
		mr->steps = xcalloc(r->nsteps, sizeof(*mr->steps));
		for (k = 0; k < r->nsteps; k++)
			if (map_step_compile(&mr->steps[k], m->cfg, r, (int)k,
			    &why) != 0)
				break;
		if (k == r->nsteps && compile_route(m->cfg, r, r->group,
		    r->group_line, &mr->group, &why) == 0 &&
		    compile_route(m->cfg, r, r->each, r->each_line, &mr->each,
		    &why) == 0 && compile_route(m->cfg, r, r->key,
		    r->key_line, &mr->key, &why) == 0)
			mr->ready = 1;
		else
			mr->broken = buf_detach(&why);
	}
	buf_release(&why);
	if (mr->ready > 0)
		return 0;
	buf_adds(err, mr->broken);
	return -1;
}

int
map_init(struct map *m, const struct cfg *cfg, struct buf *err)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->routes = xcalloc(cfg->nroutes + 1, sizeof(*m->routes));
	for (i = 0; i < cfg->nroutes; i++)
		m->routes[m->nroutes++].cfg = &cfg->routes[i];
	if (cfg->nflows > 0) {
		m->flows = xcalloc(1, sizeof(*m->flows));
		if (flow_def_init(m->flows, cfg, err) != 0) {
			free(m->flows);
			m->flows = NULL;
			map_release(m);
			return -1;
		}
	}
	return 0;
}

int
map_compile(struct map *m, struct buf *err)
{
	size_t i;

	for (i = 0; i < m->nroutes; i++)
		if (route_ready(m, &m->routes[i], err) != 0)
			return -1;
	return 0;
}

void
map_release(struct map *m)
{
	size_t i, k;

	fanout_end(m);
	for (i = 0; i < m->nroutes; i++) {
		for (k = 0; m->routes[i].steps != NULL &&
		    k < m->routes[i].cfg->nsteps; k++)
			map_step_release(&m->routes[i].steps[k]);
		free(m->routes[i].steps);
		jqprog_free(m->routes[i].group);
		jqprog_free(m->routes[i].each);
		jqprog_free(m->routes[i].key);
		free(m->routes[i].broken);
	}
	free(m->routes);
	m->routes = NULL;
	m->nroutes = 0;
	if (m->flows != NULL)
		flow_def_release(m->flows);
	free(m->flows);
	m->flows = NULL;
}

struct map_route *
map_route(struct map *m, const char *name, struct buf *err)
{
	size_t i;

	for (i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i].cfg->name, name) == 0)
			return route_ready(m, &m->routes[i], err) == 0 ?
			    &m->routes[i] : NULL;
	return NULL;
}

/*
 * Whether ev is the step of the cadence that route r is a channel of:
 * its source "cadence/NAME", its data's step the route's.
 */
static int
cadence_step_is(const struct cfg_route *r, const struct event *ev)
{
	jv step;
	int is;

	if (strncmp(ev->source, "cadence/", 8) != 0 ||
	    strcmp(ev->source + 8, r->cadence) != 0)
		return 0;
	step = jv_getpath(jv_copy(ev->root), JV_ARRAY(jv_string("data"),
	    jv_string("step")));
	is = jv_get_kind(step) == JV_KIND_STRING &&
	    strcmp(jv_string_value(step), r->cadence_step) == 0;
	jv_free(step);
	return is;
}

/* Whether route r takes the event: its type, then its condition. */
static int
takes(struct map *m, struct map_route *r, const struct event *ev,
    struct buf *err)
{
	if (strcmp(r->cfg->on, ev->type) != 0 ||
	    (r->cfg->cadence != NULL && !cadence_step_is(r->cfg, ev)))
		return 0;
	if (route_ready(m, r, err) != 0)
		return -1;
	return map_step_takes(&r->steps[0], map_step_input(&r->steps[0],
	    jv_copy(ev->root), jv_null()), err);
}

/*
 * The route's request for the event.  A route without a body of its own
 * takes the versioned mapping in force for its event type and target, if
 * there is one.
 */
static int
build(struct map *m, struct draft *d, struct map_route *r,
    const struct event *ev, const char *line, size_t len, struct buf *err)
{
	struct jqprog *mapping = NULL;
	jv input;

	d->step = &r->steps[0];
	d->mapping_version = 0;
	map_step_id(d->step, ev->id, d->id);
	if (d->step->body == NULL && d->step->cfg->template == NULL &&
	    m->store != NULL && (mapping =
	    mapstore_find(m->store, ev->type, d->step->cfg->target,
	    &d->mapping_version, err)) == NULL && d->mapping_version < 0)
		return -1;
	input = map_step_input(d->step, jv_copy(ev->root), jv_null());
	if (d->step->path != NULL && map_step_url(d->step, jv_copy(input),
	    &d->url, err) != 0) {
		jv_free(input);
		return -1;
	}
	return map_step_body(m->cfg, d->step, mapping, input, line, len,
	    &d->body, &d->body_len, err);
}

/*
 * The event's group attribute, if integra made the event (emit): from
 * another source, it is not integra's to go by.
 */
static const char *
own_group(const struct event *ev)
{
	return ev->group != NULL && strcmp(ev->source, "integra") == 0 ?
	    ev->group : NULL;
}

/*
 * The index in w's groups of the group route r (NULL: none) gives the
 * event (its group program's output, else the event's own group), added
 * if new; -1 for none, -2 with the reason in err.
 */
static int
route_group(struct map_route *r, const struct event *ev, struct map_work *w,
    struct buf *err)
{
	struct buf name = BUF_INIT;
	size_t i;
	jv out;

	if (r != NULL && r->group != NULL) {
		if (jqprog_run(r->group, jv_copy(ev->root), &out, err) != 0) {
			buf_adds(err, " (group)");
			return -2;
		}
		if (jv_get_kind(out) == JV_KIND_NULL) {
			jv_free(out);
			return -1;	/* not one of a group */
		}
		if (jv_get_kind(out) == JV_KIND_STRING)
			buf_adds(&name, jv_string_value(out));
		else if (jv_get_kind(out) == JV_KIND_NUMBER)
			jvdump(&name, jv_copy(out));
		jv_free(out);
	} else if (own_group(ev) != NULL)
		buf_adds(&name, own_group(ev));
	else
		return -1;
	if (name.len == 0 || !journal_group_name_valid(name.data)) {
		buf_addf(err, "group: not a group name (1 to %d letters, digits"
		    " and ._:-)", JOURNAL_GROUP_MAX);
		buf_release(&name);
		return -2;
	}
	for (i = 0; i < w->ngroups; i++)
		if (strcmp(w->groups[i], name.data) == 0) {
			buf_release(&name);
			return (int)i;
		}
	w->groups = xrealloc(w->groups, (w->ngroups + 1) *
	    sizeof(*w->groups));
	w->progress = xrealloc(w->progress, (w->ngroups + 1) *
	    sizeof(*w->progress));
	w->groups[w->ngroups] = buf_detach(&name);
	w->progress[w->ngroups] = r != NULL ? r->cfg->progress : 0;
	if (w->route == NULL && r != NULL)
		w->route = xstrdup(r->cfg->name);
	return (int)w->ngroups++;
}

static void
write_record(struct buf *out, const struct draft *d, const char *event,
    const char *type, int64_t not_before)
{
	const struct cfg_route *r = d->step->route;
	const struct cfg_step *s = d->step->cfg;
	const char *url = d->url != NULL ? d->url : d->step->url;
	char when[RFC3339_LEN + 1];

	buf_adds(out, "{\"id\":\"");
	buf_adds(out, d->id);
	buf_adds(out, "\",\"event\":\"");
	buf_adds(out, event);
	buf_adds(out, "\",\"type\":");
	buf_add_json_string(out, type, strlen(type));
	buf_adds(out, ",\"target\":");
	buf_add_json_string(out, s->target, strlen(s->target));
	buf_adds(out, ",\"route\":");
	buf_add_json_string(out, r->name, strlen(r->name));
	buf_addf(out, ",\"step\":0,\"priority\":\"%s\",\"method\":\"",
	    priority_name(s->priority));
	buf_adds(out, s->method);
	buf_adds(out, "\",\"url\":");
	buf_add_json_string(out, url, strlen(url));
	if (s->delay_ms > 0) {
		clock_rfc3339(not_before, when);
		buf_addf(out, ",\"not_before\":\"%s\"", when);
	}
	if (d->mapping_version > 0)
		buf_addf(out, ",\"mapping_version\":%d", d->mapping_version);
	buf_adds(out, ",\"body\":");
	buf_add(out, d->body, d->body_len);
	buf_adds(out, "}\n");
}

/*
 * Seals d's headers and body for the journal on prepare's thread, off the
 * journal's, if seal has keys; if they cannot be, the journal seals them
 * in apply (or says why not).
 */
static void
draft_seal(struct draft *d, struct seal *seal)
{
	struct journal_delivery jd = { .id = d->id,
	    .headers = d->step->headers, .body = d->body,
	    .body_len = d->body_len };

	if (journal_delivery_seal(seal, &jd, &d->sealed_headers,
	    &d->sealed_body) == 0)
		d->sealed = jd.sealed;
}

static struct map_work *
work_new(size_t max)
{
	struct map_work *w;

	w = xcalloc(1, sizeof(*w) + max * sizeof(w->drafts[0]));
	w->emitted = -1;
	return w;
}

/* A part after the first: the event's names and groups, copied. */
static struct map_work *
work_part(const struct map_work *head)
{
	struct map_work *w = work_new(FANOUT_PART);
	size_t i;

	w->type = xstrdup(head->type);
	w->source = xstrdup(head->source);
	w->tenant = xstrdup(head->tenant);
	w->route = head->route != NULL ? xstrdup(head->route) : NULL;
	w->emitted = head->emitted;
	w->ngroups = head->ngroups;
	w->groups = xcalloc(w->ngroups + 1, sizeof(*w->groups));
	w->progress = xcalloc(w->ngroups + 1, sizeof(*w->progress));
	for (i = 0; i < w->ngroups; i++) {
		w->groups[i] = xstrdup(head->groups[i]);
		w->progress[i] = head->progress[i];
	}
	return w;
}

void
map_work_free(void *work)
{
	struct map_work *w = work;
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->drafts[i].url);
		free(w->drafts[i].body);
		free(w->drafts[i].dead);
		free(w->drafts[i].item);
		buf_release(&w->drafts[i].sealed_headers);
		buf_release(&w->drafts[i].sealed_body);
	}
	for (i = 0; i < w->ngroups; i++)
		free(w->groups[i]);
	free(w->groups);
	free(w->progress);
	flow_arrive_free(w->flows);
	cadence_check_over_free(w->over);
	free(w->type);
	free(w->source);
	free(w->tenant);
	free(w->route);
	free(w->reject);
	free(w);
}

/* A fan-out that did not start (its event is not its yet). */
static void
fanout_free(struct map_fanout *f)
{
	if (f == NULL)
		return;
	free(f->routes);
	free(f->groups);
	map_work_free(f->head);
	free(f);
}

/* The fan-out under way is over: what it holds is freed. */
static void
fanout_end(struct map *m)
{
	if (m->fanout == NULL)
		return;
	event_release(&m->fanout->ev);
	fanout_free(m->fanout);
	m->fanout = NULL;
}

/*
 * Item number index of route r's fan-out, its delivery in d: an item
 * whose key, URL or body cannot be made is a dead delivery, with why.
 */
static void
item(struct map *m, struct map_route *r, const struct map_fanout *f,
    const struct map_work *w, int group, jv it, long index, struct draft *d)
{
	struct buf key = BUF_INIT, err = BUF_INIT;
	const char *base = group >= 0 ? w->groups[group] : f->ev.id;
	jv input, out;

	memset(d, 0, sizeof(*d));
	d->step = &r->steps[0];
	d->group = group;
	if (r->key != NULL && jqprog_run(r->key, jv_copy(it), &out,
	    &err) == 0) {
		if (jv_get_kind(out) == JV_KIND_STRING)
			buf_adds(&key, jv_string_value(out));
		else if (jv_get_kind(out) == JV_KIND_NUMBER)
			jvdump(&key, jv_copy(out));
		else
			buf_adds(&err, "key: not a string or a number");
		jv_free(out);
	}
	if (key.len == 0) {
		if (err.len > 0)
			buf_adds(&err, " (key)");
		buf_reset(&key);
		buf_addf(&key, "#%ld", index);
	}
	map_step_item_id(d->step, base, key.data, d->id);
	/* Its route's later steps see it too. */
	if (r->cfg->nsteps > 1) {
		buf_reset(&key);
		jvdump(&key, jv_copy(it));
		d->item = buf_detach(&key);
	}
	input = map_step_give(d->step, map_step_input(d->step,
	    jv_copy(f->ev.root), jv_null()), MAP_STEP_ITEM, it);
	if (err.len == 0 && d->step->path != NULL &&
	    map_step_url(d->step, jv_copy(input), &d->url, &err) != 0)
		buf_adds(&err, " (path)");
	if (err.len == 0)
		map_step_body(m->cfg, d->step, NULL, input, "", 0, &d->body,
		    &d->body_len, &err);
	else
		jv_free(input);
	if (err.len > 0) {
		free(d->body);
		d->body = xstrdup("");
		d->body_len = 0;
		d->dead = buf_detach(&err);
	}
	buf_release(&key);
	buf_release(&err);
}

/*
 * Fills w with the fan-out's next items, up to FANOUT_PART; the part that
 * ends it is the last.  Returns STREAM_OK, with r->more set while another
 * part is to follow.
 */
static enum stream_rc
fanout_fill(struct map *m, struct map_work *w, struct stream_rec *r)
{
	struct map_fanout *f = m->fanout;
	struct map_route *mr;
	struct buf err = BUF_INIT;
	jv it;
	int rc;

	while (w->n < FANOUT_PART && f->at < f->nroutes) {
		mr = &m->routes[f->routes[f->at]];
		if (!f->started) {
			jqprog_start(mr->each, jv_copy(f->ev.root));
			f->started = 1;
			f->item = 0;
		}
		if ((rc = jqprog_next(mr->each, &it, &err)) == 1) {
			item(m, mr, f, w, f->groups[f->at], it, f->item++,
			    &w->drafts[w->n]);
			draft_seal(&w->drafts[w->n++], r->seal);
			continue;
		}
		if (rc < 0) {
			buf_addf(&r->reason, "route '%s': each: %s",
			    mr->cfg->name, err.data);
			w->reject = xstrdup(r->reason.data);
			break;
		}
		f->at++;
		f->started = 0;
	}
	buf_release(&err);
	if (w->reject != NULL || f->at == f->nroutes) {
		w->last = 1;
		w->flows = f->head->flows;
		f->head->flows = NULL;
		fanout_end(m);
	}
	r->more = !w->last;
	r->weight = w->n;
	return STREAM_OK;
}

enum stream_rc
map_prepare(void *ctx, struct stream_rec *r, const char *line, size_t len,
    jv v)
{
	struct map *m = ctx;
	struct map_work *w;
	struct map_fanout *f = NULL;
	struct map_route *mr;
	struct cadence_check_over *over = NULL;
	struct event ev;
	struct buf err = BUF_INIT;
	char perr[256];
	size_t i;
	int unread, group, fans;

	fanout_end(m);
	/* A cadence's step: its record as it is now, or over. */
	if (m->cadences != NULL && cadence_check_event(m->cadences, &v,
	    &over, &err) != 0) {
		if (event_parse(&ev, v, perr, sizeof(perr)) == 0)
			snprintf(r->event, sizeof(r->event), "%s", ev.id);
		event_release(&ev);
		/* Not the event's fault: it stays to be mapped. */
		buf_addf(&r->reason, "%s", err.data);
		buf_release(&err);
		return STREAM_FATAL;
	}
	if (event_parse(&ev, v, perr, sizeof(perr)) != 0) {
		cadence_check_over_free(over);
		buf_addf(&r->reason, "not a CloudEvent: %s", perr);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);

	/* Every delivery is built first: a failing route rejects the event. */
	for (i = 0, fans = 0; i < m->nroutes; i++)
		fans |= m->routes[i].cfg->each != NULL &&
		    strcmp(m->routes[i].cfg->on, ev.type) == 0;
	w = work_new(m->nroutes + (fans ? FANOUT_PART : 0));
	w->first = 1;
	w->type = xstrdup(ev.type);
	w->source = xstrdup(ev.source);
	w->tenant = xstrdup(ev.tenant != NULL ? ev.tenant : m->cfg->tenant);
	if (fans) {
		f = xcalloc(1, sizeof(*f));
		f->routes = xcalloc(m->nroutes + 1, sizeof(*f->routes));
		f->groups = xcalloc(m->nroutes + 1, sizeof(*f->groups));
	}
	if ((w->over = over) != NULL) {
		/* No message: the step is marked over as it is applied. */
		w->last = 1;
		event_release(&ev);
		fanout_free(f);
		r->work = w;
		return STREAM_OK;
	}
	if (own_group(&ev) != NULL && (w->emitted = route_group(NULL, &ev, w,
	    &err)) < -1) {
		buf_addf(&r->reason, "attribute %s", err.data);
		w->reject = xstrdup(r->reason.data);
	}
	for (i = 0; i < m->nroutes && w->reject == NULL; i++) {
		mr = &m->routes[i];
		unread = 0;
		group = -1;
		if (takes(m, mr, &ev, &err) == 1 && (group = route_group(mr, &ev,
		    w, &err)) >= -1) {
			if (mr->each != NULL) {
				f->groups[f->nroutes] = group;
				f->routes[f->nroutes++] = i;
			} else if (build(m, &w->drafts[w->n], mr, &ev, line,
			    len, &err) == 0) {
				draft_seal(&w->drafts[w->n], r->seal);
				w->drafts[w->n++].group = group;
			} else
				unread = w->drafts[w->n].mapping_version ==
				    MAPSTORE_UNREAD;
		}
		if (unread) {
			/* Not the event's fault: it stays to be mapped. */
			buf_addf(&r->reason, "%s", err.data);
			r->work = w;
			fanout_free(f);
			buf_release(&err);
			event_release(&ev);
			return STREAM_FATAL;
		}
		if (err.len > 0) {
			buf_addf(&r->reason, "route '%s': %s", mr->cfg->name,
			    err.data);
			w->reject = xstrdup(r->reason.data);
		}
	}
	if (w->reject == NULL && m->flows != NULL &&
	    flow_arrive_any(m->flows, ev.type) && flow_arrive_prepare(m->flows,
	    &ev, &w->flows, &err) != 0) {
		buf_addf(&r->reason, "%s", err.data);
		w->reject = xstrdup(r->reason.data);
	}
	r->work = w;
	buf_release(&err);
	if (w->reject != NULL || f == NULL || f->nroutes == 0) {
		w->last = 1;
		fanout_free(f);
		event_release(&ev);
		return STREAM_OK;
	}
	/* The fan-out goes on in parts: the last applies the flows. */
	f->ev = ev;
	f->head = work_part(w);
	f->head->flows = w->flows;
	w->flows = NULL;
	m->fanout = f;
	return fanout_fill(m, w, r);
}

enum stream_rc
map_more(void *ctx, struct stream_rec *r)
{
	struct map *m = ctx;
	struct map_work *w;

	if (m->fanout == NULL) {
		buf_adds(&r->reason, "map: no fan-out under way");
		return STREAM_FATAL;
	}
	w = work_part(m->fanout->head);
	r->work = w;
	return fanout_fill(m, w, r);
}

/* The event was not in state normalized: act on what the journal says. */
static enum stream_rc
not_mapped(struct stream *s, struct stream_rec *r)
{
	enum journal_event_status st;

	if (journal_event_status(s->journal, r->event, &st, NULL) != 0)
		return stream_journal_failed(s, r);
	switch (st) {
	case JOURNAL_REJECTED:
		log_info(&(struct log_ids){ .event = r->event }, "event %s was"
		    " rejected before: skipped", r->event);
		return STREAM_SKIP;
	case JOURNAL_RECEIVED:
		buf_addf(&r->reason, "event %s is not normalized yet",
		    r->event);
		return STREAM_REJECT;
	case JOURNAL_MAPPED:
		log_info(&(struct log_ids){ .event = r->event }, "event %s was"
		    " mapped before: skipped", r->event);
		return STREAM_SKIP;
	default:
		buf_addf(&r->reason, "event %s is not in journal '%s'",
		    r->event, journal_path(s->journal));
		return STREAM_REJECT;
	}
}

/*
 * The groups of w are there, and which are cancelled: their deliveries
 * are made dead, as cancel made the others.
 */
static int
groups_open(struct stream *s, const struct map_work *w, const char *event,
    int64_t now, int *cancelled)
{
	size_t i;
	int rc;

	for (i = 0; i < w->ngroups; i++) {
		cancelled[i] = 0;
		if ((w->first && (rc = journal_group_add(s->journal,
		    &(struct journal_group){ .name = w->groups[i],
		    .route = w->route != NULL ? w->route : w->type,
		    .event_id = event,
		    .tenant = w->tenant, .progress = w->progress[i],
		    .now = now })) != 0) || (rc = journal_group_cancelled(
		    s->journal, w->groups[i], &cancelled[i])) != 0)
			return rc;
	}
	return 0;
}

enum stream_rc
map_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct map *m = ctx;
	const struct map_work *w = r->work;
	struct journal_delivery jd;
	enum journal_event_status status;
	int64_t now;
	size_t i;
	int done, added, settled, few[GROUPS_FEW], *cancelled = few;

	if (w->reject != NULL) {
		if (journal_event_reject(s->journal, r->event,
		    JOURNAL_NORMALIZED, w->reject) != 0)
			return stream_journal_failed(s, r);
		return STREAM_REJECT;
	}
	if (w->first && !w->last) {
		/* A fan-out's first part: is the event to be mapped? */
		if (journal_event_status(s->journal, r->event, &status,
		    NULL) != 0)
			return stream_journal_failed(s, r);
		m->skipping = status != JOURNAL_NORMALIZED;
	}
	/* If not, its last part says why. */
	if (!w->last && m->skipping)
		return STREAM_SKIP;
	if (w->last) {
		if (journal_event_map(s->journal, r->event, w->type, w->source,
		    &done) != 0)
			return stream_journal_failed(s, r);
		if (!done)
			return not_mapped(s, r);
	}
	now = clock_ms();
	if (w->ngroups > GROUPS_FEW)
		cancelled = xcalloc(w->ngroups, sizeof(*cancelled));
	if (groups_open(s, w, r->event, now, cancelled) != 0) {
		if (cancelled != few)
			free(cancelled);
		return stream_journal_failed(s, r);
	}
	for (i = 0; i < w->n; i++) {
		const struct draft *d = &w->drafts[i];
		const struct cfg_step *st = d->step->cfg;
		const char *dead = d->dead;

		if (dead == NULL && d->group >= 0 && cancelled[d->group])
			dead = "its group was cancelled";
		jd = (struct journal_delivery){ .id = d->id,
		    .event_id = r->event, .target = st->target,
		    .route = d->step->route->name, .step = 0,
		    .method = st->method, .url = d->url != NULL ? d->url :
		    d->step->url, .headers = d->step->headers, .body = d->body,
		    .body_len = d->body_len, .created_at = now,
		    .not_before = now + st->delay_ms,
		    .priority = st->priority,
		    .mapping_version = d->mapping_version, .dead = dead,
		    .dead_class = d->dead != NULL ? "invalid" : "cancelled",
		    .group = d->group >= 0 ? w->groups[d->group] : NULL,
		    .item = d->item, .ordered = st->to != NULL &&
		    st->to->ordered };
		if (d->sealed) {
			jd.sealed = 1;
			jd.headers = jd.headers != NULL ?
			    d->sealed_headers.data : NULL;
			jd.headers_len = d->sealed_headers.len;
			jd.body = jd.body != NULL ? d->sealed_body.data : NULL;
			jd.body_len = d->sealed_body.len;
		}
		/* Only a dead one's warning waits to know it was added. */
		if (journal_delivery_add(s->journal, &jd, d->dead != NULL ?
		    &added : NULL) != 0) {
			if (cancelled != few)
				free(cancelled);
			return stream_journal_failed(s, r);
		}
		if (dead == NULL)
			write_record(&s->out, d, r->event, w->type,
			    jd.not_before);
		else if (added && d->dead != NULL)
			log_warn(&(struct log_ids){ .event = r->event,
			    .delivery = d->id }, "route '%s': item %s cannot"
			    " be sent: %s; made dead", d->step->route->name,
			    d->id, d->dead);
	}
	if (cancelled != few)
		free(cancelled);
	m->ndeliveries += (long)w->n;
	if (!w->last)
		return STREAM_OK;
	if (w->over != NULL) {
		if (!w->over->manual && journal_cadence_step_stopped(s->journal,
		    w->over->cadence, w->over->key, w->over->step) != 0)
			return stream_journal_failed(s, r);
		log_info(&(struct log_ids){ .event = r->event }, "cadence"
		    " '%s': step '%s' of %s is over by now: no message",
		    w->over->cadence, w->over->step, w->over->key);
		return STREAM_SKIP;
	}
	if (w->flows != NULL && flow_arrive_apply(s->journal, m->cfg,
	    w->flows, r->event, w->type, now, &s->out) != 0)
		return stream_journal_failed(s, r);
	/* Every event naming them is mapped: they may settle. */
	for (i = 0; i < w->ngroups; i++)
		if (journal_group_seal(s->journal, w->groups[i],
		    (int)i == w->emitted, now) != 0 || group_settle(s->journal,
		    m->cfg, w->groups[i], now, &settled) != 0)
			return stream_journal_failed(s, r);
	return w->n > 0 || w->flows != NULL || w->ngroups > 0 || !w->first ?
	    STREAM_OK : STREAM_SKIP;
}

int
map_test(struct map *m, jv v, const char *system, struct buf *out,
    struct buf *err)
{
	struct draft d = { .step = NULL };
	struct map_fanout f = { .routes = NULL };
	struct map_work w = { .emitted = -1 };
	struct buf text = BUF_INIT;
	struct map_route *r;
	struct event ev;
	const char *url;
	char perr[256];
	size_t i;
	int n = 0, yes;
	jv it;

	if (event_parse(&ev, v, perr, sizeof(perr)) != 0) {
		buf_addf(err, "not a CloudEvent: %s", perr);
		return -1;
	}
	jvdump(&text, jv_copy(ev.root));
	for (i = 0; i < m->nroutes; i++) {
		r = &m->routes[i];
		if (strcmp(r->cfg->steps[0].target, system) != 0)
			continue;
		if ((yes = takes(m, r, &ev, err)) == 0)
			continue;
		if (yes > 0 && r->each != NULL) {
			/* A fan-out shows its first item's request. */
			jqprog_start(r->each, jv_copy(ev.root));
			if ((yes = jqprog_next(r->each, &it, err)) == 0)
				continue;
			if (yes > 0) {
				f.ev = ev;
				item(m, r, &f, &w, -1, it, 0, &d);
				if (d.dead != NULL) {
					buf_adds(err, d.dead);
					yes = -1;
				}
			}
		} else if (yes > 0 && build(m, &d, r, &ev, text.data, text.len,
		    err) != 0)
			yes = -1;
		if (yes < 0) {
			free(d.url);
			free(d.body);
			free(d.dead);
			n = -1;
			break;
		}
		url = d.url != NULL ? d.url : r->steps[0].url;
		buf_adds(out, "{\"route\":");
		buf_add_json_string(out, r->cfg->name, strlen(r->cfg->name));
		buf_addf(out, ",\"method\":\"%s\",\"url\":",
		    r->steps[0].cfg->method);
		buf_add_json_string(out, url, strlen(url));
		buf_adds(out, ",\"headers\":");
		buf_adds(out, r->steps[0].headers);
		buf_adds(out, ",\"body\":");
		buf_add(out, d.body, d.body_len);
		buf_addf(out, ",\"mapping_version\":");
		if (d.mapping_version > 0)
			buf_addf(out, "%d}\n", d.mapping_version);
		else
			buf_adds(out, "null}\n");
		free(d.url);
		free(d.body);
		memset(&d, 0, sizeof(d));
		n++;
	}
	buf_release(&text);
	event_release(&ev);
	return n;
}
