/*
 * mapstep: one step of a route, compiled.  Its condition says whether it
 * is made for an event; its request is a method, a URL, headers and a
 * body built by its jq program.  map makes each route's first step when
 * an event is mapped; followup makes the later ones as the step before
 * them is delivered or dies, and their programs see its answer as
 * $response.
 *
 * Ownership: the functions taking a jv consume it.
 */
#ifndef INTEGRA_STAGE_MAPSTEP_H
#define INTEGRA_STAGE_MAPSTEP_H

#include <jv.h>

#include "base/ids.h"

struct buf;
struct cfg;
struct cfg_route;
struct cfg_step;
struct jqprog;
struct template;

#define MAP_STEP_PARTS	3	/* a template's: text, html, subject */

struct map_step {
	const struct cfg_route	*route;
	const struct cfg_step	*cfg;
	int			 index;		/* in the route's steps */
	int			 wrapped;	/* its programs see $response
						   or $template */
	struct jqprog		*when;
	struct jqprog		*body;		/* NULL: the event itself */
	struct jqprog		*path;		/* NULL: url as it is */
	struct jqprog		*emit;		/* its event's data; NULL:
						   the answer's body */
	struct jqprog		**vars;		/* its template's */
	struct template		*parts[MAP_STEP_PARTS];	/* NULL: none */
	char			*link_secret;	/* signs its links; NULL: none */
	char			*url;
	char			*headers;	/* a JSON object's text */
};

/*
 * Compiles step index of route r.  Returns 0, or -1 with
 * "FILE:LINE: route 'NAME': jq: ..." in err.
 */
int	map_step_compile(struct map_step *, const struct cfg *,
	    const struct cfg_route *r, int index, struct buf *err);
void	map_step_release(struct map_step *);
/*
 * What the step's programs run on: the event for a route's first step
 * without a template, fan-out or emit; else the event with the answer to
 * the step before as $response ({"status", "body", "error"}, for a later
 * step), its rendered template as $template ({"text", "html",
 * "subject"}, those of its parts it has), and what map_step_give adds.
 */
jv	map_step_input(const struct map_step *, jv event, jv response);
/* What else a step's programs may see, besides the event. */
enum map_step_slot {
	MAP_STEP_ITEM = 3,	/* $item: a fan-out's item */
	MAP_STEP_REQUEST = 4	/* $request: the body of the step before */
};

/* input with value (consumed) in slot, if the step's programs see it. */
jv	map_step_give(const struct map_step *, jv input, enum map_step_slot,
	    jv value);
/*
 * The request's URL (the caller frees it): the target's with the step's
 * path, interpolated on input (consumed) if it has "\(...)" in it, the
 * values percent-encoded.  0, or -1 with the reason in err.
 */
int	map_step_url(const struct map_step *, jv input, char **url,
	    struct buf *err);
/*
 * The data of the event its answer becomes (emit): emit data's output on
 * input (consumed, with $response), or the answer's body, which must be
 * a JSON object or array; appended to data as JSON.  0, or -1 with err.
 */
int	map_step_emit(struct map_step *, jv input, struct buf *data,
	    struct buf *err);
/*
 * An answer as the programs see it, $response: {"status", "body",
 * "error"}, status null without an answer; the body JSON if it parses as
 * JSON (a cut-off one does not), else a string, null if empty.
 */
jv	map_step_response(int http_status, const char *body, size_t len,
	    const char *error);
/* 1 if the step is made for input, 0 if not; -1 with the reason in err. */
int	map_step_takes(struct map_step *, jv input, struct buf *err);
/*
 * The request's body (the caller frees it): the output of program, if
 * not NULL (a versioned mapping, for a step without a template), else of
 * the step's own, else its rendered template, else the event's own text.
 * A template's var without a value fails it.
 */
int	map_step_body(const struct cfg *, struct map_step *,
	    struct jqprog *program, jv input, const char *event,
	    size_t event_len, char **body, size_t *len, struct buf *err);
/* The delivery's id: the same for the same event, route and step. */
void	map_step_id(const struct map_step *, const char *event_id,
	    char id[ID_LEN + 1]);
/*
 * A fan-out's item's: the same for the same base (its group, else its
 * event), route and item key.
 */
void	map_step_item_id(const struct map_step *, const char *base,
	    const char *key, char id[ID_LEN + 1]);

#endif
