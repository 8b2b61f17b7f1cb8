/*
 * cadences: the cadences: section of integra.yaml (cadence.h): a
 * cadence's steps, and its channels made routes, one a step and channel.
 * See sections.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "conf/config.h"
#include "conf/loader.h"
#include "conf/sections.h"

#define OFFSET_MAX	3650	/* days, either way */
#define DEFAULT_EVENT	"cadence.due"

/* What a cadence's mapping gives before its steps are made. */
struct cadence_load {
	struct cfg		*cfg;
	struct cfg_cadence	*cd;
	const yaml_node_t	*channels;	/* name: a route's step */
	const yaml_node_t	*steps;
};

/* A name of a cadence, a step or a channel: no '/', which joins them. */
static int
valid_part(const char *s)
{
	return loader_valid_name(s) && strchr(s, '/') == NULL &&
	    strlen(s) <= 64;
}

/*
 * A time zone of the system's database: "UTC", or a file under
 * $TZDIR or /usr/share/zoneinfo (the tzdata package).
 */
static int
zone_known(const char *tz)
{
	const char *dir = getenv("TZDIR");
	struct buf path = BUF_INIT;
	struct stat sb;
	int known;

	if (strcmp(tz, "UTC") == 0)
		return 1;
	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strspn(tz, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_+-/") != strlen(tz))
		return 0;
	buf_addf(&path, "%s/%s", dir != NULL && dir[0] != '\0' ? dir :
	    "/usr/share/zoneinfo", tz);
	known = stat(path.data, &sb) == 0 && S_ISREG(sb.st_mode);
	buf_release(&path);
	return known;
}

/* "HH:MM" as minutes after midnight (24:00 for the day's end), or -1. */
static int
clock_minutes(const char *s, size_t n)
{
	int h, m;

	if (n != 5 || s[2] != ':' || strspn(s, "0123456789:") != 5)
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* "08:00-20:00" */
static int
load_window(struct loader *ld, const yaml_node_t *v, struct cfg_cadence *cd)
{
	const char *s, *dash;

	if ((s = loader_scalar(ld, v, "window")) == NULL)
		return -1;
	if ((dash = strchr(s, '-')) == NULL ||
	    (cd->window_from = clock_minutes(s, (size_t)(dash - s))) < 0 ||
	    (cd->window_to = clock_minutes(dash + 1, strlen(dash + 1))) < 0 ||
	    cd->window_from >= cd->window_to)
		return loader_bad(ld, v, "cadence '%s': window must be"
		    " HH:MM-HH:MM, its start before its end, like"
		    " 08:00-20:00, not '%s'", cd->name, s);
	return 0;
}

/* Days: a whole number with an optional d, signed: -1d, 0, 30d. */
static int
load_offset(struct loader *ld, const yaml_node_t *v, int *out)
{
	const char *s;
	char *end;
	long n;

	if ((s = loader_scalar(ld, v, "offset")) == NULL)
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (end != s && errno == 0 && (*end == '\0' || strcmp(end, "d") == 0)
	    && n >= -OFFSET_MAX && n <= OFFSET_MAX) {
		*out = (int)n;
		return 0;
	}
	return loader_bad(ld, v, "offset must be whole days from -%d to %d,"
	    " like -1d, 0d or 30d, not '%s'", OFFSET_MAX, OFFSET_MAX, s);
}

static int
step_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_cadence_step *st = ctx;

	if (strcmp(k, "id") == 0) {
		if (loader_string(ld, v, k, &st->id) != 0)
			return -1;
		if (!valid_part(st->id))
			return loader_bad(ld, v, "step id '%s' is not valid"
			    " (letters, digits and ._:- only)", st->id);
		return 0;
	}
	if (strcmp(k, "offset") == 0)
		return load_offset(ld, v, &st->offset);
	if (strcmp(k, "condition") == 0)
		return loader_string(ld, v, k, &st->condition);
	if (strcmp(k, "after") == 0)
		return loader_string(ld, v, k, &st->after);
	if (strcmp(k, "channels") == 0)
		return loader_list(ld, v, k, valid_part, "channel name",
		    &st->channels, &st->nchannels);
	if (strcmp(k, "emit") == 0) {
		if (loader_string(ld, v, k, &st->emit) != 0)
			return -1;
		if (!loader_valid_name(st->emit))
			return loader_bad(ld, v, "emit '%s' is not a valid"
			    " type", st->emit);
		return 0;
	}
	if (strcmp(k, "data") == 0)
		return loader_string(ld, v, k, &st->data);
	return loader_unknown(ld, v, k, "a cadence's step");
}

/* The step's checks, once its cadence's channels are known. */
static int
step_check(struct loader *ld, const yaml_node_t *n, struct cfg_cadence *cd,
    size_t index, const yaml_node_t *channels)
{
	struct cfg_cadence_step *st = &cd->steps[index];
	const yaml_node_pair_t *p;
	const yaml_node_t *kn;
	size_t i, c;
	int found;

	if (st->id == NULL)
		return loader_bad(ld, n, "cadence '%s': a step needs an id",
		    cd->name);
	for (i = 0; i < index; i++) {
		if (strcmp(cd->steps[i].id, st->id) == 0)
			return loader_bad(ld, n, "cadence '%s': step '%s' is"
			    " given twice", cd->name, st->id);
		if (cd->steps[i].offset >= st->offset)
			return loader_bad(ld, n, "cadence '%s': step '%s' must"
			    " come later than '%s' (steps go by their"
			    " offsets)", cd->name, st->id, cd->steps[i].id);
	}
	st->after_index = -1;
	if (st->after != NULL) {
		for (i = 0; i < index; i++)
			if (strcmp(cd->steps[i].id, st->after) == 0)
				st->after_index = (int)i;
		if (st->after_index < 0)
			return loader_bad(ld, n, "cadence '%s': step '%s' is"
			    " after '%s', which is not a step before it",
			    cd->name, st->id, st->after);
	}
	if (st->emit != NULL && st->nchannels > 0)
		return loader_bad(ld, n, "cadence '%s': step '%s' emits an"
		    " event: it has no channels", cd->name, st->id);
	if (st->emit == NULL && st->data != NULL)
		return loader_bad(ld, n, "cadence '%s': step '%s': data is"
		    " an emitted event's", cd->name, st->id);
	if (st->emit == NULL && st->nchannels == 0)
		return loader_bad(ld, n, "cadence '%s': step '%s' needs"
		    " channels, or emit", cd->name, st->id);
	for (c = 0; c < st->nchannels; c++) {
		found = 0;
		for (p = channels != NULL ? channels->data.mapping.pairs.start :
		    NULL; p != NULL && p < channels->data.mapping.pairs.top;
		    p++) {
			kn = loader_node(ld, p->key);
			found |= kn->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)kn->data.scalar.value,
			    st->channels[c]) == 0;
		}
		if (!found)
			return loader_bad(ld, n, "cadence '%s': step '%s' sends"
			    " through channel '%s', which it does not have",
			    cd->name, st->id, st->channels[c]);
		for (i = 0; i < c; i++)
			if (strcmp(st->channels[i], st->channels[c]) == 0)
				return loader_bad(ld, n, "cadence '%s': step"
				    " '%s' names channel '%s' twice",
				    cd->name, st->id, st->channels[c]);
	}
	return 0;
}

static int
load_steps(struct loader *ld, struct cfg_cadence *cd, const yaml_node_t *n,
    const yaml_node_t *channels)
{
	yaml_node_item_t *it;
	struct cfg_cadence_step *st;
	const yaml_node_t *sn;

	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.start == n->data.sequence.items.top)
		return loader_bad(ld, n, "cadence '%s': steps must be a list"
		    " of one step or more", cd->name);
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		sn = loader_node(ld, *it);
		cd->steps = xrealloc(cd->steps, (cd->nsteps + 1) *
		    sizeof(*cd->steps));
		st = &cd->steps[cd->nsteps++];
		memset(st, 0, sizeof(*st));
		st->line = loader_line(sn);
		st->after_index = -1;
		if (loader_each(ld, sn, "a cadence's step", step_pair,
		    st) != 0 ||
		    step_check(ld, sn, cd, cd->nsteps - 1, channels) != 0)
			return -1;
	}
	return 0;
}

/*
 * A step and channel's route: the channel's node read as a route's first
 * step, named CADENCE/STEP/CHANNEL, taking the cadence's events of that
 * step only, its template the channel's folder's file for the step.
 */
static int
channel_route(struct loader *ld, struct cfg *cfg, struct cfg_cadence *cd,
    const struct cfg_cadence_step *st, const char *channel,
    const yaml_node_t *node)
{
	struct buf name = BUF_INIT, tmpl = BUF_INIT;
	struct cfg_route *r;
	struct cfg_step *s;
	int rc;

	buf_addf(&name, "%s/%s/%s", cd->name, st->id, channel);
	rc = cfg_route_add(ld, cfg, node, "cadence", name.data, cd->event);
	buf_release(&name);
	if (rc != 0)
		return -1;
	r = &cfg->routes[cfg->nroutes - 1];
	if (r->group != NULL || r->each != NULL || r->key != NULL)
		return loader_bad(ld, node, "cadence '%s': channel '%s' has no"
		    " group, each or key: a step sends one message a record",
		    cd->name, channel);
	s = &r->steps[0];
	/* Checked before its when: the channel's when is the same text,
	 * compiled once, for all of its steps. */
	r->cadence = xstrdup(cd->name);
	r->cadence_step = xstrdup(st->id);
	if (s->template != NULL) {
		buf_addf(&tmpl, "%s/%s", s->template, st->id);
		free(s->template);
		s->template = buf_detach(&tmpl);
	}
	return 0;
}

static int
cadence_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	static const char *const catch_ups[] = { "latest", "all", "none",
	    NULL };
	struct cadence_load *cl = ctx;
	struct cfg_cadence *cd = cl->cd;
	int word;

	if (strcmp(k, "over") == 0)
		return loader_string(ld, v, k, &cd->over);
	if (strcmp(k, "kind") == 0) {
		if (loader_string(ld, v, k, &cd->kind) != 0)
			return -1;
		if (!valid_part(cd->kind))
			return loader_bad(ld, v, "cadence '%s': kind '%s' is"
			    " not a valid name", cd->name, cd->kind);
		return 0;
	}
	if (strcmp(k, "anchor") == 0)
		return loader_string(ld, v, k, &cd->anchor);
	if (strcmp(k, "stop") == 0)
		return loader_string(ld, v, k, &cd->stop);
	if (strcmp(k, "contact") == 0)
		return loader_string(ld, v, k, &cd->contact);
	if (strcmp(k, "amount") == 0)
		return loader_string(ld, v, k, &cd->amount);
	if (strcmp(k, "by") == 0)
		return loader_string(ld, v, k, &cd->by);
	if (strcmp(k, "timezone") == 0) {
		if (loader_string(ld, v, k, &cd->timezone) != 0)
			return -1;
		if (!zone_known(cd->timezone))
			return loader_bad(ld, v, "cadence '%s': time zone '%s'"
			    " is not in the system's database (tzdata)",
			    cd->name, cd->timezone);
		return 0;
	}
	if (strcmp(k, "window") == 0)
		return load_window(ld, v, cd);
	if (strcmp(k, "catch_up") == 0) {
		if (loader_word(ld, v, k, catch_ups, &word) != 0)
			return -1;
		cd->catch_up = (enum cfg_catch_up)word;
		return 0;
	}
	if (strcmp(k, "event") == 0) {
		if (loader_string(ld, v, k, &cd->event) != 0)
			return -1;
		if (!loader_valid_name(cd->event))
			return loader_bad(ld, v, "cadence '%s': event '%s' is"
			    " not a valid type", cd->name, cd->event);
		return 0;
	}
	if (strcmp(k, "channels") == 0) {
		if (v->type != YAML_MAPPING_NODE)
			return loader_bad(ld, v, "cadence '%s': channels must"
			    " be a mapping of name: a route's step",
			    cd->name);
		cl->channels = v;
		return 0;
	}
	if (strcmp(k, "steps") == 0) {
		cl->steps = v;
		return 0;
	}
	return loader_unknown(ld, v, k, "a cadence");
}

/* Each channel its name, in cd->channels, and its routes. */
static int
channels_load(struct loader *ld, struct cadence_load *cl)
{
	struct cfg_cadence *cd = cl->cd;
	const yaml_node_pair_t *p;
	const yaml_node_t *kn;
	const char *k;
	size_t s, c;

	if (cl->channels == NULL)
		return 0;
	for (p = cl->channels->data.mapping.pairs.start;
	    p < cl->channels->data.mapping.pairs.top; p++) {
		kn = loader_node(ld, p->key);
		if ((k = loader_scalar(ld, kn, "a channel's name")) == NULL)
			return -1;
		if (!valid_part(k))
			return loader_bad(ld, kn, "cadence '%s': channel name"
			    " '%s' is not valid", cd->name, k);
		cd->channels = xrealloc(cd->channels, (cd->nchannels + 1) *
		    sizeof(*cd->channels));
		cd->channels[cd->nchannels++] = xstrdup(k);
	}
	for (s = 0; s < cd->nsteps; s++)
		for (c = 0; c < cd->steps[s].nchannels; c++)
			for (p = cl->channels->data.mapping.pairs.start;
			    p < cl->channels->data.mapping.pairs.top; p++)
				if (strcmp((const char *)loader_node(ld,
				    p->key)->data.scalar.value,
				    cd->steps[s].channels[c]) == 0 &&
				    channel_route(ld, cl->cfg, cd,
				    &cd->steps[s], cd->steps[s].channels[c],
				    loader_node(ld, p->value)) != 0)
					return -1;
	return 0;
}

static int
cadences_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg *cfg = ctx;
	struct cadence_load cl = { .cfg = cfg };
	struct cfg_cadence *cd;
	size_t i;

	if (!valid_part(k))
		return loader_bad(ld, v, "cadence name '%s' is not valid"
		    " (letters, digits and ._:- only)", k);
	for (i = 0; i < cfg->ncadences; i++)
		if (strcmp(cfg->cadences[i].name, k) == 0)
			return loader_bad(ld, v, "cadence '%s' is defined"
			    " twice", k);
	cfg->cadences = xrealloc(cfg->cadences, (cfg->ncadences + 1) *
	    sizeof(*cfg->cadences));
	cd = cl.cd = &cfg->cadences[cfg->ncadences++];
	memset(cd, 0, sizeof(*cd));
	cd->name = xstrdup(k);
	cd->line = loader_line(v);
	if (loader_each(ld, v, "a cadence", cadence_pair, &cl) != 0)
		return -1;
	if (cd->over == NULL || cd->anchor == NULL || cl.steps == NULL)
		return loader_bad(ld, v, "cadence '%s' needs over, anchor and"
		    " steps", k);
	if (cd->timezone == NULL)
		cd->timezone = xstrdup("UTC");
	if (cd->event == NULL)
		cd->event = xstrdup(DEFAULT_EVENT);
	if (load_steps(ld, cd, cl.steps, cl.channels) != 0)
		return -1;
	return channels_load(ld, &cl);
}

int
cfg_cadences_load(struct loader *ld, const yaml_node_t *v, struct cfg *cfg)
{
	return loader_each(ld, v, "cadences", cadences_pair, cfg);
}

static int
collections_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg_collections *co = ctx;

	if (strcmp(k, "cadence") == 0)
		return loader_string(ld, v, k, &co->cadence);
	if (strcmp(k, "escalated") == 0) {
		if (loader_string(ld, v, k, &co->escalated) != 0)
			return -1;
		if (!loader_valid_name(co->escalated))
			return loader_bad(ld, v, "collections: escalated '%s' is"
			    " not a valid type", co->escalated);
		return 0;
	}
	if (strcmp(k, "to") == 0) {
		if (loader_list(ld, v, "collections: to", loader_valid_address,
		    "address", &co->to, &co->nto) != 0)
			return -1;
		if (co->nto == 0 || co->nto > 50)
			return loader_bad(ld, v, "collections: to must list 1 to"
			    " 50 addresses");
		return 0;
	}
	return loader_unknown(ld, v, k, "collections");
}

int
cfg_collections_load(struct loader *ld, const yaml_node_t *v, struct cfg *cfg)
{
	struct cfg_collections *co;

	if (cfg->collections != NULL)
		return loader_bad(ld, v, "collections is given twice");
	co = cfg->collections = xcalloc(1, sizeof(*co));
	co->line = loader_line(v);
	if (loader_each(ld, v, "collections", collections_pair, co) != 0)
		return -1;
	if (co->cadence == NULL)
		return loader_bad(ld, v, "collections needs cadence: the"
		    " cadence whose records it reports on");
	return 0;
}

int
cfg_cadences_resolve(struct cfg *cfg, const char *path, char *err,
    size_t errsz)
{
	struct cfg_cadence *cd;
	size_t i, k;
	int kind;

	if (cfg->collections != NULL && (cfg->collections->cd =
	    cfg_cadence(cfg, cfg->collections->cadence)) == NULL) {
		snprintf(err, errsz, "%s:%d: collections reports on cadence"
		    " '%s', which is not defined", path,
		    cfg->collections->line, cfg->collections->cadence);
		return -1;
	}
	for (i = 0; i < cfg->ncadences; i++) {
		cd = &cfg->cadences[i];
		if ((cd->sync = cfg_sync(cfg, cd->over)) == NULL) {
			snprintf(err, errsz, "%s:%d: cadence '%s' is over '%s',"
			    " which is not a sync", path, cd->line, cd->name,
			    cd->over);
			return -1;
		}
		kind = cd->kind == NULL;
		for (k = 0; !kind && k < cd->sync->nkinds; k++)
			kind = cd->sync->kinds[k].name != NULL &&
			    strcmp(cd->sync->kinds[k].name, cd->kind) == 0;
		if (!kind) {
			snprintf(err, errsz, "%s:%d: cadence '%s': sync '%s' has"
			    " no kind '%s'", path, cd->line, cd->name,
			    cd->over, cd->kind);
			return -1;
		}
	}
	return 0;
}

void
cfg_cadences_free(struct cfg *cfg)
{
	struct cfg_cadence *cd;
	struct cfg_cadence_step *st;
	size_t i, k;

	for (i = 0; i < cfg->ncadences; i++) {
		cd = &cfg->cadences[i];
		free(cd->name);
		free(cd->over);
		free(cd->kind);
		free(cd->anchor);
		free(cd->stop);
		free(cd->contact);
		free(cd->amount);
		free(cd->by);
		free(cd->timezone);
		free(cd->event);
		for (k = 0; k < cd->nsteps; k++) {
			st = &cd->steps[k];
			free(st->id);
			free(st->condition);
			free(st->after);
			loader_free_names(st->channels, st->nchannels);
			free(st->emit);
			free(st->data);
		}
		free(cd->steps);
		loader_free_names(cd->channels, cd->nchannels);
	}
	free(cfg->cadences);
	if (cfg->collections != NULL) {
		free(cfg->collections->cadence);
		free(cfg->collections->escalated);
		loader_free_names(cfg->collections->to, cfg->collections->nto);
		free(cfg->collections);
	}
}
