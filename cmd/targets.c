/*
 * integra-targets: the targets as the journal sees them (enabled or not,
 * their circuit, deliveries waiting, dead letters), and an admin's switch
 * to enable one that a 410 Gone disabled or close its circuit, or to
 * disable one by hand; and a Z-API target's instance status.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/targets.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "ops/targets.h"

enum cmd { LIST, ENABLE, DISABLE, STATUS };

struct listing {
	int	json;
	int	n;
};

/* A target, a line: as JSON, or in the table. */
static int
print_target(void *ctx, const struct ops_target *t)
{
	const struct journal_target_state *ts = t->state;
	struct listing *l = ctx;
	char since[RFC3339_LEN + 1] = "-", until[RFC3339_LEN + 1];
	struct buf line = BUF_INIT;
	const char *state;

	if (l->json) {
		ops_targets_json(&line, t);
		printf("%s\n", line.data);
		buf_release(&line);
		return 0;
	}
	if (ts != NULL && ts->disabled_at > 0) {
		state = "disabled";
		clock_rfc3339(ts->disabled_at, since);
		if (ts->reason != NULL)
			buf_addf(&line, ": %s", ts->reason);
	} else if (strcmp(t->circuit, "closed") != 0) {
		state = strcmp(t->circuit, "open") == 0 ? "open" : "half-open";
		clock_rfc3339(ts->opened_at, since);
		clock_rfc3339(ts->open_until, until);
		buf_addf(&line, ": %d failures in a row, open until %s",
		    ts->failures, until);
	} else
		state = "enabled";
	if (!t->configured)
		buf_adds(&line, " (not in the config)");
	if (l->n++ == 0)
		printf("%-20s %-9s %8s %8s  %s\n", "TARGET", "STATE", "WAITING",
		    "DEAD", "SINCE");
	printf("%-20s %-9s %8ld %8ld  %s%s\n", t->name, state,
	    ts != NULL ? ts->waiting : 0, ts != NULL ? ts->dead : 0, since,
	    line.data != NULL ? line.data : "");
	buf_release(&line);
	return 0;
}

static int
change(struct journal *jn, enum cmd cmd, const char *name,
    const char *reason)
{
	int rc, done = 1;

	rc = cmd == ENABLE ? ops_targets_enable(jn, name, clock_ms(), &done) :
	    ops_targets_disable(jn, name, reason, clock_ms());
	if (rc != 0)
		return rc;
	if (!done)
		log_warn(&(struct log_ids){ .target = name }, "target '%s' was"
		    " neither disabled nor open", name);
	else
		log_info(&(struct log_ids){ .target = name }, "target '%s' %s",
		    name, cmd == ENABLE ? "enabled" : "disabled");
	return 0;
}

/*
 * A Z-API target's instance, as Z-API sees it, its answer printed: 0 if it
 * says it is connected, 1 if not, 69 if no answer came.
 */
static int
status(const struct cfg *cfg, const char *name)
{
	struct buf answer = BUF_INIT;
	char err[512];
	int rc = EX_OK;

	switch (ops_targets_zapi_status(cfg, name, &answer, err,
	    sizeof(err))) {
	case OPS_ZAPI_NOT_ZAPI:
		log_error(NULL, "'%s' is not a Z-API target of the config",
		    name);
		rc = EX_DATAERR;
		break;
	case OPS_ZAPI_BAD_CONFIG:
		log_error(NULL, "%s", err);
		rc = EX_CONFIG;
		break;
	case OPS_ZAPI_UNREACHABLE:
		log_error(&(struct log_ids){ .target = name }, "target '%s':"
		    " %s", name, err);
		rc = EX_UNAVAILABLE;
		break;
	case OPS_ZAPI_DISCONNECTED:
		rc = 1;
		/* FALLTHROUGH */
	case OPS_ZAPI_CONNECTED:
		printf("%.*s\n", (int)answer.len, answer.data != NULL ?
		    answer.data : "");
		break;
	}
	buf_release(&answer);
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
		OPTIONS_SETUP(&cfgpath, &jpath),
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
		rc = ops_targets_list(journal, cfg, clock_ms(), print_target,
		    &(struct listing){ .json = json });
	else
		rc = change(journal, cmd, name, reason != NULL ? reason :
		    "disabled by an admin");
	if (rc != 0) {
		rc = setup_journal_failed(journal);
	}
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
