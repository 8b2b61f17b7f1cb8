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
#include "base/log.h"
#include "stage/map.h"
#include "stage/mapstep.h"

int
followup_any(const struct cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nroutes; i++)
		if (cfg->routes[i].nsteps > 1)
			return 1;
	return 0;
}

/*
 * Adds step s's delivery for e's event: due after its delay, or dead with
 * the reason dead when its program failed.
 */
static int
add(struct journal *jn, struct map_step *s, const struct followup_end *e,
    const char *id, const struct buf *body, const char *dead, int64_t now)
{
	struct journal_delivery d = { .id = id, .event_id = e->event,
	    .target = s->cfg->target, .route = s->route->name,
	    .step = s->index, .method = s->cfg->method, .url = s->url,
	    .headers = s->headers, .body = body->data, .body_len = body->len,
	    .created_at = now, .not_before = now + s->cfg->delay_ms,
	    .priority = s->cfg->priority, .dead = dead };
	int added;

	return journal_delivery_add(jn, &d, &added);
}

int
followup_make(struct map *m, struct journal *jn, const struct followup_end *e,
    int64_t now, struct followup_made *made)
{
	const struct map_route *r;
	const struct cfg_step *prev;
	struct map_step *s;
	struct log_ids ids = { .event = e->event, .delivery = e->delivery };
	enum journal_event_status st;
	struct buf canonical = BUF_INIT, body = BUF_INIT, err = BUF_INIT;
	jv event, input;
	char *text = NULL;
	size_t len = 0;
	int rc = 0, next, yes;

	memset(made, 0, sizeof(*made));
	if ((r = map_route(m, e->route)) == NULL ||
	    e->step < 0 || (size_t)e->step >= r->cfg->nsteps)
		return 0;	/* the route was changed since: nothing to do */
	prev = &r->cfg->steps[e->step];
	if ((next = e->delivered ? prev->next : prev->fallback) == 0)
		return 0;
	s = &r->steps[next];
	map_step_id(s, e->event, made->id);
	made->not_before = now + s->cfg->delay_ms;
	if ((rc = journal_event_status(jn, e->event, &st, &canonical)) != 0)
		goto out;
	if (canonical.len == 0) {
		buf_adds(&err, "its event has no canonical envelope");
		goto dead;
	}
	event = jv_parse_sized(canonical.data, (int)canonical.len);
	if (!jv_is_valid(event)) {
		jv_free(event);
		buf_adds(&err, "its event's envelope is not valid JSON");
		goto dead;
	}
	input = map_step_input(s, event, map_step_response(e->http_status,
	    e->response, e->response_len, e->error));
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
	if (map_step_body(m->cfg, s, NULL, input, canonical.data,
	    canonical.len, &text, &len, &err) != 0)
		goto dead;
	buf_add(&body, text, len);
	if ((rc = add(jn, s, e, made->id, &body, NULL, now)) == 0)
		log_info(&ids, "delivery %s %s: route '%s' step %d made as %s",
		    e->delivery, e->delivered ? "delivered" : "died",
		    e->route, next, made->id);
	goto out;
dead:
	log_error(&ids, "route '%s' step %d cannot be built: %s; made dead"
	    " as %s", e->route, next, err.data, made->id);
	buf_reset(&body);
	made->dead = 1;
	rc = add(jn, s, e, made->id, &body, err.data, now);
out:
	free(text);
	buf_release(&canonical);
	buf_release(&body);
	buf_release(&err);
	return rc;
}
