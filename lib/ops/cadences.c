/*
 * ops/cadences: the cadences shown, a history, a step sent by hand.  See
 * ops/cadences.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/ids.h"
#include "cadence/day.h"
#include "cadence/def.h"
#include "cadence/run.h"
#include "conf/config.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "ops/cadences.h"

static void
cadence_json(struct buf *out, const struct cfg_cadence *cd)
{
	size_t i, c;

	buf_adds(out, "{\"name\":");
	buf_add_json_string(out, cd->name, strlen(cd->name));
	buf_adds(out, ",\"over\":");
	buf_add_json_string(out, cd->over, strlen(cd->over));
	buf_adds(out, ",\"kind\":");
	if (cd->kind != NULL)
		buf_add_json_string(out, cd->kind, strlen(cd->kind));
	else
		buf_adds(out, "null");
	buf_adds(out, ",\"timezone\":");
	buf_add_json_string(out, cd->timezone, strlen(cd->timezone));
	if (cd->window_to > 0)
		buf_addf(out, ",\"window\":\"%02d:%02d-%02d:%02d\"",
		    cd->window_from / 60, cd->window_from % 60,
		    cd->window_to / 60, cd->window_to % 60);
	else
		buf_adds(out, ",\"window\":null");
	buf_addf(out, ",\"catch_up\":\"%s\",\"event\":",
	    cd->catch_up == CFG_CATCH_UP_ALL ? "all" :
	    cd->catch_up == CFG_CATCH_UP_NONE ? "none" : "latest");
	buf_add_json_string(out, cd->event, strlen(cd->event));
	buf_adds(out, ",\"steps\":[");
	for (i = 0; i < cd->nsteps; i++) {
		buf_adds(out, i > 0 ? ",{\"id\":" : "{\"id\":");
		buf_add_json_string(out, cd->steps[i].id,
		    strlen(cd->steps[i].id));
		buf_addf(out, ",\"offset\":%d,\"channels\":[",
		    cd->steps[i].offset);
		for (c = 0; c < cd->steps[i].nchannels; c++) {
			buf_adds(out, c > 0 ? "," : "");
			buf_add_json_string(out, cd->steps[i].channels[c],
			    strlen(cd->steps[i].channels[c]));
		}
		buf_adds(out, "],\"emit\":");
		if (cd->steps[i].emit != NULL)
			buf_add_json_string(out, cd->steps[i].emit,
			    strlen(cd->steps[i].emit));
		else
			buf_adds(out, "null");
		buf_addc(out, '}');
	}
	buf_addc(out, ']');
}

int
ops_cadences_status(const struct cfg *cfg, struct journal *j,
    const char *name, int64_t now, struct buf *out,
    enum ops_cadences_result *res)
{
	const struct cfg_cadence *cd;
	int64_t today;
	size_t i;
	int minute, n = 0, rc = 0;

	*res = OPS_CADENCES_DONE;
	if (name != NULL && cfg_cadence(cfg, name) == NULL) {
		*res = OPS_CADENCES_MISSING;
		return 0;
	}
	buf_adds(out, "{\"cadences\":[");
	for (i = 0; i < cfg->ncadences && rc == 0; i++) {
		cd = &cfg->cadences[i];
		if (name != NULL && strcmp(cd->name, name) != 0)
			continue;
		if (cadence_day_now(now, cd->timezone, &today, &minute) != 0)
			today = now / 86400000;
		buf_adds(out, n++ > 0 ? "," : "");
		cadence_json(out, cd);
		buf_adds(out, ",\"counts\":");
		rc = journal_cadence_counts(j, cd->name, today, out);
		buf_addc(out, '}');
	}
	buf_adds(out, "]}");
	return rc;
}

/* A journal_row_fn: a history's entry appended. */
static int
entry(void *ctx, const char *key, const char *text, size_t len)
{
	struct buf *out = ctx;

	(void)key;
	if (out->data[out->len - 1] == '}')
		buf_addc(out, ',');
	buf_add(out, text, len);
	return 0;
}

int
ops_cadences_history(const struct cfg *cfg, struct journal *j,
    const char *who, struct buf *out)
{
	struct buf keys = BUF_INIT, k = BUF_INIT;
	size_t i;
	int rc;

	/* who as a key, and as each cadence's kind's key. */
	buf_adds(&keys, "[");
	buf_add_json_string(&keys, who, strlen(who));
	for (i = 0; i < cfg->ncadences; i++) {
		if (cfg->cadences[i].kind == NULL)
			continue;
		buf_reset(&k);
		buf_addf(&k, "%s:%s", cfg->cadences[i].kind, who);
		buf_addc(&keys, ',');
		buf_add_json_string(&keys, k.data, k.len);
	}
	buf_addc(&keys, ']');
	buf_adds(out, "{\"who\":");
	buf_add_json_string(out, who, strlen(who));
	buf_adds(out, ",\"history\":[");
	rc = journal_cadence_history(j, keys.data, who, entry, out);
	buf_adds(out, "]}");
	buf_release(&keys);
	buf_release(&k);
	return rc;
}

/* The step of cd called id: its index, or -1. */
static int
step_index(const struct cfg_cadence *cd, const char *id)
{
	size_t i;

	for (i = 0; i < cd->nsteps; i++)
		if (strcmp(cd->steps[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
ops_cadences_send(const struct cfg *cfg, struct journal *j,
    const char *cadence, const char *step, const char *key, int64_t now,
    struct buf *out, struct buf *why, enum ops_cadences_result *res)
{
	struct journal_cadence_item it;
	struct cadence_defs *ds = NULL;
	struct cadence_def *d;
	struct buf record = BUF_INIT, full = BUF_INIT;
	char event[ID_LEN + 1];
	int64_t today, anchor;
	int s, found = 0, minute, rc = 0;

	*res = OPS_CADENCES_MISSING;
	if ((ds = cadence_defs_new(cfg, NULL, why)) == NULL) {
		*res = OPS_CADENCES_FAILED;
		return 0;
	}
	if ((d = cadence_defs_find(ds, cadence)) == NULL) {
		buf_addf(why, "there is no cadence '%s'", cadence);
		goto out;
	}
	if ((s = step_index(d->cfg, step)) < 0) {
		buf_addf(why, "cadence '%s' has no step '%s'", cadence, step);
		goto out;
	}
	/* The key as given, or with the cadence's kind. */
	if (strncmp(key, d->prefix, strlen(d->prefix)) != 0)
		buf_adds(&full, d->prefix);
	buf_adds(&full, key);
	if (cadence_day_now(now, d->cfg->timezone, &today, &minute) != 0)
		today = now / 86400000;
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = journal_cadence_item_get(j, cadence, full.data,
	    d->cfg->over, &it, &record, &found)) != 0)
		goto fail;
	if (!found) {
		buf_addf(why, "cadence '%s' has no record '%s'", cadence, key);
		journal_rollback(j);
		goto out;
	}
	if (it.stopped) {
		*res = OPS_CADENCES_OVER;
		buf_addf(why, "'%s' is over for cadence '%s' (its stop"
		    " condition holds)", full.data, cadence);
		journal_rollback(j);
		goto out;
	}
	anchor = it.anchor != JOURNAL_NO_DAY ? it.anchor : today;
	switch (cadence_step_event(d, j, (size_t)s, full.data, record.data,
	    record.len, anchor, today, today, 1, 0, now, NULL, event, why)) {
	case 0:
		break;
	case 1:
		*res = OPS_CADENCES_FAILED;
		journal_rollback(j);
		goto out;
	default:
		rc = -1;
		goto fail;
	}
	if ((rc = journal_cadence_manual_add(j, event, cadence, full.data,
	    step, now)) != 0 || (rc = journal_commit(j)) != 0)
		goto fail;
	*res = OPS_CADENCES_DONE;
	buf_adds(out, "{\"cadence\":");
	buf_add_json_string(out, cadence, strlen(cadence));
	buf_adds(out, ",\"step\":");
	buf_add_json_string(out, step, strlen(step));
	buf_adds(out, ",\"key\":");
	buf_add_json_string(out, full.data, full.len);
	buf_addf(out, ",\"event\":\"%s\",\"manual\":true}", event);
	goto out;
fail:
	journal_rollback(j);
out:
	cadence_defs_free(ds);
	buf_release(&record);
	buf_release(&full);
	return rc;
}
