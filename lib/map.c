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

#include "clock.h"
#include "config.h"
#include "event.h"
#include "ids.h"
#include "journal.h"
#include "jqprog.h"
#include "jvdump.h"
#include "log.h"
#include "map.h"
#include "priority.h"

struct map_route {
	const struct cfg_route	*cfg;
	struct jqprog		*when;
	struct jqprog		*body;	/* NULL: the event itself */
	char			*url;
	char			*headers;	/* JSON object text */
};

/* One delivery built for an event. */
struct draft {
	const struct map_route	*route;
	char			 id[ID_LEN + 1];
	char			*body;
	size_t			 body_len;
};

/* What an event leads to: prepared without the journal, then applied. */
struct map_work {
	char		*reject;	/* a route failed: why */
	struct buf	 out;		/* the delivery records to write */
	size_t		 n;
	struct draft	 drafts[];	/* one a route that takes it */
};

static int
compile(const struct cfg *cfg, const struct cfg_route *r, const char *text,
    int line, struct jqprog **out, struct buf *err)
{
	struct buf msg = BUF_INIT;

	if ((*out = jqprog_compile(text, &msg)) == NULL) {
		buf_addf(err, "%s:%d: route '%s': %s", cfg->path != NULL ?
		    cfg->path : "config", line, r->name, msg.data);
		buf_free(&msg);
		return -1;
	}
	buf_free(&msg);
	return 0;
}

/* Route headers override the target's, names compared without case. */
static char *
headers_json(const struct cfg_route *r)
{
	const struct cfg_header *lists[2] = { r->to->headers, r->headers };
	size_t counts[2] = { r->to->nheaders, r->nheaders };
	const struct cfg_header *h;
	struct buf b = BUF_INIT;
	size_t l, i, k, j;
	int shadowed, has_type = 0;

	buf_addc(&b, '{');
	for (l = 0; l < 2; l++)
		for (i = 0; i < counts[l]; i++) {
			h = &lists[l][i];
			shadowed = 0;
			for (k = l; k < 2 && !shadowed; k++)
				for (j = (k == l ? i + 1 : 0); j < counts[k];
				    j++)
					if (strcasecmp(lists[k][j].name,
					    h->name) == 0)
						shadowed = 1;
			if (shadowed)
				continue;
			if (strcasecmp(h->name, "Content-Type") == 0)
				has_type = 1;
			if (b.len > 1)
				buf_addc(&b, ',');
			buf_add_json_string(&b, h->name, strlen(h->name));
			buf_addc(&b, ':');
			buf_add_json_string(&b, h->value, strlen(h->value));
		}
	if (!has_type)
		buf_adds(&b, b.len > 1 ? ",\"Content-Type\":\"application/json\"" :
		    "\"Content-Type\":\"application/json\"");
	buf_addc(&b, '}');
	return buf_detach(&b);
}

int
map_init(struct map *m, const struct cfg *cfg, struct buf *err)
{
	const struct cfg_route *r;
	struct map_route *mr;
	struct buf url = BUF_INIT;
	size_t i, n;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->routes = xcalloc(cfg->nroutes + 1, sizeof(*m->routes));
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		mr = &m->routes[m->nroutes++];
		mr->cfg = r;
		if ((r->when != NULL && compile(cfg, r, r->when, r->when_line,
		    &mr->when, err) != 0) || (r->body != NULL &&
		    compile(cfg, r, r->body, r->body_line, &mr->body,
		    err) != 0)) {
			buf_free(&url);
			map_release(m);
			return -1;
		}
		buf_reset(&url);
		buf_adds(&url, r->to->url);
		n = url.len;
		if (n > 0 && url.data[n - 1] == '/' && r->path[0] == '/')
			url.data[--url.len] = '\0';
		buf_adds(&url, r->path);
		mr->url = xstrdup(url.data);
		mr->headers = headers_json(r);
	}
	buf_free(&url);
	return 0;
}

void
map_release(struct map *m)
{
	size_t i;

	for (i = 0; i < m->nroutes; i++) {
		jqprog_free(m->routes[i].when);
		jqprog_free(m->routes[i].body);
		free(m->routes[i].url);
		free(m->routes[i].headers);
	}
	free(m->routes);
	m->routes = NULL;
	m->nroutes = 0;
}

/* Whether route r takes the event: its type, then its condition. */
static int
takes(const struct map_route *r, const struct event *ev, struct buf *err)
{
	jv out;
	int yes;

	if (strcmp(r->cfg->on, ev->type) != 0)
		return 0;
	if (r->when == NULL)
		return 1;
	if (jqprog_run(r->when, jv_copy(ev->root), &out, err) != 0)
		return -1;
	yes = jv_get_kind(out) != JV_KIND_NULL &&
	    jv_get_kind(out) != JV_KIND_FALSE;
	jv_free(out);
	return yes;
}

static int
build(struct draft *d, const struct map_route *r, const struct event *ev,
    const char *line, size_t len, struct buf *err)
{
	const char *parts[3] = { r->cfg->name, r->cfg->target, "0" };
	struct buf body = BUF_INIT;
	jv out;

	d->route = r;
	id_derive(d->id, ev->id, parts, 3);
	if (r->body == NULL) {
		d->body = xstrndup(line, len);
		d->body_len = len;
		return 0;
	}
	if (jqprog_run(r->body, jv_copy(ev->root), &out, err) != 0)
		return -1;
	jvdump(&body, out);
	d->body_len = body.len;
	d->body = buf_detach(&body);
	return 0;
}

static void
write_record(struct buf *out, const struct draft *d, const struct event *ev)
{
	const struct cfg_route *r = d->route->cfg;

	buf_adds(out, "{\"id\":\"");
	buf_adds(out, d->id);
	buf_adds(out, "\",\"event\":\"");
	buf_adds(out, ev->id);
	buf_adds(out, "\",\"type\":");
	buf_add_json_string(out, ev->type, strlen(ev->type));
	buf_adds(out, ",\"target\":");
	buf_add_json_string(out, r->target, strlen(r->target));
	buf_adds(out, ",\"route\":");
	buf_add_json_string(out, r->name, strlen(r->name));
	buf_addf(out, ",\"step\":0,\"priority\":\"%s\",\"method\":\"",
	    priority_name(r->priority));
	buf_adds(out, r->method);
	buf_adds(out, "\",\"url\":");
	buf_add_json_string(out, d->route->url, strlen(d->route->url));
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
	buf_free(&w->out);
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

	if (event_parse(&ev, v, perr, sizeof(perr)) != 0) {
		buf_addf(&r->reason, "not a CloudEvent: %s", perr);
		return STREAM_REJECT;
	}
	snprintf(r->event, sizeof(r->event), "%s", ev.id);

	/* Every delivery is built first: a failing route rejects the event. */
	w = xcalloc(1, sizeof(*w) + m->nroutes * sizeof(w->drafts[0]));
	buf_init(&w->out);
	for (i = 0; i < m->nroutes; i++) {
		if (takes(&m->routes[i], &ev, &err) == 1 &&
		    build(&w->drafts[w->n], &m->routes[i], &ev, line, len,
		    &err) == 0)
			w->n++;
		if (err.len > 0) {
			buf_addf(&r->reason, "route '%s': %s",
			    m->routes[i].cfg->name, err.data);
			w->reject = xstrdup(r->reason.data);
			break;
		}
	}
	for (i = 0; i < w->n && w->reject == NULL; i++)
		write_record(&w->out, &w->drafts[i], &ev);
	r->work = w;
	buf_free(&err);
	event_free(&ev);
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
	if (journal_event_map(s->journal, r->event, &done) != 0)
		return stream_journal_failed(s, r);
	if (!done)
		return not_mapped(s, r);
	now = clock_ms();
	for (i = 0; i < w->n; i++) {
		const struct map_route *mr = w->drafts[i].route;

		jd = (struct journal_delivery){ .id = w->drafts[i].id,
		    .event_id = r->event, .target = mr->cfg->target,
		    .route = mr->cfg->name, .step = 0,
		    .method = mr->cfg->method, .url = mr->url,
		    .headers = mr->headers, .body = w->drafts[i].body,
		    .body_len = w->drafts[i].body_len, .not_before = now,
		    .priority = mr->cfg->priority };
		if (journal_delivery_add(s->journal, &jd, &added) != 0)
			return stream_journal_failed(s, r);
	}
	buf_add(&s->out, w->out.data, w->out.len);
	m->ndeliveries += (long)w->n;
	return w->n > 0 ? STREAM_OK : STREAM_SKIP;
}
