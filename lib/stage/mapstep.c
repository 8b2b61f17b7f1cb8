/*
 * mapstep: compiling a route's step, deciding it and building its request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "conf/config.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "rules/link.h"
#include "stage/mapstep.h"
#include "rules/template.h"
#include "json/jvparse.h"

/*
 * The programs of a step after the first, or of one with a template, run
 * on [event, response, template]: a prefix gives them the event as ".",
 * the answer to the step before as $response and the rendered template
 * as $template.  The program comes after it on the same line, so that
 * jq's line numbers stay the file's, and a newline closes it, so that a
 * trailing comment cannot swallow the parenthesis.
 */
enum {
	SEES_RESPONSE = 1,
	SEES_TEMPLATE = 2,
	SEES_ITEM = 4,		/* a fan-out's item: its route's first step */
	SEES_REQUEST = 8	/* the request of the step before */
};

static int
compile(const struct cfg *cfg, const struct map_step *m, const char *text,
    int line, int sees, struct jqprog **out, struct buf *err)
{
	struct buf prog = BUF_INIT, msg = BUF_INIT;

	if (m->wrapped) {
		if (sees & SEES_RESPONSE)
			buf_adds(&prog, ".[1] as $response | ");
		if (sees & SEES_TEMPLATE)
			buf_adds(&prog, ".[2] as $template | ");
		if (sees & SEES_ITEM)
			buf_adds(&prog, ".[3] as $item | ");
		if (sees & SEES_REQUEST)
			buf_adds(&prog, ".[4] as $request | ");
		buf_addf(&prog, ".[0] | (%s\n)", text);
	} else
		buf_adds(&prog, text);
	if ((*out = jqprog_compile_shared(prog.data, &msg)) == NULL) {
		buf_addf(err, "%s:%d: %s '%s'", cfg->path != NULL ?
		    cfg->path : "config", line, m->route->kind, m->route->name);
		if (m->index > 0)
			buf_addf(err, " step %d", m->index);
		buf_addf(err, ": %s", msg.data);
	}
	buf_release(&prog);
	buf_release(&msg);
	return *out != NULL ? 0 : -1;
}

/* A template's parts: the files NAME.txt, NAME.html and NAME.subject. */
static const struct {
	const char	*ext;
	const char	*member;	/* in $template */
	int		 html;
} parts[MAP_STEP_PARTS] = {
	{ "txt", "text", 0 },
	{ "html", "html", 1 },
	{ "subject", "subject", 0 },
};

/* Whether name is one of the step's vars, or brand.KEY of a setting. */
static int
known_var(const struct cfg *cfg, const struct cfg_step *s, const char *name)
{
	const struct cfg_header *list = s->vars;
	size_t i, n = s->nvars;

	if (strncmp(name, "brand.", 6) == 0) {
		name += 6;
		list = cfg->branding;
		n = cfg->nbranding;
	}
	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * Loads the step's template parts, each of whose names must be one of its
 * vars or a branding setting: a missing value is found here, not as a
 * blank in a customer's message.
 */
static int
load_template(const struct cfg *cfg, struct map_step *m, struct buf *err)
{
	const struct cfg_step *s = m->cfg;
	struct buf path = BUF_INIT, text = BUF_INIT, msg = BUF_INIT;
	size_t k, i, found = 0;
	FILE *f;
	int rc = 0;

	for (k = 0; k < MAP_STEP_PARTS && rc == 0; k++) {
		buf_reset(&path);
		buf_addf(&path, "%s/templates/%s.%s", cfg_datadir(cfg),
		    s->template, parts[k].ext);
		if ((f = fopen(path.data, "r")) == NULL)
			continue;
		found++;
		buf_reset(&text);
		rc = buf_read(&text, f, 0);
		fclose(f);
		if (rc != 0) {
			buf_addf(err, "%s: cannot read it", path.data);
			rc = -1;
			break;
		}
		/* The file's last line break is not the message's. */
		while (text.len > 0 && (text.data[text.len - 1] == '\n' ||
		    text.data[text.len - 1] == '\r'))
			text.data[--text.len] = '\0';
		buf_reset(&msg);
		if ((m->parts[k] = template_parse(text.data != NULL ?
		    text.data : "", text.len, parts[k].html, &msg)) == NULL) {
			buf_addf(err, "%s:%s", path.data, msg.data);
			rc = -1;
			break;
		}
		for (i = 0; i < template_nvars(m->parts[k]); i++)
			if (!known_var(cfg, s, template_var(m->parts[k], i))) {
				buf_addf(err, "%s:%d: %s '%s': template %s uses"
				    " {{%s}}, which is %s", cfg->path != NULL ?
				    cfg->path : "config", s->line,
				    m->route->kind, m->route->name, path.data,
				    template_var(m->parts[k], i),
				    strncmp(template_var(m->parts[k], i),
				    "brand.", 6) == 0 ? "not in branding" :
				    "not in the step's vars");
				rc = -1;
				break;
			}
	}
	if (rc == 0 && found == 0) {
		buf_addf(err, "%s:%d: %s '%s': template '%s' has no part:"
		    " %s/templates/%s.txt, .html or .subject", cfg->path !=
		    NULL ? cfg->path : "config", s->line, m->route->kind,
		    m->route->name, s->template, cfg_datadir(cfg),
		    s->template);
		rc = -1;
	}
	buf_release(&path);
	buf_release(&text);
	buf_release(&msg);
	return rc;
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

/* The index of var name in the step's vars, or -1. */
static long
var_index(const struct cfg_step *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* A step that signs links: they are vars, and the secret is at hand. */
static int
sign_init(const struct cfg *cfg, struct map_step *m, struct buf *err)
{
	const struct cfg_step *s = m->cfg;
	char why[512];
	size_t i;

	for (i = 0; i < s->nsign; i++)
		if (var_index(s, s->sign[i]) < 0) {
			buf_addf(err, "%s:%d: %s '%s': sign: '%s' is not"
			    " one of the step's vars", cfg->path != NULL ?
			    cfg->path : "config", s->line, m->route->kind,
			    m->route->name, s->sign[i]);
			return -1;
		}
	if ((m->link_secret = cfg_link_secret(cfg, why, sizeof(why))) ==
	    NULL) {
		buf_addf(err, "%s:%d: %s '%s': %s", cfg->path != NULL ?
		    cfg->path : "config", s->line, m->route->kind,
		    m->route->name, why);
		return -1;
	}
	return 0;
}

/* 1 if var i of the step is a link it signs. */
static int
signed_var(const struct cfg_step *s, size_t i)
{
	size_t k;

	for (k = 0; k < s->nsign; k++)
		if (strcmp(s->sign[k], s->vars[i].name) == 0)
			return 1;
	return 0;
}

int
map_step_compile(struct map_step *m, const struct cfg *cfg,
    const struct cfg_route *r, int index, struct buf *err)
{
	const struct cfg_step *s = &r->steps[index];
	struct buf url = BUF_INIT, text = BUF_INIT;
	int later = (index > 0 ? SEES_RESPONSE | SEES_REQUEST : 0) |
	    (r->each != NULL ? SEES_ITEM : 0);
	size_t i;

	memset(m, 0, sizeof(*m));
	m->route = r;
	m->cfg = s;
	m->index = index;
	m->wrapped = index > 0 || s->template != NULL || r->each != NULL ||
	    s->emit_type != NULL;
	m->vars = xcalloc(s->nvars + 1, sizeof(*m->vars));
	/* The route's own condition runs on the event, before its items. */
	if ((s->when != NULL && compile(cfg, m, s->when, s->when_line,
	    index == 0 ? later & ~SEES_ITEM : later, &m->when, err) != 0) || (s->body != NULL &&
	    compile(cfg, m, s->body, s->body_line, later | SEES_TEMPLATE,
	    &m->body, err) != 0) || (s->emit_data != NULL && compile(cfg, m,
	    s->emit_data, s->emit_line, later | SEES_RESPONSE, &m->emit,
	    err) != 0)) {
		map_step_release(m);
		return -1;
	}
	if (strstr(s->path, "\\(") != NULL) {
		buf_addf(&text, "@uri \"%s\"", s->path);
		if (compile(cfg, m, text.data, s->path_line, later, &m->path,
		    err) != 0) {
			buf_release(&text);
			map_step_release(m);
			return -1;
		}
		buf_release(&text);
	}
	for (i = 0; i < s->nvars; i++)
		if (compile(cfg, m, s->vars[i].value, s->line, later,
		    &m->vars[i], err) != 0) {
			map_step_release(m);
			return -1;
		}
	if (s->template != NULL && load_template(cfg, m, err) != 0) {
		map_step_release(m);
		return -1;
	}
	if (s->nsign > 0 && sign_init(cfg, m, err) != 0) {
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
	size_t i;

	for (i = 0; m->vars != NULL && i < m->cfg->nvars; i++)
		jqprog_free(m->vars[i]);
	free(m->vars);
	for (i = 0; i < MAP_STEP_PARTS; i++)
		template_free(m->parts[i]);
	jqprog_free(m->when);
	jqprog_free(m->body);
	jqprog_free(m->path);
	jqprog_free(m->emit);
	free(m->url);
	free(m->headers);
	if (m->link_secret != NULL) {
		explicit_bzero(m->link_secret, strlen(m->link_secret));
		free(m->link_secret);
	}
	memset(m, 0, sizeof(*m));
}

jv
map_step_input(const struct map_step *m, jv event, jv response)
{
	if (!m->wrapped) {
		jv_free(response);
		return event;
	}
	return JV_ARRAY(event, response, jv_null());
}

jv
map_step_give(const struct map_step *m, jv input, enum map_step_slot slot,
    jv value)
{
	if (!m->wrapped) {
		jv_free(value);
		return input;
	}
	return jv_array_set(input, (int)slot, value);
}

int
map_step_url(const struct map_step *m, jv input, char **url,
    struct buf *err)
{
	const struct cfg_target *to = m->cfg->to;
	struct buf b = BUF_INIT;
	const char *path;
	jv out;

	if (m->path == NULL) {
		jv_free(input);
		*url = xstrdup(m->url);
		return 0;
	}
	if (jqprog_run(m->path, input, &out, err) != 0)
		return -1;
	path = jv_string_value(out);
	/* @uri encodes what is interpolated; the rest is the config's. */
	if (path[0] != '/' || strpbrk(path, " \t\r\n") != NULL) {
		jv_free(out);
		buf_adds(err, "path: not a path once interpolated");
		return -1;
	}
	buf_adds(&b, to->url);
	if (b.len > 0 && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	buf_adds(&b, path);
	jv_free(out);
	*url = buf_detach(&b);
	return 0;
}

int
map_step_emit(struct map_step *m, jv input, struct buf *data,
    struct buf *err)
{
	jv out;

	if (m->emit == NULL) {
		out = jv_object_get(jv_array_get(input, 1), jv_string("body"));
		if (jv_get_kind(out) != JV_KIND_OBJECT &&
		    jv_get_kind(out) != JV_KIND_ARRAY) {
			jv_free(out);
			buf_adds(err, "the answer is not a JSON object or"
			    " array");
			return -1;
		}
	} else if (jqprog_run(m->emit, input, &out, err) != 0)
		return -1;
	jvdump(data, out);
	return 0;
}

jv
map_step_response(int http_status, const char *body, size_t len,
    const char *error)
{
	jv b = jv_null();

	if (len > 0) {
		b = jvparse_text(body, len);
		if (!jv_is_valid(b)) {
			jv_free(b);
			b = jv_string_sized(body, (int)len);
		}
	}
	return JV_OBJECT(jv_string("status"), http_status > 0 ?
	    jv_number(http_status) : jv_null(), jv_string("body"), b,
	    jv_string("error"), error != NULL ? jv_string(error) : jv_null());
}

/* The values of a step's vars and of the branding, for template_render. */
struct values {
	const struct cfg	*cfg;
	const struct cfg_step	*step;
	char			**vals;	/* the vars', NULL where null */
};

static const char *
value(void *ctx, const char *name)
{
	const struct values *v = ctx;
	size_t i;

	if (strncmp(name, "brand.", 6) == 0) {
		for (i = 0; i < v->cfg->nbranding; i++)
			if (strcmp(v->cfg->branding[i].name, name + 6) == 0)
				return v->cfg->branding[i].value;
		return NULL;
	}
	for (i = 0; i < v->step->nvars; i++)
		if (strcmp(v->step->vars[i].name, name) == 0)
			return v->vals[i];
	return NULL;
}

/*
 * input with its template rendered into it, as $template: each var is
 * run, a string taken as it is, null as no value, anything else as JSON.
 */
static int
render(const struct cfg *cfg, struct map_step *m, jv *input,
    struct buf *err)
{
	struct values v = { .cfg = cfg, .step = m->cfg };
	struct buf b = BUF_INIT;
	jv out, t = jv_object();
	size_t i;
	int rc = 0;

	v.vals = xcalloc(m->cfg->nvars + 1, sizeof(*v.vals));
	for (i = 0; i < m->cfg->nvars && rc == 0; i++) {
		if ((rc = jqprog_run(m->vars[i], jv_copy(*input), &out,
		    err)) != 0) {
			buf_addf(err, " (var %s)", m->cfg->vars[i].name);
			break;
		}
		if (jv_get_kind(out) == JV_KIND_STRING)
			v.vals[i] = xstrdup(jv_string_value(out));
		else if (jv_get_kind(out) != JV_KIND_NULL) {
			buf_reset(&b);
			jvdump(&b, jv_copy(out));
			v.vals[i] = buf_detach(&b);
		}
		jv_free(out);
		if (v.vals[i] != NULL && signed_var(m->cfg, i)) {
			buf_reset(&b);
			if ((rc = link_sign(m->link_secret,
			    strlen(m->link_secret), v.vals[i], &b)) != 0) {
				buf_addf(err, "var %s: not a link to sign (an"
				    " http(s) URL with a path, no '#' and no"
				    " '" LINK_SIG "')", m->cfg->vars[i].name);
				break;
			}
			free(v.vals[i]);
			v.vals[i] = buf_detach(&b);
		}
	}
	for (i = 0; i < MAP_STEP_PARTS && rc == 0; i++) {
		if (m->parts[i] == NULL)
			continue;
		buf_reset(&b);
		if ((rc = template_render(m->parts[i], value, &v, &b,
		    err)) == 0)
			t = jv_object_set(t, jv_string(parts[i].member),
			    jv_string_sized(b.data != NULL ? b.data : "",
			    (int)b.len));
	}
	for (i = 0; i < m->cfg->nvars; i++)
		free(v.vals[i]);
	free(v.vals);
	buf_release(&b);
	if (rc != 0) {
		jv_free(t);
		return -1;
	}
	*input = jv_array_set(*input, 2, t);
	return 0;
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
map_step_body(const struct cfg *cfg, struct map_step *m,
    struct jqprog *program, jv input, const char *event, size_t event_len,
    char **body, size_t *len, struct buf *err)
{
	struct buf b = BUF_INIT;
	jv out;

	if (m->cfg->template != NULL && render(cfg, m, &input, err) != 0) {
		jv_free(input);
		return -1;
	}
	if (program == NULL && (program = m->body) == NULL) {
		if (m->cfg->template != NULL) {
			/* No body: the rendered template is the request's. */
			jvdump(&b, jv_array_get(input, 2));
			*len = b.len;
			*body = buf_detach(&b);
			return 0;
		}
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
	const char *of[3] = { m->route->name, m->cfg->target, n };

	snprintf(n, sizeof(n), "%d", m->index);
	id_derive(id, event_id, of, 3);
}

void
map_step_item_id(const struct map_step *m, const char *base, const char *key,
    char id[ID_LEN + 1])
{
	const char *of[4] = { m->route->name, m->cfg->target, "0", key };

	id_derive(id, base, of, 4);
}
