/*
 * integra-cadence: the cadences: a run (cron's), what they stand at, the
 * contact history of a record or a person, a step sent by hand.
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cadence/run.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "ops/cadences.h"

enum cmd { RUN, STATUS, HISTORY, SEND };

static int
run(const struct cfg *cfg, struct journal *journal, const char *name)
{
	struct cadence_run_result res;
	int rc;

	rc = cadence_run(&(struct cadence_run_opts){ .cfg = cfg,
	    .journal = journal, .name = name, .out = stdout,
	    .now = clock_ms() }, &res);
	if (rc != EX_OK) {
		log_error(NULL, "cadence run: %s", res.error);
		return rc;
	}
	log_info(NULL, "cadence run: %ld records indexed (%ld without a day),"
	    " %ld with steps due, %ld steps sent, %ld passed over%s", res.indexed,
	    res.undated, res.due, res.sent, res.skipped, res.outside > 0 ?
	    "; outside the window: nothing sent" : "");
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT, why = BUF_INIT;
	enum ops_cadences_result res = OPS_CADENCES_DONE;
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[RUN] = { "run", NULL, "[cadence]" },
		[STATUS] = { "status", NULL, "[cadence]" },
		[HISTORY] = { "history", NULL, "who" },
		[SEND] = { "send", NULL, "cadence step key" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-cadence",
	    .opts = opts, .commands = cmds };

	log_init("integra-cadence");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (argc - i > (cmd == SEND ? 3 : 1) || (cmd == SEND && argc - i != 3))
		return options_usage(&prog);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if ((cmd == RUN || cmd == STATUS) && i < argc &&
	    cfg_cadence(cfg, argv[i]) == NULL) {
		log_error(NULL, "no cadence '%s' in the config", argv[i]);
		rc = EX_USAGE;
		goto out;
	}
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	switch (cmd) {
	case RUN:
		rc = run(cfg, journal, i < argc ? argv[i] : NULL);
		goto out;
	case STATUS:
		rc = ops_cadences_status(cfg, journal, i < argc ? argv[i] :
		    NULL, clock_ms(), &out, &res);
		break;
	case HISTORY:
		rc = ops_cadences_history(cfg, journal, argv[i], &out);
		break;
	case SEND:
		rc = ops_cadences_send(cfg, journal, argv[i], argv[i + 1],
		    argv[i + 2], clock_ms(), &out, &why, &res);
		break;
	}
	if (rc != 0) {
		rc = setup_journal_failed(journal);
		goto out;
	}
	switch (res) {
	case OPS_CADENCES_DONE:
		printf("%s\n", out.data);
		rc = EX_OK;
		break;
	case OPS_CADENCES_MISSING:
	case OPS_CADENCES_OVER:
	case OPS_CADENCES_FAILED:
		log_error(NULL, "%s", why.data);
		rc = EX_DATAERR;
		break;
	}
out:
	buf_release(&out);
	buf_release(&why);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
