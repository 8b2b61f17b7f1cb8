/*
 * map: deliveries from events.
 *
 * A delivery's id is derived from its event's id, route and step, so a
 * replayed event makes the same deliveries, which the journal already
 * holds: mapping twice never sends twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "conf/config.h"
#include "json/event.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "json/jvdump.h"
#include "base/log.h"
#include "flow/arrive.h"
#include "flow/def.h"
#include "stage/map.h"
#include "stage/mapstep.h"
#include "stage/mapstore.h"
#include "stage/priority.h"

/* One delivery built for an event. */
struct draft {
	struct map_step		*step;
	int			 mapping_version;	/* 0: none */
	char			 id[ID_LEN + 1];
	char			*body;
	size_t			 body_len;
};

/* What an event leads to: prepared without the journal, then applied. */
struct map_work {
	char		*reject;	/* a route or a flow failed: why */
	struct flow_arrival *flows;	/* what it means to them; NULL */
	char		*type;		/* the event's */
	char		*source;
	size_t		 n;
	struct draft	 drafts[];	/* one a route that takes it */
};

int
map_init(struct map *m, const struct cfg *cfg, struct buf *err)
{
	const struct cfg_route *r;
	struct map_route *mr;
	size_t i, k;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->routes = xcalloc(cfg->nroutes + 1, sizeof(*m->routes));
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		mr = &m->routes[m->nroutes++];
		mr->cfg = r;
		mr->steps = xcalloc(r->nsteps, sizeof(*mr->steps));
		for (k = 0; k < r->nsteps; k++)
			if (map_step_compile(&mr->steps[k], cfg, r, (int)k,
			    err) != 0) {
				map_release(m);
				return -1;
			}
	}
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

void
map_release(struct map *m)
{
	size_t i, k;

	for (i = 0; i < m->nroutes; i++) {
		for (k = 0; k < m->routes[i].cfg->nsteps; k++)
			map_step_release(&m->routes[i].steps[k]);
		free(m->routes[i].steps);
	}
	free(m->routes);
	m->routes = NULL;
	m->nroutes = 0;
	if (m->flows != NULL)
		flow_def_release(m->flows);
	free(m->flows);
	m->flows = NULL;
}

const struct map_route *
map_route(const struct map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i].cfg->name, name) == 0)
			return &m->routes[i];
	return NULL;
}

/* Whether route r takes the event: its type, then its condition. */
static int
takes(struct map_route *r, const struct event *ev, struct buf *err)
{
	if (strcmp(r->cfg->on, ev->type) != 0)
		return 0;
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

	d->step = &r->steps[0];
	d->mapping_version = 0;
	map_step_id(d->step, ev->id, d->id);
	if (d->step->body == NULL && d->step->cfg->template == NULL &&
	    m->store != NULL && (mapping =
	    mapstore_find(m->store, ev->type, d->step->cfg->target,
	    &d->mapping_version, err)) == NULL && d->mapping_version < 0)
		return -1;
	return map_step_body(m->cfg, d->step, mapping, map_step_input(d->step,
	    jv_copy(ev->root), jv_null()), line, len,
	    &d->body, &d->body_len, err);
}

static void
write_record(struct buf *out, const struct draft *d, const char *event,
    const char *type, int64_t not_before)
{
	const struct cfg_route *r = d->step->route;
	const struct cfg_step *s = d->step->cfg;
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
	buf_add_json_string(out, d->step->url, strlen(d->step->url));
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

void
map_work_free(void *work)
{
	struct map_work *w = work;
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		free(w->drafts[i].body);
	flow_arrive_free(w->flows);
	free(w->type);
	free(w->source);
	free(w->reject);
	free(w);
}

enum stream_rc
map_prepare(void *ctx, struct stream_rec *r, const char *line, size_t len,
    jv v)
{
	struct map *m = ctx;
	struct map_work *w;
	struct event ev;
	struct buf err = BUF_INIT;
	char perr[256];
	size_t i;
	int unread;

	if (event_parse(&ev, v, perr, sizeof(perr)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", perr);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);

	/* Every delivery is built first: a failing route rejects the event. */
	w = xcalloc(1, sizeof(*w) + m->nroutes * sizeof(w->drafts[0]));
	w->type = xstrdup(ev.type);
	w->source = xstrdup(ev.source);
	for (i = 0; i < m->nroutes; i++) {
		unread = 0;
		if (takes(&m->routes[i], &ev, &err) == 1) {
			if (build(m, &w->drafts[w->n], &m->routes[i], &ev,
			    line, len, &err) == 0)
				w->n++;
			else
				unread = w->drafts[w->n].mapping_version ==
				    MAPSTORE_UNREAD;
		}
		if (unread) {
			/* Not the event's fault: it stays to be mapped. */
			buf_addf(&r->reason, "%s", err.data);
			r->work = w;
			buf_release(&err);
			event_release(&ev);
			return STREAM_FATAL;
		}
		if (err.len > 0) {
			buf_addf(&r->reason, "route '%s': %s",
			    m->routes[i].cfg->name, err.data);
			w->reject = xstrdup(r->reason.data);
			break;
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
	event_release(&ev);
	return STREAM_OK;
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
	default:
		buf_addf(&r->reason, "event %s is not in journal '%s'",
		    r->event, journal_path(s->journal));
		return STREAM_REJECT;
	}
}

enum stream_rc
map_apply(void *ctx, struct stream *s, struct stream_rec *r)
{
	struct map *m = ctx;
	const struct map_work *w = r->work;
	struct journal_delivery jd;
	int64_t now;
	size_t i;
	int done, added;

	if (w->reject != NULL) {
		if (journal_event_reject(s->journal, r->event,
		    JOURNAL_NORMALIZED, w->reject) != 0)
			return stream_journal_failed(s, r);
		return STREAM_REJECT;
	}
	if (journal_event_map(s->journal, r->event, w->type, w->source,
	    &done) != 0)
		return stream_journal_failed(s, r);
	if (!done)
		return not_mapped(s, r);
	now = clock_ms();
	for (i = 0; i < w->n; i++) {
		const struct draft *d = &w->drafts[i];
		const struct cfg_step *st = d->step->cfg;

		jd = (struct journal_delivery){ .id = d->id,
		    .event_id = r->event, .target = st->target,
		    .route = d->step->route->name, .step = 0,
		    .method = st->method, .url = d->step->url,
		    .headers = d->step->headers, .body = d->body,
		    .body_len = d->body_len, .created_at = now,
		    .not_before = now + st->delay_ms,
		    .priority = st->priority,
		    .mapping_version = d->mapping_version };
		if (journal_delivery_add(s->journal, &jd, &added) != 0)
			return stream_journal_failed(s, r);
		write_record(&s->out, d, r->event, w->type, jd.not_before);
	}
	if (w->flows != NULL && flow_arrive_apply(s->journal, m->cfg,
	    w->flows, r->event, w->type, now, &s->out) != 0)
		return stream_journal_failed(s, r);
	m->ndeliveries += (long)w->n;
	return w->n > 0 || w->flows != NULL ? STREAM_OK : STREAM_SKIP;
}

int
map_test(struct map *m, jv v, const char *system, struct buf *out,
    struct buf *err)
{
	struct draft d = { .step = NULL };
	struct buf text = BUF_INIT;
	struct map_route *r;
	struct event ev;
	char perr[256];
	size_t i;
	int n = 0, yes;

	if (event_parse(&ev, v, perr, sizeof(perr)) != 0) {
		buf_addf(err, "not a CloudEvent: %s", perr);
		return -1;
	}
	jvdump(&text, jv_copy(ev.root));
	for (i = 0; i < m->nroutes; i++) {
		r = &m->routes[i];
		if (strcmp(r->steps[0].cfg->target, system) != 0)
			continue;
		if ((yes = takes(r, &ev, err)) == 0)
			continue;
		if (yes < 0 || build(m, &d, r, &ev, text.data, text.len,
		    err) != 0) {
			n = -1;
			break;
		}
		buf_adds(out, "{\"route\":");
		buf_add_json_string(out, r->cfg->name, strlen(r->cfg->name));
		buf_addf(out, ",\"method\":\"%s\",\"url\":",
		    r->steps[0].cfg->method);
		buf_add_json_string(out, r->steps[0].url,
		    strlen(r->steps[0].url));
		buf_adds(out, ",\"headers\":");
		buf_adds(out, r->steps[0].headers);
		buf_adds(out, ",\"body\":");
		buf_add(out, d.body, d.body_len);
		buf_addf(out, ",\"mapping_version\":");
		if (d.mapping_version > 0)
			buf_addf(out, "%d}\n", d.mapping_version);
		else
			buf_adds(out, "null}\n");
		free(d.body);
		d.body = NULL;
		n++;
	}
	buf_release(&text);
	event_release(&ev);
	return n;
}
