/*
 * syncs: the syncs: section of integra.yaml, the scheduled syncs
 * (sync.h), each with its kinds of records.  See sections.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "conf/config.h"
#include "conf/loader.h"
#include "conf/sections.h"

#define MAX_PAGES	10000	/* a run's pages, unless max_pages says */

/* Five fields of cron's characters, as etc/cron.d/integra would take. */
static int
cron_fields(const char *s)
{
	int fields = 0;

	while (*s != '\0') {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		if (strcspn(s, " \t") != strspn(s, "0123456789*/,-"))
			return 0;
		s += strcspn(s, " \t");
		fields++;
	}
	return fields == 5;
}

/* A name of a sync, a kind or a record set: no '/', which joins them. */
static int
valid_part(const char *s)
{
	return loader_valid_name(s) && strchr(s, '/') == NULL &&
	    strlen(s) <= 64;
}

struct kind_load {
	const struct cfg_sync	*sync;
	struct cfg_sync_kind	*kind;
};

static int
kind_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct kind_load *kl = ctx;
	struct cfg_sync_kind *kd = kl->kind;

	if (strcmp(k, "records") == 0)
		return loader_string(ld, v, k, &kd->records);
	if (strcmp(k, "key") == 0)
		return loader_string(ld, v, k, &kd->key);
	if (strcmp(k, "transform") == 0)
		return loader_string(ld, v, k, &kd->transform);
	if (strcmp(k, "event") == 0) {
		if (loader_string(ld, v, k, &kd->event) != 0)
			return -1;
		if (!loader_valid_name(kd->event))
			return loader_bad(ld, v, "sync '%s': event '%s' is not"
			    " a valid type", kl->sync->name, kd->event);
		return 0;
	}
	return loader_unknown(ld, v, k, "a sync's kind");
}

static int
kinds_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_sync *sy = ctx;
	struct cfg_sync_kind *kd;

	if (!valid_part(k))
		return loader_bad(ld, v, "sync '%s': kind '%s' is not a valid"
		    " name (letters, digits and ._:- only)", sy->name, k);
	sy->kinds = xrealloc(sy->kinds, (sy->nkinds + 1) *
	    sizeof(*sy->kinds));
	kd = &sy->kinds[sy->nkinds++];
	memset(kd, 0, sizeof(*kd));
	kd->name = xstrdup(k);
	kd->line = loader_line(v);
	kd->records = xstrdup(".");
	kd->key = xstrdup(".id");
	kd->transform = xstrdup(".");
	return loader_each(ld, v, "a sync's kind", kind_pair,
	    &(struct kind_load){ sy, kd });
}

static int
sync_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	static const char *const runners[] = { "crm", "fin", NULL };
	static const char *const pagings[] = { "page", "offset", "cursor",
	    "link", NULL };
	static const char *const incrementals[] = { "none", "updated_since",
	    "cursor", NULL };
	static const struct {
		const char	*key;
		size_t		 off;
	} programs[] = {
		{ "records", offsetof(struct cfg_sync, records) },
		{ "next", offsetof(struct cfg_sync, next) },
		{ "total", offsetof(struct cfg_sync, total) },
		{ "watermark", offsetof(struct cfg_sync, watermark) },
		{ "key", offsetof(struct cfg_sync, key) },
		{ "transform", offsetof(struct cfg_sync, transform) },
	};
	struct cfg_sync *sy = ctx;
	int word;
	size_t i;

	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(k, programs[i].key) == 0) {
			char **slot = (char **)((char *)sy + programs[i].off);

			return loader_string(ld, v, k, slot);
		}
	if (strcmp(k, "runner") == 0) {
		if (loader_word(ld, v, "runner", runners, &word) != 0)
			return -1;
		free(sy->runner);
		sy->runner = xstrdup(runners[word]);
		return 0;
	}
	if (strcmp(k, "paging") == 0) {
		if (loader_word(ld, v, "paging", pagings, &word) != 0)
			return -1;
		sy->paging = (enum cfg_paging)word;
		return 0;
	}
	if (strcmp(k, "incremental") == 0) {
		if (loader_word(ld, v, "incremental", incrementals,
		    &word) != 0)
			return -1;
		sy->incremental = (enum cfg_incremental)word;
		return 0;
	}
	if (strcmp(k, "schedule") == 0) {
		if (loader_string(ld, v, "schedule", &sy->schedule) != 0)
			return -1;
		if (!cron_fields(sy->schedule))
			return loader_bad(ld, v, "sync '%s': schedule must be"
			    " cron's five fields, like \"0 * * * *\"",
			    sy->name);
		return 0;
	}
	if (strcmp(k, "from") == 0)
		return loader_string(ld, v, "from", &sy->from);
	if (strcmp(k, "over") == 0) {
		if (loader_string(ld, v, "over", &sy->over) != 0)
			return -1;
		if (!valid_part(sy->over))
			return loader_bad(ld, v, "sync '%s': over '%s' is not"
			    " a valid name", sy->name, sy->over);
		return 0;
	}
	if (strcmp(k, "since_param") == 0) {
		if (loader_string(ld, v, "since_param",
		    &sy->since_param) != 0)
			return -1;
		if (sy->since_param[0] == '\0' ||
		    strspn(sy->since_param, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
		    strlen(sy->since_param))
			return loader_bad(ld, v, "sync '%s': since_param must"
			    " be letters, digits and _.- only", sy->name);
		return 0;
	}
	if (strcmp(k, "page_size") == 0)
		return loader_long(ld, v, "page_size", 1, 10000,
		    &sy->page_size);
	if (strcmp(k, "max_pages") == 0)
		return loader_long(ld, v, "max_pages", 1, 1000000,
		    &sy->max_pages);
	if (strcmp(k, "path") == 0) {
		if (loader_string(ld, v, "path", &sy->path) != 0)
			return -1;
		if (sy->path[0] != '/' || strpbrk(sy->path, " \t\r\n?#") !=
		    NULL)
			return loader_bad(ld, v, "sync '%s': path must start"
			    " with '/' and hold no blanks, '?' or '#'",
			    sy->name);
		return 0;
	}
	if (strcmp(k, "event") == 0) {
		if (loader_string(ld, v, "event", &sy->event) != 0)
			return -1;
		if (!loader_valid_name(sy->event))
			return loader_bad(ld, v, "sync '%s': event '%s' is not"
			    " a valid type", sy->name, sy->event);
		return 0;
	}
	if (strcmp(k, "each") == 0) {
		if (sy->nkinds > 0)
			return loader_bad(ld, v, "sync '%s': each is given"
			    " twice", sy->name);
		return loader_each(ld, v, "a sync's each", kinds_pair, sy);
	}
	return loader_unknown(ld, v, k, "a sync");
}

/*
 * The kinds, once the whole sync is read: each: names its own, which take
 * the sync's event if they have none; without it the sync is its one kind.
 */
static int
kinds_check(struct loader *ld, const yaml_node_t *v, struct cfg_sync *sy,
    int keyed)
{
	struct cfg_sync_kind *kd;
	size_t i;

	if (sy->nkinds == 0) {
		if (sy->event == NULL)
			return loader_bad(ld, v, "sync '%s' needs event",
			    sy->name);
		sy->kinds = xrealloc(NULL, sizeof(*sy->kinds));
		sy->nkinds = 1;
		sy->kinds[0] = (struct cfg_sync_kind){ .name = NULL,
		    .records = xstrdup("."), .key = xstrdup(sy->key),
		    .transform = xstrdup(sy->transform),
		    .event = xstrdup(sy->event), .line = sy->line };
		return 0;
	}
	if (keyed)
		return loader_bad(ld, v, "sync '%s': with each, key and"
		    " transform belong to each kind", sy->name);
	for (i = 0; i < sy->nkinds; i++) {
		kd = &sy->kinds[i];
		if (kd->event != NULL)
			continue;
		if (sy->event == NULL)
			return loader_bad(ld, v, "sync '%s': kind '%s' needs an"
			    " event (or the sync one for all)", sy->name,
			    kd->name);
		kd->event = xstrdup(sy->event);
	}
	return 0;
}

static int
syncs_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg *cfg = ctx;
	struct cfg_sync *sy;
	size_t i;
	int keyed;

	if (!valid_part(k))
		return loader_bad(ld, v, "sync name '%s' is not valid (letters,"
		    " digits and ._:- only)", k);
	/* The coverage's record set has that name. */
	if (strcmp(k, "coverage") == 0)
		return loader_bad(ld, v, "a sync cannot be called coverage");
	for (i = 0; i < cfg->nsyncs; i++)
		if (strcmp(cfg->syncs[i].name, k) == 0)
			return loader_bad(ld, v, "sync '%s' is defined twice",
			    k);
	cfg->syncs = xrealloc(cfg->syncs, (cfg->nsyncs + 1) *
	    sizeof(*cfg->syncs));
	sy = &cfg->syncs[cfg->nsyncs++];
	memset(sy, 0, sizeof(*sy));
	sy->name = xstrdup(k);
	sy->line = loader_line(v);
	sy->page_size = 100;
	sy->max_pages = MAX_PAGES;
	sy->since_param = xstrdup("updated_since");
	sy->records = xstrdup(".data");
	sy->next = xstrdup(".next_cursor");
	sy->total = xstrdup(".total");
	sy->watermark = xstrdup(".updated_at");
	if (loader_each(ld, v, "a sync", sync_pair, sy) != 0)
		return -1;
	keyed = sy->key != NULL || sy->transform != NULL;
	if (sy->key == NULL)
		sy->key = xstrdup(".id");
	if (sy->transform == NULL)
		sy->transform = xstrdup(".");
	if (sy->runner == NULL || sy->from == NULL || sy->path == NULL)
		return loader_bad(ld, v, "sync '%s' needs runner, from, path"
		    " and event", k);
	if (sy->incremental == CFG_INCREMENTAL_CURSOR &&
	    sy->paging != CFG_PAGING_CURSOR)
		return loader_bad(ld, v, "sync '%s': incremental cursor needs"
		    " paging cursor", k);
	if (strstr(sy->path, "\\(") != NULL && sy->over == NULL)
		return loader_bad(ld, v, "sync '%s': a path with \\( needs"
		    " over, whose record it is made of", k);
	return kinds_check(ld, v, sy, keyed);
}

int
cfg_syncs_load(struct loader *ld, const yaml_node_t *v, struct cfg *cfg)
{
	return loader_each(ld, v, "syncs", syncs_pair, cfg);
}

int
cfg_syncs_resolve(struct cfg *cfg, const char *path, char *err,
    size_t errsz)
{
	struct cfg_sync *sy;
	size_t i;

	/* A target that starts a run, of a sync there is. */
	for (i = 0; i < cfg->ntargets; i++)
		if (cfg->targets[i].sync != NULL &&
		    cfg_sync(cfg, cfg->targets[i].sync) == NULL) {
			snprintf(err, errsz, "%s:%d: target '%s' starts sync"
			    " '%s', which is not defined", path,
			    cfg->targets[i].line, cfg->targets[i].name,
			    cfg->targets[i].sync);
			return -1;
		}
	for (i = 0; i < cfg->nsyncs; i++) {
		sy = &cfg->syncs[i];
		if ((sy->source = cfg_target(cfg, sy->from)) != NULL &&
		    sy->source->token.kind != CFG_TOKEN_NONE) {
			snprintf(err, errsz, "%s:%d: sync '%s' reads from '%s',"
			    " whose auth is a token source: a sync takes a"
			    " secret", path, sy->line, sy->name, sy->from);
			return -1;
		}
		if (sy->source == NULL || sy->source->smtp ||
		    sy->source->zapi_instance != NULL) {
			snprintf(err, errsz, "%s:%d: sync '%s' reads from '%s',"
			    " which is not an HTTP target", path, sy->line,
			    sy->name, sy->from);
			return -1;
		}
		if (sy->over != NULL && !cfg_record_set(cfg, sy->over)) {
			snprintf(err, errsz, "%s:%d: sync '%s' is over '%s',"
			    " which is neither a sync nor the coverage", path,
			    sy->line, sy->name, sy->over);
			return -1;
		}
		if (sy->over != NULL && strcmp(sy->over, sy->name) == 0) {
			snprintf(err, errsz, "%s:%d: sync '%s' is over itself",
			    path, sy->line, sy->name);
			return -1;
		}
	}
	return 0;
}

static void
kind_free(struct cfg_sync_kind *kd)
{
	free(kd->name);
	free(kd->records);
	free(kd->key);
	free(kd->transform);
	free(kd->event);
}

void
cfg_syncs_free(struct cfg *cfg)
{
	struct cfg_sync *sy;
	size_t i, k;

	for (i = 0; i < cfg->nsyncs; i++) {
		sy = &cfg->syncs[i];
		free(sy->name);
		free(sy->runner);
		free(sy->schedule);
		free(sy->from);
		free(sy->path);
		free(sy->over);
		free(sy->since_param);
		free(sy->records);
		free(sy->next);
		free(sy->total);
		free(sy->watermark);
		free(sy->key);
		free(sy->transform);
		free(sy->event);
		for (k = 0; k < sy->nkinds; k++)
			kind_free(&sy->kinds[k]);
		free(sy->kinds);
	}
	free(cfg->syncs);
}
