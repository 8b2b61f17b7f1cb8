/*
 * flow/simulate: a flow on a virtual clock.  See flow/simulate.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/ids.h"
#include "conf/config.h"
#include "flow/arrive.h"
#include "flow/def.h"
#include "flow/instance.h"
#include "flow/run.h"
#include "flow/simulate.h"
#include "journal/journal.h"
#include "journal/flows.h"
#include "json/event.h"
#include "json/jvdump.h"
#include "ops/flows.h"
#include "stage/made.h"
#include "stage/stream.h"
#include "json/jvparse.h"

#define MOVES_MAX	1000	/* a flow that loops stops here */
#define SIM_SOURCE	"integra/simulate"

struct sim {
	const struct flow_defs		*defs;
	const struct flow_simulation	*s;
	struct journal			*jn;
	struct buf			*out;
	struct buf			*why;
	jv				 events;	/* given, not used yet */
	int64_t				 now;
	char				 id[ID_LEN + 1];	/* the instance */
};

static void
at(struct sim *sm, const char *step)
{
	char when[RFC3339_LEN + 1];

	clock_rfc3339(sm->now, when);
	buf_addf(sm->out, "{\"at\":\"%s\",\"step\":", when);
	buf_add_json_string(sm->out, step, strlen(step));
}

/* Journals ev (a CloudEvent, or null: made up, of type type) as if it came. */
static int
arrive(struct sim *sm, struct flow_instance *fi, const char *type, jv ev)
{
	const struct cfg_flow_step *st = &fi->cfg->steps[fi->step];
	struct buf data = BUF_INIT, line = BUF_INIT;
	struct flow_arrival *a = NULL;
	struct event parsed;
	char id[ID_LEN + 1], key[ID_LEN + 1], perr[256];
	int made_up = jv_get_kind(ev) == JV_KIND_NULL, rc, taken = 0;

	id_new(key);
	if (made_up)
		buf_adds(&data, "{}");
	else
		jvdump(&data, jv_object_get(jv_copy(ev), jv_string("data")));
	if ((rc = made_event(sm->jn, &(struct made){ .source = SIM_SOURCE,
	    .type = type, .tenant = fi->tenant, .key = key, .data = data.data,
	    .len = data.len, .now = sm->now, .id = id }, &line)) != 0)
		goto out;
	if (event_parse(&parsed, jvparse_text(line.data, line.len),
	    perr, sizeof(perr)) != 0) {
		rc = -1;
		buf_addf(sm->why, "an awaited event: %s", perr);
		goto out;
	}
	if (made_up)
		rc = flow_instance_match(sm->jn, fi, id, sm->now, &taken);
	else if (flow_arrive_prepare(sm->defs, &parsed, &a, sm->why) == 0)
		rc = flow_arrive_apply(sm->jn, sm->defs->cfg, a, id, type,
		    sm->now, NULL);
	event_release(&parsed);
	at(sm, st->id);
	buf_adds(sm->out, ",\"event\":");
	buf_add(sm->out, line.data, line.len - 1);
	buf_addf(sm->out, ",\"made_up\":%s}\n", made_up ? "true" : "false");
out:
	flow_arrive_free(a);
	buf_release(&data);
	buf_release(&line);
	jv_free(ev);
	return rc;
}

/* The first given event of type, taken from the list; null if none. */
static jv
given(struct sim *sm, const char *type)
{
	jv t, ev;
	int i, n = jv_array_length(jv_copy(sm->events));

	for (i = 0; i < n; i++) {
		ev = jv_array_get(jv_copy(sm->events), i);
		t = jv_object_get(jv_copy(ev), jv_string("type"));
		if (jv_get_kind(t) == JV_KIND_STRING &&
		    strcmp(jv_string_value(t), type) == 0) {
			jv_free(t);
			sm->events = jv_array_concat(jv_array_slice(jv_copy(
			    sm->events), 0, i), jv_array_slice(sm->events,
			    i + 1, n));
			return ev;
		}
		jv_free(t);
		jv_free(ev);
	}
	return jv_null();
}

/* One move of the instance; *done once it has ended. */
static int
move(struct sim *sm, int *done)
{
	struct flow_run fr = { .defs = sm->defs, .journal = sm->jn };
	struct flow_instance fi;
	struct buf answer = BUF_INIT;
	const char *await;
	jv ev;
	int rc, found;

	if ((rc = flow_instance_read(sm->jn, sm->defs->cfg, sm->id, &fi,
	    &found)) != 0 || found <= 0)
		return rc;
	if ((*done = flow_instance_ended(fi.status))) {
		flow_instance_release(&fi);
		return 0;
	}
	if (strcmp(fi.status, "running") == 0 && fi.delivery != NULL) {
		at(sm, fi.cfg->steps[fi.step].id);
		buf_adds(sm->out, ",\"request\":");
		if ((rc = journal_flow_request(sm->jn, fi.delivery,
		    sm->out)) == 0) {
			buf_adds(sm->out, "}\n");
			buf_addf(&answer, "{\"ok\":true,\"id\":\"%s\"}",
			    fi.delivery);
			rc = flow_run_ended(&fr, &(struct flow_run_end){
			    .delivery = fi.delivery, .status = "delivered",
			    .attempt = 1, .http_status = 200,
			    .response = answer.data, .response_len = answer.len },
			    sm->now);
		}
	} else if (strcmp(fi.status, "waiting") == 0 && fi.matched == NULL &&
	    (ev = given(sm, await = fi.cfg->steps[fi.step].await),
	    jv_get_kind(ev) != JV_KIND_NULL || !sm->s->timeouts)) {
		rc = arrive(sm, &fi, await, ev);
	} else {
		if (fi.due_at > sm->now)
			sm->now = fi.due_at;
		rc = flow_run_process(&fr, &fi, sm->now, 0);
	}
	buf_release(&answer);
	flow_instance_release(&fi);
	return rc;
}

/* The given awaited events, one CloudEvent a line, as an array. */
static int
read_events(struct sim *sm)
{
	const char *p = sm->s->events, *end, *nl;
	jv v;

	sm->events = jv_array();
	if (p == NULL)
		return 0;
	for (end = p + sm->s->events_len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if (stream_parse(p, (size_t)(nl - p), &v, sm->why) != 0)
			return 1;
		sm->events = jv_array_append(sm->events, v);
	}
	return 0;
}

static int
run(struct sim *sm)
{
	struct buf shown = BUF_INIT;
	enum ops_flows_result res;
	jv v;
	int rc, n, done = 0;

	if ((rc = ops_flows_start(sm->defs, sm->jn, &(struct ops_flows_start){
	    .flow = sm->s->flow, .json = sm->s->start,
	    .len = sm->s->start_len }, sm->now, &shown, sm->why, &res)) != 0)
		return rc;
	if (res != OPS_FLOWS_DONE) {
		buf_release(&shown);
		return 1;
	}
	v = jv_object_get(jvparse_text(shown.data, shown.len),
	    jv_string("id"));
	snprintf(sm->id, sizeof(sm->id), "%s",
	    jv_get_kind(v) == JV_KIND_STRING ? jv_string_value(v) : "");
	jv_free(v);
	buf_release(&shown);
	for (n = 0; n < MOVES_MAX && !done; n++) {
		if ((rc = journal_begin(sm->jn)) != 0)
			return rc;
		if ((rc = move(sm, &done)) != 0) {
			journal_rollback(sm->jn);
			return rc;
		}
		if ((rc = journal_commit(sm->jn)) != 0)
			return rc;
	}
	if ((rc = ops_flows_show(sm->jn, sm->id, sm->out, &n)) == 0)
		buf_addc(sm->out, '\n');
	return rc;
}

/* Removes the journal in dir, its WAL and the directory. */
static void
remove_journal(const char *dir)
{
	static const char *const files[] = { "journal.db", "journal.db-wal",
	    "journal.db-shm" };
	struct buf path = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, files[i]);
		unlink(path.data);
	}
	rmdir(dir);
	buf_release(&path);
}

int
flow_simulate(const struct flow_defs *defs, const struct flow_simulation *s,
    struct buf *out, struct buf *why)
{
	struct sim sm = { .defs = defs, .s = s, .out = out, .why = why,
	    .now = clock_ms() };
	struct buf dir = BUF_INIT, path = BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	char err[512];
	int rc = 1;

	if (read_events(&sm) != 0)
		goto out;
	buf_addf(&dir, "%s/integra-simulate.XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir.data) == NULL) {
		buf_addf(why, "%s: cannot make a directory for its journal",
		    dir.data);
		rc = -1;
		goto out;
	}
	buf_addf(&path, "%s/journal.db", dir.data);
	if ((sm.jn = journal_open(path.data, err, sizeof(err), NULL)) == NULL) {
		buf_adds(why, err);
		rc = -1;
	} else if ((rc = run(&sm)) < 0)
		buf_adds(why, journal_error(sm.jn));
	journal_close(sm.jn);
	remove_journal(dir.data);
out:
	jv_free(sm.events);
	buf_release(&dir);
	buf_release(&path);
	return rc;
}
