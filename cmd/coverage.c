/*
 * integra-coverage: what integra serves of a system's records (the
 * clinics of a network): add one by its name, list them, remove one, as
 * the receiver's /api/coverage does.
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
#include "ops/coverage.h"
#include "stage/syncjobs.h"

enum cmd { ADD, LIST, SHOW, REMOVE };

/*
 * The first sync of the record key, run now, its events in the journal
 * only (map takes them with --pending): its exit code.
 */
static int
first_sync(const struct cfg *cfg, struct journal *journal, const char *key)
{
	const struct cfg_sync *sy = cfg->coverage->first_sync;
	FILE *null;
	int rc;

	if (sy == NULL)
		return EX_OK;
	if ((null = fopen("/dev/null", "w")) == NULL) {
		log_error(NULL, "/dev/null cannot be opened");
		return EX_OSERR;
	}
	rc = syncjobs_job(cfg, journal, sy, key, 0, 0, null);
	fclose(null);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *arg;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT, why = BUF_INIT, key = BUF_INIT;
	enum ops_coverage_result res = OPS_COVERAGE_DONE;
	int c, i, rc, no_sync = 0;
	enum cmd cmd;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, add_opts[] = {
		OPTIONS_FLAG('n', "no-sync", &no_sync),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[ADD] = { "add", add_opts, "name" },
		[LIST] = { "list", NULL, NULL },
		[SHOW] = { "show", NULL, "key" },
		[REMOVE] = { "remove", NULL, "key" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-coverage",
	    .opts = opts, .commands = cmds };

	log_init("integra-coverage");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	arg = cmd == LIST ? NULL : argv[i];

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if (cfg->coverage == NULL) {
		log_error(NULL, "%s has no coverage", cfg->path != NULL ?
		    cfg->path : "the config");
		rc = EX_CONFIG;
		goto out;
	}
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	switch (cmd) {
	case ADD:
		rc = ops_coverage_add(cfg, journal, arg, clock_ms(), &out,
		    &key, &why, &res);
		break;
	case LIST:
		rc = ops_coverage_list(journal, &out);
		break;
	case SHOW:
		rc = ops_coverage_get(journal, arg, &out, &res);
		break;
	case REMOVE:
		rc = ops_coverage_remove(cfg, journal, arg, clock_ms(), &out,
		    &res);
		break;
	}
	if (rc != 0) {
		rc = setup_journal_failed(journal);
		goto out;
	}
	switch (res) {
	case OPS_COVERAGE_DONE:
	case OPS_COVERAGE_ALREADY:
		printf("%s\n", out.data);
		rc = EX_OK;
		if (cmd == ADD && res == OPS_COVERAGE_ALREADY)
			log_info(NULL, "covered already");
		else if (cmd == ADD && !no_sync)
			rc = first_sync(cfg, journal, key.data);
		break;
	case OPS_COVERAGE_NONE:
		log_error(NULL, cmd == ADD ? "nothing matches the name" :
		    "'%s' is not covered", arg);
		rc = EX_DATAERR;
		break;
	case OPS_COVERAGE_SEVERAL:
		printf("%s\n", out.data);
		log_error(NULL, "several match the name: give one's whole"
		    " name");
		rc = EX_DATAERR;
		break;
	case OPS_COVERAGE_BAD:
		log_error(NULL, "%s", why.data);
		rc = EX_DATAERR;
		break;
	case OPS_COVERAGE_REMOTE:
		log_error(NULL, "%s", why.data);
		rc = EX_UNAVAILABLE;
		break;
	case OPS_COVERAGE_CONFIG:
		log_error(NULL, "%s", why.data);
		rc = EX_CONFIG;
		break;
	}
out:
	buf_release(&out);
	buf_release(&why);
	buf_release(&key);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
