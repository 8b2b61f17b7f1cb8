/*
 * arrive: what an event means to the flows (flow_arrive_prepare, and
 * flow_arrive_start as an admin's start has it, flow/arrive.h), for any
 * line map takes for a CloudEvent (stream_parse, event_parse), with the
 * flows of the config below.  It is 0 with what the event starts,
 * matches or cancels, or -1 with "flow 'NAME': ..." in err and nothing.
 * Only a flow's start type starts one, with a key and a tenant, and
 * settings that are the flow's defaults with what settings_from gave
 * over them: each a setting of the flow by its exact name, of its
 * default's kind (flow_def_settings); only an await's type is matched
 * and only a cancel_on's type cancels.  Each value (flow_def_value) is
 * not empty and at most 512 bytes: a string as it is, anything else as
 * JSON that reads back as what jq writes of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "base/buf.h"
#include "base/log.h"
#include "conf/config.h"
#include "flow/arrive.h"
#include "flow/def.h"
#include "json/event.h"
#include "stage/stream.h"

#include "fuzz.h"

#define VALUE_MAX	512	/* flow/def.c's */

static const char config_text[] =
	"targets:\n"
	"  t:\n"
	"    url: http://127.0.0.1:9\n"
	"flows:\n"
	"  vendas:\n"
	"    on: proposal.accepted\n"
	"    key: .data.proposal_id\n"
	"    settings:\n"
	"      auto_contract: true\n"
	"      recurring_days: 0\n"
	"      channel: email\n"
	"      extra: null\n"
	"    settings_from: .data.settings\n"
	"    cancel_on:\n"
	"      - on: proposal.cancelled\n"
	"        match: .data.proposal_id\n"
	"      - on: contract.signed\n"
	"        match: .data.proposal\n"
	"    steps:\n"
	"      - id: generate_contract\n"
	"        to: t\n"
	"        path: /contracts\n"
	"        body: '{proposal_id: .key}'\n"
	"      - id: wait_signature\n"
	"        await: contract.signed\n"
	"        match: .data.contract_id\n"
	"        equals: .vars.contract_id\n"
	"        timeout: 7d\n"
	"  caso:\n"
	"    on: debt.escalated\n"
	"    key: .data.key\n"
	"    tenant: .data.tenant\n"
	"    steps:\n"
	"      - id: wait_paid\n"
	"        await: debtor.contract.synced\n"
	"        match: 'if .data.record.open == 0 then .data.key else null"
	" end'\n"
	"        equals: .key\n"
	"        timeout: 180d\n"
	"        on_timeout: fail\n"
	"      - id: wait_again\n"
	"        await: debtor.contract.synced\n"
	"        match: .data.record\n"
	"        equals: .key\n"
	"        timeout: 1d\n";

static struct cfg	*cfg;
static struct flow_defs	 defs;

/*
 * At exit: libjq keeps a program's stack by its end, which LeakSanitizer
 * does not take for a pointer to it.
 */
static void
teardown(void)
{
	flow_def_release(&defs);
	cfg_free(cfg);
	cfg = NULL;
}

/* The config above, loaded and compiled once; log lines below error off. */
static void
setup(void)
{
	struct buf	 dir = BUF_INIT, path = BUF_INIT, err = BUF_INIT;
	const char	*tmp = getenv("TMPDIR");
	char		 msg[1024];
	FILE		*f;

	setenv("INTEGRA_LOG", "error", 1);
	unsetenv("INTEGRA_LOG_COPY");
	log_init("fuzz-arrive");
	buf_addf(&dir, "%s/fuzz-arrive.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	if (mkdtemp(dir.data) == NULL)
		fuzz_fail("mkdtemp %s: %s", dir.data, strerror(errno));
	buf_addf(&path, "%s/integra.yaml", dir.data);
	if ((f = fopen(path.data, "w")) == NULL ||
	    fputs(config_text, f) == EOF || fclose(f) != 0)
		fuzz_fail("%s: %s", path.data, strerror(errno));
	cfg = cfg_load(path.data, msg, sizeof(msg));
	unlink(path.data);
	rmdir(dir.data);
	if (cfg == NULL)
		fuzz_fail("the harness's config: %s", msg);
	if (flow_def_init(&defs, cfg, &err) != 0)
		fuzz_fail("the harness's flows: %s", err.data);
	atexit(teardown);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&err);
}

/* The setting of f called name[0..len), exactly; NULL if none. */
static const struct cfg_header *
setting(const struct cfg_flow *f, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < f->nsettings; i++)
		if (strlen(f->settings[i].name) == len &&
		    memcmp(f->settings[i].name, name, len) == 0)
			return &f->settings[i];
	return NULL;
}

/* The kind settings compare: true and false are one. */
static jv_kind
kind_of(jv v)
{
	jv_kind	k = jv_get_kind(v);

	jv_free(v);
	return k == JV_KIND_TRUE ? JV_KIND_FALSE : k;
}

/*
 * Checks the settings text of a start: the flow's every setting, each
 * the value given (given: an object, or null) or else its default.
 */
static void
check_settings(const struct cfg_flow *f, const char *text, jv given)
{
	const struct cfg_header	*s;
	jv			 set, def, v;
	size_t			 i;

	set = jv_parse(text);
	FUZZ_CHECK(jv_get_kind(set) == JV_KIND_OBJECT);
	FUZZ_CHECK((size_t)jv_object_length(jv_copy(set)) == f->nsettings);
	if (jv_get_kind(given) == JV_KIND_OBJECT) {
		jv_object_foreach(given, k, gv) {
			s = setting(f, jv_string_value(k),
			    (size_t)jv_string_length_bytes(jv_copy(k)));
			if (s == NULL)
				fuzz_fail("flow '%s' took setting '%s' (%d"
				    " bytes), which it does not have",
				    f->name, jv_string_value(k),
				    jv_string_length_bytes(jv_copy(k)));
			v = jv_object_get(jv_copy(set), jv_string(s->name));
			FUZZ_CHECK(jv_equal(v, gv));
			jv_free(k);
		}
	} else
		FUZZ_CHECK(jv_get_kind(given) == JV_KIND_NULL);
	for (i = 0; i < f->nsettings; i++) {
		def = jv_parse(f->settings[i].value);
		v = jv_object_get(jv_copy(set), jv_string(f->settings[i].name));
		FUZZ_CHECK(kind_of(jv_copy(v)) == kind_of(jv_copy(def)));
		if (jv_get_kind(given) != JV_KIND_OBJECT ||
		    !jv_object_has(jv_copy(given),
		    jv_string(f->settings[i].name)))
			FUZZ_CHECK(jv_equal(jv_copy(v), jv_copy(def)));
		jv_free(v);
		jv_free(def);
	}
	jv_free(given);
	jv_free(set);
}

/* What settings_from (.data.settings) gives for ev: null if none. */
static jv
given(const struct cfg_flow *f, const struct event *ev)
{
	jv	d;

	if (f->settings_from == NULL)
		return jv_null();
	FUZZ_CHECK(strcmp(f->settings_from, ".data.settings") == 0);
	d = jv_object_get(jv_copy(ev->root), jv_string("data"));
	if (jv_get_kind(d) == JV_KIND_OBJECT &&
	    jv_object_has(jv_copy(d), jv_string("settings")))
		return jv_object_get(d, jv_string("settings"));
	jv_free(d);
	return jv_null();
}

/*
 * Checks value, what the program text gave on ev, when text is a path
 * .data.NAME: the string there as it is, anything else as JSON.
 */
static void
check_value(const char *value, const char *text, const struct event *ev)
{
	jv	x, back, dumped, want;

	if (strncmp(text, ".data.", 6) != 0 || strchr(text + 6, '.') != NULL ||
	    strchr(text + 6, ' ') != NULL)
		return;
	x = jv_object_get(jv_copy(ev->root), jv_string("data"));
	if (jv_get_kind(x) == JV_KIND_OBJECT)
		x = jv_object_get(x, jv_string(text + 6));
	else {
		jv_free(x);
		x = jv_null();
	}
	if (jv_get_kind(x) == JV_KIND_INVALID)
		x = jv_null();
	FUZZ_CHECK(jv_get_kind(x) != JV_KIND_NULL &&
	    jv_get_kind(x) != JV_KIND_FALSE);
	if (jv_get_kind(x) == JV_KIND_STRING) {
		FUZZ_CHECK((size_t)jv_string_length_bytes(jv_copy(x)) ==
		    strlen(value));
		FUZZ_CHECK(memcmp(jv_string_value(x), value,
		    strlen(value)) == 0);
		jv_free(x);
		return;
	}
	/* As jq writes it: an infinity as the largest double. */
	dumped = jv_dump_string(x, 0);
	want = jv_parse(jv_string_value(dumped));
	back = jv_parse(value);
	if (!jv_equal(back, want))
		fuzz_fail("%s gave '%s', not '%s'", text, value,
		    jv_string_value(dumped));
	jv_free(dumped);
}

/* Checks what the event ev meant to the flows, rc and a and err. */
static void
check_arrival(const struct event *ev, int rc, const struct flow_arrival *a,
    const struct buf *err)
{
	const struct flow_arrive_item	*it;
	const struct cfg_flow		*f;
	size_t				 i, k;

	if (rc != 0) {
		FUZZ_CHECK(rc == -1 && a == NULL);
		FUZZ_CHECK(err->len > 0 &&
		    strncmp(err->data, "flow '", 6) == 0);
		return;
	}
	FUZZ_CHECK(err->len == 0);
	FUZZ_CHECK(a == NULL || a->n > 0);
	for (i = 0; a != NULL && i < a->n; i++) {
		it = &a->items[i];
		f = it->flow;
		FUZZ_CHECK(f != NULL && it->value != NULL);
		FUZZ_CHECK(it->value[0] != '\0' &&
		    strlen(it->value) <= VALUE_MAX);
		switch (it->kind) {
		case FLOW_ARRIVE_START:
			check_value(it->value, f->key, ev);
			FUZZ_CHECK(it->tenant != NULL &&
			    it->settings != NULL);
			FUZZ_CHECK(f->tenant != NULL || strcmp(it->tenant,
			    ev->tenant != NULL ? ev->tenant : "default") == 0);
			check_settings(f, it->settings, given(f, ev));
			break;
		case FLOW_ARRIVE_MATCH:
			FUZZ_CHECK(it->step >= 0 &&
			    (size_t)it->step < f->nsteps);
			FUZZ_CHECK(f->steps[it->step].await != NULL &&
			    strcmp(f->steps[it->step].await, ev->type) == 0);
			check_value(it->value, f->steps[it->step].match, ev);
			FUZZ_CHECK(it->tenant == NULL && it->settings == NULL);
			break;
		case FLOW_ARRIVE_CANCEL:
			for (k = 0; k < f->ncancel_on; k++)
				if (strcmp(f->cancel_on[k].on, ev->type) == 0)
					break;
			FUZZ_CHECK(k < f->ncancel_on);
			check_value(it->value, f->cancel_on[k].match, ev);
			FUZZ_CHECK(it->tenant == NULL && it->settings == NULL);
			break;
		default:
			fuzz_fail("an item of kind %d", (int)it->kind);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_arrival	*a;
	struct event		 ev;
	struct buf		 err = BUF_INIT;
	char			 perr[256];
	size_t			 i, starts;
	int			 rc;
	jv			 v;

	if (cfg == NULL)
		setup();
	/* As map takes a line: stream_parse, then event_parse. */
	if (stream_parse((const char *)data, size, &v, &err) != 0) {
		buf_release(&err);
		return 0;
	}
	if (event_parse(&ev, v, perr, sizeof(perr)) != 0)
		return 0;

	/* As map sees it pass. */
	rc = flow_arrive_prepare(&defs, &ev, &a, &err);
	check_arrival(&ev, rc, a, &err);
	if (!flow_arrive_any(&defs, ev.type))
		FUZZ_CHECK(rc == 0 && a == NULL);
	for (i = 0, starts = 0; a != NULL && i < a->n; i++)
		if (a->items[i].kind == FLOW_ARRIVE_START)
			starts++;
	for (i = 0; i < defs.n; i++)
		if (strcmp(defs.defs[i].cfg->on, ev.type) == 0)
			break;
	FUZZ_CHECK(rc != 0 || starts == (i < defs.n ? 1u : 0u));
	flow_arrive_free(a);

	/* As an admin starts each flow with it, whatever its type. */
	for (i = 0; i < defs.n; i++) {
		buf_reset(&err);
		rc = flow_arrive_start(&defs.defs[i], &ev, &a, &err);
		check_arrival(&ev, rc, a, &err);
		FUZZ_CHECK(rc != 0 || (a != NULL && a->n == 1 &&
		    a->items[0].kind == FLOW_ARRIVE_START &&
		    a->items[0].flow == defs.defs[i].cfg));
		flow_arrive_free(a);
	}
	buf_release(&err);
	event_release(&ev);
	return 0;
}
