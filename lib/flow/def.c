/*
 * flow/def: compiling the config's flows.  See flow/def.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "conf/config.h"
#include "flow/def.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "stage/mapstep.h"

#define VALUE_MAX	512

/*
 * A step's save programs run on [instance, answer or event]: the answer
 * to its request as $response, the event that came for its wait as
 * $event.  The program stays on its line, as mapstep's do.
 */
static int
compile(const struct cfg *cfg, const struct cfg_flow *f, int line,
    const char *what, const char *text, int saves, struct jqprog **out,
    struct buf *err)
{
	struct buf prog = BUF_INIT, msg = BUF_INIT;

	if (saves)
		buf_addf(&prog, ".[1] as $response | .[1] as $event | .[0] |"
		    " (%s\n)", text);
	else
		buf_adds(&prog, text);
	if ((*out = jqprog_compile(prog.data, &msg)) == NULL)
		buf_addf(err, "%s:%d: flow '%s' %s: %s", cfg->path != NULL ?
		    cfg->path : "config", line, f->name, what, msg.data);
	buf_release(&prog);
	buf_release(&msg);
	return *out != NULL ? 0 : -1;
}

static int
compile_step(const struct cfg *cfg, struct flow_def *d, size_t i,
    struct buf *err)
{
	const struct cfg_flow *f = d->cfg;
	const struct cfg_flow_step *cs = &f->steps[i];
	struct flow_def_step *s = &d->steps[i];
	struct buf what = BUF_INIT;
	size_t k;
	int rc = 0;

	s->cfg = cs;
	s->save = xcalloc(cs->nsave + 1, sizeof(*s->save));
	if (cs->action >= 0)
		s->action = &d->actions[cs->action];
	for (k = 0; k < cs->nsave && rc == 0; k++) {
		buf_reset(&what);
		buf_addf(&what, "step '%s' save %s", cs->id, cs->save[k].name);
		rc = compile(cfg, f, cs->line, what.data, cs->save[k].value, 1,
		    &s->save[k], err);
	}
	if (rc == 0 && cs->await != NULL) {
		buf_reset(&what);
		buf_addf(&what, "step '%s' match", cs->id);
		rc = compile(cfg, f, cs->line, what.data, cs->match, 0,
		    &s->match, err);
		buf_reset(&what);
		buf_addf(&what, "step '%s' equals", cs->id);
		if (rc == 0)
			rc = compile(cfg, f, cs->line, what.data, cs->equals, 0,
			    &s->equals, err);
	}
	buf_release(&what);
	return rc;
}

static int
compile_def(const struct cfg *cfg, struct flow_def *d, struct buf *err)
{
	const struct cfg_flow *f = d->cfg;
	size_t i;

	d->actions = xcalloc(f->route.nsteps + 1, sizeof(*d->actions));
	d->steps = xcalloc(f->nsteps + 1, sizeof(*d->steps));
	d->cancel = xcalloc(f->ncancel_on + 1, sizeof(*d->cancel));
	if (compile(cfg, f, f->line, "key", f->key, 0, &d->key, err) != 0 ||
	    (f->tenant != NULL && compile(cfg, f, f->line, "tenant",
	    f->tenant, 0, &d->tenant, err) != 0) ||
	    (f->settings_from != NULL && compile(cfg, f, f->line,
	    "settings_from", f->settings_from, 0, &d->settings_from,
	    err) != 0) ||
	    (f->repeat_days != NULL && compile(cfg, f, f->line,
	    "repeat days", f->repeat_days, 0, &d->repeat_days, err) != 0))
		return -1;
	for (i = 0; i < f->ncancel_on; i++)
		if (compile(cfg, f, f->cancel_on[i].line, "cancel_on match",
		    f->cancel_on[i].match, 0, &d->cancel[i], err) != 0)
			return -1;
	for (i = 0; i < f->route.nsteps; i++)
		if (map_step_compile(&d->actions[i], cfg, &f->route, (int)i,
		    err) != 0)
			return -1;
	for (i = 0; i < f->nsteps; i++)
		if (compile_step(cfg, d, i, err) != 0)
			return -1;
	return 0;
}

int
flow_def_init(struct flow_defs *defs, const struct cfg *cfg, struct buf *err)
{
	size_t i;

	memset(defs, 0, sizeof(*defs));
	defs->cfg = cfg;
	defs->defs = xcalloc(cfg->nflows + 1, sizeof(*defs->defs));
	for (i = 0; i < cfg->nflows; i++) {
		defs->defs[defs->n++].cfg = &cfg->flows[i];
		if (compile_def(cfg, &defs->defs[i], err) != 0) {
			flow_def_release(defs);
			return -1;
		}
	}
	return 0;
}

static void
release_def(struct flow_def *d)
{
	const struct cfg_flow *f = d->cfg;
	size_t i, k;

	jqprog_free(d->key);
	jqprog_free(d->tenant);
	jqprog_free(d->settings_from);
	jqprog_free(d->repeat_days);
	for (i = 0; d->cancel != NULL && i < f->ncancel_on; i++)
		jqprog_free(d->cancel[i]);
	free(d->cancel);
	for (i = 0; d->actions != NULL && i < f->route.nsteps; i++)
		if (d->actions[i].cfg != NULL)
			map_step_release(&d->actions[i]);
	free(d->actions);
	for (i = 0; d->steps != NULL && i < f->nsteps; i++) {
		for (k = 0; d->steps[i].save != NULL &&
		    k < f->steps[i].nsave; k++)
			jqprog_free(d->steps[i].save[k]);
		free(d->steps[i].save);
		jqprog_free(d->steps[i].match);
		jqprog_free(d->steps[i].equals);
	}
	free(d->steps);
}

void
flow_def_release(struct flow_defs *defs)
{
	size_t i;

	for (i = 0; i < defs->n; i++)
		release_def(&defs->defs[i]);
	free(defs->defs);
	memset(defs, 0, sizeof(*defs));
}

struct flow_def *
flow_def_find(const struct flow_defs *defs, const char *name)
{
	size_t i;

	for (i = 0; i < defs->n; i++)
		if (strcmp(defs->defs[i].cfg->name, name) == 0)
			return &defs->defs[i];
	return NULL;
}

int
flow_def_step(const struct flow_def *d, const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < d->cfg->nsteps; i++)
		if (strcmp(d->cfg->steps[i].id, id) == 0)
			return (int)i;
	return -1;
}

char *
flow_def_value(jv out)
{
	struct buf b = BUF_INIT;

	switch (jv_get_kind(out)) {
	case JV_KIND_INVALID:
	case JV_KIND_NULL:
	case JV_KIND_FALSE:
		jv_free(out);
		return NULL;
	case JV_KIND_STRING:
		buf_add(&b, jv_string_value(out),
		    (size_t)jv_string_length_bytes(jv_copy(out)));
		jv_free(out);
		break;
	default:
		jvdump(&b, out);
	}
	if (b.len == 0 || b.len > VALUE_MAX || memchr(b.data, '\0', b.len) !=
	    NULL) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

jv
flow_def_defaults(const struct cfg_flow *f)
{
	jv s = jv_object();
	size_t i;

	for (i = 0; i < f->nsettings; i++)
		s = jv_object_set(s, jv_string(f->settings[i].name),
		    jv_parse(f->settings[i].value));
	return s;
}

/* A value's kind as settings compare them: true and false are one. */
static jv_kind
kind_of(jv v)
{
	jv_kind k = jv_get_kind(v);

	return k == JV_KIND_TRUE ? JV_KIND_FALSE : k;
}

static const char *
kind_name(jv_kind k)
{
	return k == JV_KIND_FALSE ? "a boolean" : k == JV_KIND_NUMBER ?
	    "a number" : k == JV_KIND_STRING ? "a string" : jv_kind_name(k);
}

/* Sets name to v in *base, if it is a setting and v of its kind. */
static int
set_one(const struct cfg_flow *f, jv *base, const char *name, jv v,
    struct buf *err)
{
	jv def;
	size_t i;
	int rc = 0;

	for (i = 0; i < f->nsettings; i++)
		if (strcmp(f->settings[i].name, name) == 0)
			break;
	if (i == f->nsettings) {
		buf_addf(err, "'%s' is not one of flow '%s''s settings", name,
		    f->name);
		jv_free(v);
		return -1;
	}
	def = jv_parse(f->settings[i].value);
	if (kind_of(v) != kind_of(def)) {
		buf_addf(err, "setting '%s' is %s, not %s like its default",
		    name, kind_name(kind_of(v)), kind_name(kind_of(def)));
		jv_free(v);
		rc = -1;
	} else
		*base = jv_object_set(*base, jv_string(name), v);
	jv_free(def);
	return rc;
}

int
flow_def_settings(const struct cfg_flow *f, jv base, jv given, jv *out,
    struct buf *err)
{
	int rc = 0;

	if (jv_get_kind(given) == JV_KIND_NULL) {
		jv_free(given);
		*out = base;
		return 0;
	}
	if (jv_get_kind(given) != JV_KIND_OBJECT) {
		buf_addf(err, "settings must be an object, not %s",
		    jv_kind_name(jv_get_kind(given)));
		jv_free(given);
		jv_free(base);
		return -1;
	}
	jv_object_foreach(given, k, v) {
		/* A NUL would end the name early: "a\u0000x" is no "a". */
		if (rc == 0 && (size_t)jv_string_length_bytes(jv_copy(k)) !=
		    strlen(jv_string_value(k))) {
			buf_addf(err, "a setting's name holds a NUL byte");
			jv_free(v);
			rc = -1;
		} else if (rc == 0)
			rc = set_one(f, &base, jv_string_value(k), v, err);
		else
			jv_free(v);
		jv_free(k);
	}
	jv_free(given);
	if (rc != 0) {
		jv_free(base);
		return -1;
	}
	*out = base;
	return 0;
}
