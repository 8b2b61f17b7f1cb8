/*
 * integra-events: list, show and retry the journal's events, as the
 * receiver's /api/events does.
 */
#include <stdio.h>

#include "base/buf.h"
#include "conf/config.h"
#include "ops/events.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"

enum cmd { LIST, SHOW, RETRY };

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *id;
	struct journal_filter f;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	enum cmd cmd;
	int c, i, rc, found = 1;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, list_opts[] = {
		OPS_EVENTS_FILTER_OPTIONS(&f),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id" },
		[RETRY] = { "retry", NULL, "id" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-events",
	    .opts = opts, .commands = cmds };

	log_init("integra-events");
	ops_events_filter_init(&f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	id = cmd == LIST ? NULL : argv[i];

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (cmd == LIST)
		rc = ops_events_list(journal, &f, &out);
	else if (cmd == SHOW)
		rc = ops_events_show(journal, id, &out, &found);
	else
		rc = ops_events_retry(journal, id, &out, &found);
	if (rc != 0) {
		rc = setup_journal_failed(journal);
	} else if (!found) {
		log_error(NULL, "no event '%s' in journal '%s'", id,
		    journal_path(journal));
		rc = EX_DATAERR;
	} else {
		printf("%s\n", out.data);
		rc = EX_OK;
	}
out:
	buf_release(&out);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
