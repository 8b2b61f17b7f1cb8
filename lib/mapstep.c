/*
 * mapstep: compiling a route's step, deciding it and building its request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "jqprog.h"
#include "jvdump.h"
#include "mapstep.h"

/*
 * A later step's programs run on [event, response]: this prefix gives
 * them the event as "." and the answer as $response.  The program comes
 * after it on the same line, so that jq's line numbers stay the file's,
 * and a newline closes it, so that a trailing comment cannot swallow the
 * parenthesis.
 */
#define LATER_PREFIX	".[1] as $response | .[0] | ("
#define LATER_SUFFIX	"\n)"

static int
compile(const struct cfg *cfg, const struct cfg_route *r, int index,
    const char *text, int line, struct jqprog **out, struct buf *err)
{
	struct buf prog = BUF_INIT, msg = BUF_INIT;

	if (index > 0)
		buf_addf(&prog, "%s%s%s", LATER_PREFIX, text, LATER_SUFFIX);
	else
		buf_adds(&prog, text);
	if ((*out = jqprog_compile(prog.data, &msg)) == NULL) {
		buf_addf(err, "%s:%d: route '%s'", cfg->path != NULL ?
		    cfg->path : "config", line, r->name);
		if (index > 0)
			buf_addf(err, " step %d", index);
		buf_addf(err, ": %s", msg.data);
	}
	buf_free(&prog);
	buf_free(&msg);
	return *out != NULL ? 0 : -1;
}

/* Step headers override the target's, names compared without case. */
static char *
headers_json(const struct cfg_step *s)
{
	const struct cfg_header *lists[2] = { s->to->headers, s->headers };
	size_t counts[2] = { s->to->nheaders, s->nheaders };
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
map_step_compile(struct map_step *m, const struct cfg *cfg,
    const struct cfg_route *r, int index, struct buf *err)
{
	const struct cfg_step *s = &r->steps[index];
	struct buf url = BUF_INIT;

	memset(m, 0, sizeof(*m));
	m->route = r;
	m->cfg = s;
	m->index = index;
	if ((s->when != NULL && compile(cfg, r, index, s->when, s->when_line,
	    &m->when, err) != 0) || (s->body != NULL && compile(cfg, r,
	    index, s->body, s->body_line, &m->body, err) != 0)) {
		map_step_release(m);
		return -1;
	}
	buf_adds(&url, s->to->url);
	if (url.len > 0 && url.data[url.len - 1] == '/' && s->path[0] == '/')
		url.data[--url.len] = '\0';
	buf_adds(&url, s->path);
	m->url = buf_detach(&url);
	m->headers = headers_json(s);
	return 0;
}

void
map_step_release(struct map_step *m)
{
	jqprog_free(m->when);
	jqprog_free(m->body);
	free(m->url);
	free(m->headers);
	memset(m, 0, sizeof(*m));
}

jv
map_step_input(const struct map_step *m, jv event, jv response)
{
	if (m->index == 0) {
		jv_free(response);
		return event;
	}
	return JV_ARRAY(event, response);
}

int
map_step_takes(struct map_step *m, jv input, struct buf *err)
{
	jv out;
	int yes;

	if (m->when == NULL) {
		jv_free(input);
		return 1;
	}
	if (jqprog_run(m->when, input, &out, err) != 0)
		return -1;
	yes = jv_get_kind(out) != JV_KIND_NULL &&
	    jv_get_kind(out) != JV_KIND_FALSE;
	jv_free(out);
	return yes;
}

int
map_step_body(struct map_step *m, struct jqprog *program, jv input,
    const char *event, size_t event_len, char **body, size_t *len,
    struct buf *err)
{
	struct buf b = BUF_INIT;
	jv out;

	if (program == NULL && (program = m->body) == NULL) {
		jv_free(input);
		*body = xstrndup(event, event_len);
		*len = event_len;
		return 0;
	}
	if (jqprog_run(program, input, &out, err) != 0)
		return -1;
	jvdump(&b, out);
	*len = b.len;
	*body = buf_detach(&b);
	return 0;
}

void
map_step_id(const struct map_step *m, const char *event_id,
    char id[ID_LEN + 1])
{
	char n[16];
	const char *parts[3] = { m->route->name, m->cfg->target, n };

	snprintf(n, sizeof(n), "%d", m->index);
	id_derive(id, event_id, parts, 3);
}
