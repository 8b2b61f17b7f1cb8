/*
 * check: a cadence's step checked again as map builds it.  See check.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "cadence/check.h"
#include "cadence/def.h"
#include "conf/config.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "json/jqprog.h"
#include "json/jvparse.h"

#define SOURCE_PREFIX	"cadence/"

struct cadence_check {
	const struct cfg	*cfg;
	struct cadence_defs	*defs;
	struct journal		*journal;
};

struct cadence_check *
cadence_check_open(const struct cfg *cfg, const struct journal *j,
    struct buf *err, int *config)
{
	struct cadence_check *cc;
	char msg[512];

	*config = 0;
	cc = xcalloc(1, sizeof(*cc));
	cc->cfg = cfg;
	if ((cc->defs = cadence_defs_new(cfg, NULL, err)) == NULL) {
		*config = 1;
		free(cc);
		return NULL;
	}
	if (cc->defs->n > 0 &&
	    (cc->journal = journal_open_again(j, msg, sizeof(msg))) == NULL) {
		buf_adds(err, msg);
		cadence_defs_free(cc->defs);
		free(cc);
		return NULL;
	}
	return cc;
}

void
cadence_check_close(struct cadence_check *cc)
{
	if (cc == NULL)
		return;
	cadence_defs_free(cc->defs);
	journal_close(cc->journal);
	free(cc);
}

void
cadence_check_over_free(struct cadence_check_over *o)
{
	if (o == NULL)
		return;
	free(o->cadence);
	free(o->key);
	free(o->step);
	free(o);
}

/* A string member of o, or NULL. */
static const char *
member(jv o, const char *name, jv *keep)
{
	*keep = jv_get_kind(o) == JV_KIND_OBJECT ?
	    jv_object_get(jv_copy(o), jv_string(name)) : jv_invalid();
	return jv_get_kind(*keep) == JV_KIND_STRING ?
	    jv_string_value(*keep) : NULL;
}

/* Whether the stop condition holds of record: 1, 0, or -1 if it fails. */
static int
stops(struct cadence_def *d, jv record)
{
	jv out = jv_null();
	struct buf err = BUF_INIT;
	int over;

	if (jqprog_run(d->record, record, &out, &err) != 0 ||
	    jv_get_kind(out) != JV_KIND_ARRAY)
		over = -1;
	else {
		jv s = jv_array_get(jv_copy(out), 1);

		over = jv_get_kind(s) != JV_KIND_NULL &&
		    jv_get_kind(s) != JV_KIND_FALSE;
		jv_free(s);
	}
	jv_free(out);
	buf_release(&err);
	return over;
}

int
cadence_check_event(struct cadence_check *cc, jv *v,
    struct cadence_check_over **over, struct buf *err)
{
	struct cadence_def *d;
	struct buf record = BUF_INIT;
	unsigned char hash[JOURNAL_SYNC_HASH_LEN];
	const char *source, *type, *key, *step;
	jv ks, kt, kk, kp, data, now, manual;
	int found = 0, rc = 0, stop;

	*over = NULL;
	if (cc->defs->n == 0)
		return 0;
	/* Every event passes: what is not a cadence's is let go first. */
	source = member(*v, "source", &ks);
	if (source == NULL ||
	    strncmp(source, SOURCE_PREFIX, strlen(SOURCE_PREFIX)) != 0) {
		jv_free(ks);
		return 0;
	}
	type = member(*v, "type", &kt);
	data = jv_get_kind(*v) == JV_KIND_OBJECT ?
	    jv_object_get(jv_copy(*v), jv_string("data")) : jv_invalid();
	key = member(data, "key", &kk);
	step = member(data, "step", &kp);
	if (type == NULL || key == NULL || step == NULL ||
	    (d = cadence_defs_find(cc->defs, source +
	    strlen(SOURCE_PREFIX))) == NULL ||
	    strcmp(type, d->cfg->event) != 0)
		goto out;
	if (journal_sync_record_get(cc->journal, d->cfg->over, key, hash,
	    &record, &found) != 0) {
		buf_addf(err, "cadence '%s': %s", d->cfg->name,
		    journal_error(cc->journal));
		rc = -1;
		goto out;
	}
	now = found ? jvparse_text(record.data, record.len) :
	    jv_invalid();
	stop = !jv_is_valid(now) ? 1 : stops(d, jv_copy(now));
	if (stop != 0) {
		/* Over, gone, or no longer what the stop can read. */
		*over = xcalloc(1, sizeof(**over));
		(*over)->cadence = xstrdup(d->cfg->name);
		(*over)->key = xstrdup(key);
		(*over)->step = xstrdup(step);
		manual = jv_object_get(jv_copy(data), jv_string("manual"));
		(*over)->manual = jv_get_kind(manual) == JV_KIND_TRUE;
		jv_free(manual);
		jv_free(now);
		goto out;
	}
	*v = jv_setpath(*v, JV_ARRAY(jv_string("data"),
	    jv_string("record")), now);
out:
	jv_free(ks);
	jv_free(kt);
	jv_free(kk);
	jv_free(kp);
	jv_free(data);
	buf_release(&record);
	return rc;
}
