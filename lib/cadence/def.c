/*
 * def: the cadences compiled.  See def.h.
 */
#include <sys/uio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/digest.h"
#include "cadence/def.h"
#include "conf/config.h"
#include "json/jqprog.h"

static int
compile(const struct cfg *cfg, const struct cfg_cadence *cd, int line,
    const char *what, const char *text, struct jqprog **out, struct buf *err)
{
	struct buf msg = BUF_INIT;

	if ((*out = jqprog_compile(text, &msg)) == NULL)
		buf_addf(err, "%s:%d: cadence '%s': %s does not compile: %s",
		    cfg->path != NULL ? cfg->path : "integra.yaml", line,
		    cd->name, what, msg.data != NULL ? msg.data : "");
	buf_release(&msg);
	return *out == NULL ? -1 : 0;
}

/* The digest of what makes its items: they are made again if it moves. */
static void
version(struct cadence_def *d)
{
	const struct cfg_cadence *cd = d->cfg;
	struct buf text = BUF_INIT;
	struct iovec iov;
	size_t i;

	buf_addf(&text, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n", cd->over,
	    cd->kind != NULL ? cd->kind : "", cd->anchor,
	    cd->stop != NULL ? cd->stop : "",
	    cd->contact != NULL ? cd->contact : "", cd->timezone,
	    cd->amount != NULL ? cd->amount : "",
	    cd->by != NULL ? cd->by : "");
	for (i = 0; i < cd->nsteps; i++)
		buf_addf(&text, "%s %d\n", cd->steps[i].id,
		    cd->steps[i].offset);
	iov = (struct iovec){ text.data, text.len };
	digest_sha256_hex(&iov, 1, d->version);
	buf_release(&text);
}

static int
def_init(const struct cfg *cfg, const struct cfg_cadence *cd,
    struct cadence_def *d, struct buf *err)
{
	struct buf text = BUF_INIT;
	const struct cfg_cadence_step *st;
	size_t i;
	int rc;

	d->cfg = cd;
	d->tenant = cfg->tenant;
	if (cd->kind != NULL)
		snprintf(d->prefix, sizeof(d->prefix), "%s:", cd->kind);
	version(d);
	buf_addf(&text, "[(%s), (%s), (%s), (%s), (%s)]", cd->anchor,
	    cd->stop != NULL ? cd->stop : "false",
	    cd->contact != NULL ? cd->contact : "null",
	    cd->amount != NULL ? cd->amount : "null",
	    cd->by != NULL ? cd->by : "null");
	rc = compile(cfg, cd, cd->line, "anchor, stop, contact, amount or by",
	    text.data, &d->record, err);
	buf_release(&text);
	d->condition = xcalloc(cd->nsteps, sizeof(*d->condition));
	d->data = xcalloc(cd->nsteps, sizeof(*d->data));
	for (i = 0; rc == 0 && i < cd->nsteps; i++) {
		st = &cd->steps[i];
		if (st->condition != NULL)
			rc = compile(cfg, cd, st->line, "a condition",
			    st->condition, &d->condition[i], err);
		if (rc == 0 && st->data != NULL)
			rc = compile(cfg, cd, st->line, "data", st->data,
			    &d->data[i], err);
	}
	return rc;
}

static void
def_release(struct cadence_def *d)
{
	size_t i;

	jqprog_free(d->record);
	for (i = 0; d->cfg != NULL && i < d->cfg->nsteps; i++) {
		if (d->condition != NULL)
			jqprog_free(d->condition[i]);
		if (d->data != NULL)
			jqprog_free(d->data[i]);
	}
	free(d->condition);
	free(d->data);
}

struct cadence_defs *
cadence_defs_new(const struct cfg *cfg, const char *job, struct buf *err)
{
	struct cadence_defs *ds;
	size_t i;

	ds = xcalloc(1, sizeof(*ds));
	ds->defs = xcalloc(cfg->ncadences + 1, sizeof(*ds->defs));
	for (i = 0; i < cfg->ncadences; i++) {
		if (job != NULL && strcmp(cfg->cadences[i].over, job) != 0)
			continue;
		if (def_init(cfg, &cfg->cadences[i], &ds->defs[ds->n++],
		    err) != 0) {
			cadence_defs_free(ds);
			return NULL;
		}
	}
	return ds;
}

void
cadence_defs_free(struct cadence_defs *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++)
		def_release(&ds->defs[i]);
	free(ds->defs);
	free(ds);
}

struct cadence_def *
cadence_defs_find(struct cadence_defs *ds, const char *name)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (strcmp(ds->defs[i].cfg->name, name) == 0)
			return &ds->defs[i];
	return NULL;
}
