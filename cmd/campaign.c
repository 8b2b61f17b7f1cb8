/*
 * integra-campaign: ask for a campaign, watch it, retry or cancel it, as
 * the receiver's /api/campaigns does.
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "ops/campaigns.h"

enum cmd { LIST, SHOW, STATUS, DISPATCH, CANCEL, RETRY };

/* Runs cmd on campaign id (NULL for list); *res says what came of it. */
static int
run(enum cmd cmd, const struct cfg *cfg, struct journal *jn, const char *id,
    long limit, const char *after, struct buf *out, struct buf *why,
    enum ops_campaigns_result *res)
{
	*res = OPS_CAMPAIGNS_DONE;
	switch (cmd) {
	case LIST:
		return ops_campaigns_list(jn, after, (int)limit, out);
	case SHOW:
		return ops_campaigns_show(cfg, jn, id, out, res);
	case STATUS:
		return ops_campaigns_status(cfg, jn, id, out, res);
	case DISPATCH:
		return ops_campaigns_dispatch(cfg, jn, id, NULL, clock_ms(),
		    out, why, res);
	case CANCEL:
		return ops_campaigns_cancel(cfg, jn, id, clock_ms(), out, res);
	case RETRY:
		return ops_campaigns_retry(cfg, jn, id, clock_ms(), out, res);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *after = NULL, *id;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT, why = BUF_INIT;
	enum ops_campaigns_result res;
	long limit = OPS_CAMPAIGNS_LIMIT;
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, list_opts[] = {
		OPTIONS_NUMBER('n', "limit", "count", &limit, 1,
		    OPS_CAMPAIGNS_LIMIT_MAX, "-n takes a number from 1 to 1000"),
		OPTIONS_STRING(0, "cursor", "id", &after),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id" },
		[STATUS] = { "status", NULL, "id" },
		[DISPATCH] = { "dispatch", NULL, "id" },
		[CANCEL] = { "cancel", NULL, "id" },
		[RETRY] = { "retry-failed", NULL, "id" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-campaign",
	    .opts = opts, .commands = cmds };

	log_init("integra-campaign");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	id = cmd == LIST ? NULL : argv[i];

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, cmd == DISPATCH, &journal)) !=
	    EX_OK)
		goto out;
	if ((rc = run(cmd, cfg, journal, id, limit, after, &out, &why,
	    &res)) != 0)
		rc = setup_journal_failed(journal);
	else if (res == OPS_CAMPAIGNS_MISSING) {
		log_error(NULL, "no campaign '%s' in journal '%s'", id,
		    journal_path(journal));
		rc = EX_DATAERR;
	} else if (res == OPS_CAMPAIGNS_BAD) {
		log_error(NULL, "campaign '%s': %s", id, why.data);
		rc = EX_DATAERR;
	} else {
		printf("%s\n", out.data);
		rc = EX_OK;
	}
out:
	buf_release(&out);
	buf_release(&why);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
