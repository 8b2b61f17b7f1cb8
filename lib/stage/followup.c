/*
 * followup: making a route's later steps from the event and the answer
 * to the step before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "conf/config.h"
#include "stage/followup.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "journal/groups.h"
#include "stage/made.h"
#include "base/log.h"
#include "stage/map.h"
#include "stage/mapstep.h"
#include "json/jvparse.h"

int
followup_any(const struct cfg *cfg)
{
	size_t i, k;

	for (i = 0; i < cfg->nroutes; i++)
		for (k = 0; k < cfg->routes[i].nsteps; k++)
			if (k > 0 || cfg->routes[i].steps[k].emit_type != NULL)
				return 1;
	return 0;
}

/*
 * Adds step s's delivery for e's event: due after its delay, or dead with
 * the reason dead when its program failed.
 */
static int
add(struct journal *jn, struct map_step *s, const struct followup_end *e,
    const char *id, const char *url, const struct buf *body,
    const char *dead, int64_t now)
{
	struct journal_delivery d = { .id = id, .event_id = e->event,
	    .target = s->cfg->target, .route = s->route->name,
	    .step = s->index, .method = s->cfg->method,
	    .url = url != NULL ? url : s->url,
	    .headers = s->headers, .body = body->data, .body_len = body->len,
	    .created_at = now, .not_before = now + s->cfg->delay_ms,
	    .priority = s->cfg->priority, .dead = dead, .group = e->group,
	    .item = e->item, .ordered = s->cfg->to != NULL &&
	    s->cfg->to->ordered };
	int added;

	return journal_delivery_add(jn, &d, &added);
}

int
followup_make(struct map *m, struct journal *jn, const struct followup_end *e,
    int64_t now, struct followup_made *made)
{
	struct map_route *r;
	const struct cfg_step *prev;
	struct map_step *s;
	struct log_ids ids = { .event = e->event, .delivery = e->delivery };
	enum journal_event_status st;
	struct buf canonical = BUF_INIT, body = BUF_INIT, err = BUF_INIT;
	jv event, input, item;
	char *text = NULL, *url = NULL;
	size_t len = 0;
	int rc = 0, next, yes;

	memset(made, 0, sizeof(*made));
	if ((r = map_route(m, e->route, &err)) == NULL && err.len > 0) {
		/* The config's fault, which integra config check shows. */
		log_error(&ids, "route '%s' does not compile: its step after"
		    " %d is not made: %s", e->route, e->step, err.data);
		goto out;
	}
	if (r == NULL || e->step < 0 || (size_t)e->step >= r->cfg->nsteps)
		return 0;	/* the route was changed since: nothing to do */
	prev = &r->cfg->steps[e->step];
	if ((next = e->delivered ? prev->next : prev->fallback) == 0)
		return 0;
	s = &r->steps[next];
	map_step_id(s, r->cfg->each != NULL ? e->delivery : e->event,
	    made->id);
	made->not_before = now + s->cfg->delay_ms;
	if ((rc = journal_event_status(jn, e->event, &st, &canonical)) != 0)
		goto out;
	if (canonical.len == 0) {
		buf_adds(&err, "its event has no canonical envelope");
		goto dead;
	}
	event = jvparse_text(canonical.data, canonical.len);
	if (!jv_is_valid(event)) {
		jv_free(event);
		buf_adds(&err, "its event's envelope is not valid JSON");
		goto dead;
	}
	input = map_step_give(s, map_step_input(s, event,
	    map_step_response(e->http_status, e->response, e->response_len,
	    e->error)), MAP_STEP_REQUEST, jv_object_get(map_step_response(0,
	    e->request, e->request_len, NULL), jv_string("body")));
	if (e->item != NULL) {
		if (!jv_is_valid(item = jv_parse(e->item))) {
			jv_free(item);
			item = jv_null();
		}
		input = map_step_give(s, input, MAP_STEP_ITEM, item);
	}
	if ((yes = map_step_takes(s, jv_copy(input), &err)) != 1) {
		jv_free(input);
		if (yes == 0) {
			log_info(&ids, "route '%s' step %d: its condition does"
			    " not hold: not made", e->route, next);
			made->id[0] = '\0';
			goto out;
		}
		goto dead;
	}
	if (s->path != NULL && map_step_url(s, jv_copy(input), &url,
	    &err) != 0) {
		jv_free(input);
		goto dead;
	}
	if (map_step_body(m->cfg, s, NULL, input, canonical.data,
	    canonical.len, &text, &len, &err) != 0)
		goto dead;
	buf_add(&body, text, len);
	if ((rc = add(jn, s, e, made->id, url, &body, NULL, now)) == 0)
		log_info(&ids, "delivery %s %s: route '%s' step %d made as %s",
		    e->delivery, e->delivered ? "delivered" : "died",
		    e->route, next, made->id);
	goto out;
dead:
	log_error(&ids, "route '%s' step %d cannot be built: %s; made dead"
	    " as %s", e->route, next, err.data, made->id);
	buf_reset(&body);
	made->dead = 1;
	rc = add(jn, s, e, made->id, NULL, &body, err.data, now);
out:
	free(text);
	free(url);
	buf_release(&canonical);
	buf_release(&body);
	buf_release(&err);
	return rc;
}

int
followup_emit_data(struct map *m, struct journal *jn,
    const struct followup_end *e, struct buf *data, struct buf *why)
{
	struct map_route *r;
	struct map_step *s;
	enum journal_event_status st;
	struct buf canonical = BUF_INIT;
	jv event;
	int rc;

	if ((r = map_route(m, e->route, why)) == NULL || e->step < 0 ||
	    (size_t)e->step >= r->cfg->nsteps ||
	    r->cfg->steps[e->step].emit_type == NULL)
		return why->len > 0 ? -1 : 0;
	s = &r->steps[e->step];
	if (journal_event_status(jn, e->event, &st, &canonical) != 0) {
		buf_addf(why, "its event cannot be read: %s",
		    journal_error(jn));
		rc = -1;
		goto out;
	}
	event = jvparse_text(canonical.data != NULL ? canonical.data : "",
	    canonical.len);
	if (!jv_is_valid(event)) {
		jv_free(event);
		buf_adds(why, "its event has no canonical envelope");
		rc = -1;
		goto out;
	}
	buf_addf(why, "its answer cannot become a %s event: ",
	    s->cfg->emit_type);
	rc = map_step_emit(s, map_step_input(s, event, map_step_response(
	    e->http_status, e->response, e->response_len, NULL)), data,
	    why) == 0 ? 1 : -1;
out:
	buf_release(&canonical);
	return rc;
}

int
followup_emit(const struct cfg *cfg, struct journal *jn,
    const struct followup_end *e, const struct buf *data, int64_t now,
    int *emitted)
{
	const struct cfg_route *r = cfg_route(cfg, e->route);
	struct log_ids ids = { .event = e->event, .delivery = e->delivery };
	struct buf key = BUF_INIT, line = BUF_INIT;
	char id[ID_LEN + 1];
	int rc;

	*emitted = 0;
	buf_addf(&key, "emit:%s", e->delivery);
	if ((rc = made_event(jn, &(struct made){ .source = "integra",
	    .type = r->steps[e->step].emit_type, .subject = e->group,
	    .tenant = e->tenant != NULL ? e->tenant : cfg->tenant,
	    .key = key.data, .group = e->group, .data = data->data,
	    .len = data->len, .now = now, .id = id }, &line)) == 0 &&
	    id[0] != '\0') {
		*emitted = 1;
		log_info(&ids, "delivery %s: its answer is event %s (%s)",
		    e->delivery, id, r->steps[e->step].emit_type);
		if (e->group != NULL)
			rc = journal_group_emit(jn, e->group, now);
	}
	buf_release(&key);
	buf_release(&line);
	return rc;
}
