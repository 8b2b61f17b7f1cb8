/*
 * integra-targets: the targets as the journal sees them (enabled or not,
 * their circuit, deliveries waiting, dead letters), and an admin's switch
 * to enable one that a 410 Gone disabled or close its circuit, or to
 * disable one by hand; and a Z-API target's instance status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "transport/http.h"
#include "journal/journal.h"
#include "journal/targets.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"

enum cmd { LIST, ENABLE, DISABLE, STATUS };

struct listing {
	const struct cfg	*cfg;
	int64_t			 now;
	int			 json;
	int			 n;
	const char		**seen;	/* configured targets listed */
};

/* What a target's circuit is now: closed, open or half-open. */
static const char *
circuit_of(const struct journal_target_state *ts, int64_t now)
{
	if (ts == NULL || ts->open_until == 0)
		return "closed";
	return ts->open_until > now ? "open" : "half_open";
}

static void
print_json(const char *name, int configured,
    const struct journal_target_state *ts, const char *circuit)
{
	char when[RFC3339_LEN + 1];
	struct buf o = BUF_INIT;

	buf_adds(&o, "{\"target\":");
	buf_add_json_string(&o, name, strlen(name));
	buf_addf(&o, ",\"configured\":%s,\"enabled\":%s",
	    configured ? "true" : "false",
	    ts != NULL && ts->disabled_at > 0 ? "false" : "true");
	if (ts != NULL && ts->disabled_at > 0) {
		clock_rfc3339(ts->disabled_at, when);
		buf_addf(&o, ",\"disabled_at\":\"%s\",\"reason\":", when);
		buf_add_json_string(&o, ts->reason != NULL ? ts->reason : "",
		    ts->reason != NULL ? strlen(ts->reason) : 0);
	}
	buf_addf(&o, ",\"circuit\":\"%s\",\"failures\":%d", circuit,
	    ts != NULL ? ts->failures : 0);
	if (ts != NULL && ts->open_until > 0) {
		clock_rfc3339(ts->opened_at, when);
		buf_addf(&o, ",\"circuit_opened_at\":\"%s\"", when);
		clock_rfc3339(ts->open_until, when);
		buf_addf(&o, ",\"circuit_open_until\":\"%s\"", when);
	}
	buf_addf(&o, ",\"waiting\":%ld,\"dead\":%ld}",
	    ts != NULL ? ts->waiting : 0, ts != NULL ? ts->dead : 0);
	printf("%s\n", o.data);
	buf_release(&o);
}

static void
print_state(struct listing *l, const char *name,
    const struct journal_target_state *ts)
{
	const char *circuit = circuit_of(ts, l->now), *state;
	char since[RFC3339_LEN + 1] = "-", until[RFC3339_LEN + 1];
	int configured = cfg_target(l->cfg, name) != NULL;
	struct buf why = BUF_INIT;

	if (l->json) {
		print_json(name, configured, ts, circuit);
		return;
	}
	if (ts != NULL && ts->disabled_at > 0) {
		state = "disabled";
		clock_rfc3339(ts->disabled_at, since);
		if (ts->reason != NULL)
			buf_addf(&why, ": %s", ts->reason);
	} else if (strcmp(circuit, "closed") != 0) {
		state = strcmp(circuit, "open") == 0 ? "open" : "half-open";
		clock_rfc3339(ts->opened_at, since);
		clock_rfc3339(ts->open_until, until);
		buf_addf(&why, ": %d failures in a row, open until %s",
		    ts->failures, until);
	} else
		state = "enabled";
	if (!configured)
		buf_adds(&why, " (not in the config)");
	if (l->n++ == 0)
		printf("%-20s %-9s %8s %8s  %s\n", "TARGET", "STATE", "WAITING",
		    "DEAD", "SINCE");
	printf("%-20s %-9s %8ld %8ld  %s%s\n", name, state,
	    ts != NULL ? ts->waiting : 0, ts != NULL ? ts->dead : 0, since,
	    why.data != NULL ? why.data : "");
	buf_release(&why);
}

static int
list_row(void *ctx, const struct journal_target_state *ts)
{
	struct listing *l = ctx;
	size_t i;

	for (i = 0; i < l->cfg->ntargets; i++)
		if (strcmp(l->cfg->targets[i].name, ts->target) == 0)
			l->seen[i] = ts->target;
	print_state(l, ts->target, ts);
	return 0;
}

static int
list(struct journal *jn, const struct cfg *cfg, int json)
{
	struct listing l = { .cfg = cfg, .now = clock_ms(), .json = json };
	size_t i;
	int rc;

	l.seen = xcalloc(cfg->ntargets + 1, sizeof(*l.seen));
	rc = journal_target_states(jn, list_row, &l);
	/* Configured targets the journal has never heard of. */
	for (i = 0; rc == 0 && i < cfg->ntargets; i++)
		if (l.seen[i] == NULL)
			print_state(&l, cfg->targets[i].name, NULL);
	free(l.seen);
	return rc;
}

static int
change(struct journal *jn, const char *cmd, const char *name,
    const char *reason)
{
	int rc, done = 1;

	if ((rc = journal_begin(jn)) != 0)
		return rc;
	if (strcmp(cmd, "enable") == 0)
		rc = journal_target_enable(jn, name, clock_ms(), &done);
	else
		rc = journal_target_disable(jn, name, reason, clock_ms());
	if (rc != 0 || (rc = journal_commit(jn)) != 0) {
		journal_rollback(jn);
		return rc;
	}
	if (!done)
		log_warn(&(struct log_ids){ .target = name }, "target '%s' was"
		    " neither disabled nor open", name);
	else
		log_info(&(struct log_ids){ .target = name }, "target '%s' %sd",
		    name, cmd);
	return 0;
}

/*
 * A Z-API target's instance, as Z-API sees it: GET BASE/status with its
 * Client-Token, the answer printed.  0 if it says it is connected, 1 if
 * not, 69 if no answer came.
 */
static int
status(const struct cfg *cfg, const char *name)
{
	const struct cfg_target *t = cfg_target(cfg, name);
	const char *headers[2] = { NULL, NULL };
	struct http_xfer x;
	struct http *h;
	struct buf url = BUF_INIT;
	char err[512], *base, *auth = NULL;
	jv answer, connected;
	int rc;

	if (t == NULL || t->zapi_instance == NULL) {
		log_error(NULL, "'%s' is not a Z-API target of the config",
		    name);
		return EX_DATAERR;
	}
	if ((base = cfg_zapi_base(t, err, sizeof(err))) == NULL ||
	    (t->auth_header != NULL && (auth = cfg_auth_line(t, err,
	    sizeof(err))) == NULL)) {
		log_error(NULL, "%s", err);
		free(base);
		return EX_CONFIG;
	}
	buf_addf(&url, "%s/status", base);
	headers[0] = auth;
	x = (struct http_xfer){ .method = "GET", .url = url.data,
	    .headers = headers, .timeout_ms = t->timeout_ms,
	    .connect_timeout_ms = t->connect_timeout_ms,
	    .ca_file = t->ca_file };
	if ((h = http_new()) == NULL || http_start(h, &x) != 0)
		rc = EX_SOFTWARE;
	else {
		while (http_done(h) == NULL)
			if (http_wait(h, -1, 1000) != 0)
				break;
		if (x.error_class != NULL) {
			log_error(&(struct log_ids){ .target = name }, "target"
			    " '%s': %s", name, x.error);
			rc = EX_UNAVAILABLE;
		} else {
			printf("%.*s\n", (int)x.response.len,
			    x.response.data != NULL ? x.response.data : "");
			answer = jv_parse_sized(x.response.data != NULL ?
			    x.response.data : "", (int)x.response.len);
			connected = jv_get_kind(answer) == JV_KIND_OBJECT ?
			    jv_object_get(answer, jv_string("connected")) :
			    answer;
			rc = jv_get_kind(connected) == JV_KIND_TRUE ? EX_OK : 1;
			jv_free(connected);
		}
	}
	http_xfer_release(&x);
	http_free(h);
	explicit_bzero(url.data, url.len);
	buf_release(&url);
	explicit_bzero(base, strlen(base));
	free(base);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *name, *reason = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	enum cmd cmd;
	int c, i, rc, json = 0;
	const struct options_spec opts[] = {
		OPTIONS_CONFIG(&cfgpath),
		OPTIONS_JOURNAL(&jpath),
		OPTIONS_END
	}, list_opts[] = {
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	}, disable_opts[] = {
		OPTIONS_STRING(0, "reason", "text", &reason),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[ENABLE] = { "enable", NULL, "name" },
		[DISABLE] = { "disable", disable_opts, "name" },
		[STATUS] = { "status", NULL, "name" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-targets",
	    .opts = opts, .commands = cmds, .implied = "list" };

	log_init("integra-targets");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (argc - i != (cmd == LIST ? 0 : 1))
		return options_usage(&prog);
	name = cmd == LIST ? NULL : argv[i];

	if (cmd == STATUS) {
		if ((rc = setup_config(cfgpath, &cfg)) == EX_OK)
			rc = status(cfg, name);
		goto out;
	}
	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (cmd == LIST)
		rc = list(journal, cfg, json);
	else
		rc = change(journal, cmds[cmd].name, name, reason != NULL ?
		    reason : "disabled by an admin");
	if (rc != 0) {
		rc = setup_journal_failed(journal);
	}
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
