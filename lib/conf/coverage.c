/*
 * coverage: the coverage: section of integra.yaml, how a record to cover
 * is looked up by its name (ops/coverage.h).  See sections.h.
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

static int
coverage_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} strings[] = {
		{ "from", offsetof(struct cfg_coverage, from) },
		{ "records", offsetof(struct cfg_coverage, records) },
		{ "name", offsetof(struct cfg_coverage, name) },
		{ "key", offsetof(struct cfg_coverage, key) },
		{ "transform", offsetof(struct cfg_coverage, transform) },
		{ "sync", offsetof(struct cfg_coverage, sync) },
	};
	struct cfg_coverage *cv = ctx;
	char **type;
	size_t i;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strcmp(k, strings[i].key) == 0)
			return loader_string(ld, v, k,
			    (char **)((char *)cv + strings[i].off));
	if (strcmp(k, "path") == 0) {
		if (loader_string(ld, v, k, &cv->path) != 0)
			return -1;
		if (cv->path[0] != '/' || strpbrk(cv->path,
		    " \t\r\n?#") != NULL)
			return loader_bad(ld, v, "coverage: path must start"
			    " with '/' and hold no blanks, '?' or '#'");
		return 0;
	}
	if (strcmp(k, "param") == 0 || strcmp(k, "field") == 0) {
		type = k[0] == 'p' ? &cv->param : &cv->field;
		if (loader_string(ld, v, k, type) != 0)
			return -1;
		if ((*type)[0] == '\0' || strspn(*type,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.-") != strlen(*type))
			return loader_bad(ld, v, "coverage: %s must be"
			    " letters, digits and _.- only", k);
		return 0;
	}
	if (strcmp(k, "event") == 0 || strcmp(k, "removed") == 0) {
		type = k[0] == 'e' ? &cv->event : &cv->removed;
		if (loader_string(ld, v, k, type) != 0)
			return -1;
		if (!loader_valid_name(*type))
			return loader_bad(ld, v, "coverage: %s '%s' is not a"
			    " valid type", k, *type);
		return 0;
	}
	return loader_unknown(ld, v, k, "the coverage");
}

int
cfg_coverage_load(struct loader *ld, const yaml_node_t *v, struct cfg *cfg)
{
	struct cfg_coverage *cv;

	if (cfg->coverage != NULL)
		return loader_bad(ld, v, "coverage is given twice");
	cv = cfg->coverage = xrealloc(NULL, sizeof(*cv));
	memset(cv, 0, sizeof(*cv));
	cv->line = loader_line(v);
	if (loader_each(ld, v, "the coverage", coverage_pair, cv) != 0)
		return -1;
	if (cv->from == NULL || cv->path == NULL)
		return loader_bad(ld, v, "coverage needs from and path");
	if (cv->param == NULL)
		cv->param = xstrdup("name");
	if (cv->field == NULL)
		cv->field = xstrdup("name");
	if (cv->records == NULL)
		cv->records = xstrdup(".");
	if (cv->name == NULL)
		cv->name = xstrdup(".name");
	if (cv->key == NULL)
		cv->key = xstrdup(".id");
	if (cv->transform == NULL)
		cv->transform = xstrdup(".");
	if (cv->event == NULL)
		cv->event = xstrdup("coverage.added");
	if (cv->removed == NULL)
		cv->removed = xstrdup("coverage.removed");
	return 0;
}

int
cfg_coverage_resolve(struct cfg *cfg, const char *path, char *err,
    size_t errsz)
{
	struct cfg_coverage *cv = cfg->coverage;

	if (cv == NULL)
		return 0;
	if ((cv->source = cfg_target(cfg, cv->from)) == NULL ||
	    cv->source->smtp || cv->source->zapi_instance != NULL ||
	    cv->source->token.kind != CFG_TOKEN_NONE) {
		snprintf(err, errsz, "%s:%d: the coverage reads from '%s',"
		    " which is not an HTTP target with a secret of its own",
		    path, cv->line, cv->from);
		return -1;
	}
	if (cv->sync != NULL &&
	    ((cv->first_sync = cfg_sync(cfg, cv->sync)) == NULL ||
	    cv->first_sync->over == NULL ||
	    strcmp(cv->first_sync->over, "coverage") != 0)) {
		snprintf(err, errsz, "%s:%d: the coverage starts sync '%s',"
		    " which is %s", path, cv->line, cv->sync,
		    cv->first_sync == NULL ? "not defined" :
		    "not over the coverage");
		return -1;
	}
	return 0;
}

void
cfg_coverage_free(struct cfg *cfg)
{
	struct cfg_coverage *cv = cfg->coverage;

	if (cv == NULL)
		return;
	free(cv->from);
	free(cv->path);
	free(cv->param);
	free(cv->field);
	free(cv->records);
	free(cv->name);
	free(cv->key);
	free(cv->transform);
	free(cv->event);
	free(cv->removed);
	free(cv->sync);
	free(cv);
}
