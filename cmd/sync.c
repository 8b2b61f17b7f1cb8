/*
 * integra-sync: the scheduled syncs, for an admin: the jobs and their
 * state, their runs, one run started now, and what they did.  The same
 * JSON as the receiver's /api/sync (ops/syncs.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "ops/syncs.h"
#include "stage/syncjobs.h"

static const char usage_text[] =
"usage: integra-sync [-hV] [-c config] [-j journal] list\n"
"       integra-sync [-hV] [-c config] [-j journal] runs [-n count] [job]\n"
"       integra-sync [-hV] [-c config] [-j journal] start [-fn] job\n"
"       integra-sync [-hV] [-c config] [-j journal] stats [-w window]\n"
"       integra-sync [-hV] [-c config] [-j journal] show run\n";

enum cmd { LIST, RUNS, START, STATS, SHOW };

static int
print_run(void *ctx, const char *id, const char *text, size_t len)
{
	(void)ctx;
	(void)id;
	fwrite(text, 1, len, stdout);
	putchar('\n');
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "full", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'N' },
		{ "window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const names[] = { "list", "runs", "start", "stats",
	    "show" };
	const char *cfgpath = NULL, *jpath = NULL, *arg = NULL;
	const struct cfg_sync *job = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	int64_t window = 7 * 86400000LL, run = 0;
	int ch, rc, full = 0, dry_run = 0, found;
	long count = 20;
	enum cmd cmd;
	size_t i;
	char *end;

	log_init("integra-sync");
	if ((ch = options_command(&argc, &argv, "integra-sync", usage_text,
	    names, SHOW + 1, &cfgpath, &jpath, &rc)) < 0)
		return rc;
	cmd = (enum cmd)ch;
	while ((ch = getopt_long(argc, argv, cmd == START ? "fn" : cmd == RUNS ?
	    "n:" : cmd == STATS ? "w:" : "", longopts, NULL)) != -1)
		switch (ch) {
		case 'f':
			full = 1;
			break;
		case 'n':	/* start's --dry-run, runs' count */
		case 'N':
			if (cmd == START && ch == 'n' && optarg == NULL) {
				dry_run = 1;
				break;
			}
			if (cmd != RUNS || optarg == NULL ||
			    (count = options_number(optarg, 1, 100000)) < 0)
				return options_usage(usage_text);
			break;
		case 'w':
			if (cmd != STATS || clock_duration(optarg, &window) !=
			    0 || window == 0)
				return options_usage(usage_text);
			break;
		default:
			return options_usage(usage_text);
		}
	/* A job or a run for start and show, maybe a job for runs. */
	if (argc - optind > (cmd == LIST || cmd == STATS ? 0 : 1) ||
	    ((cmd == START || cmd == SHOW) && optind == argc))
		return options_usage(usage_text);
	arg = optind < argc ? argv[optind] : NULL;
	if (cmd == SHOW && ((run = strtoll(arg, &end, 10)) <= 0 ||
	    *end != '\0')) {
		log_error(NULL, "show: '%s' is not a run's number", arg);
		return EX_USAGE;
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if ((cmd == START || (cmd == RUNS && arg != NULL)) &&
	    (job = cfg_sync(cfg, arg)) == NULL) {
		log_error(NULL, "no sync '%s' in the config", arg);
		rc = EX_USAGE;
		goto out;
	}
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	switch (cmd) {
	case LIST:
		for (i = 0, rc = 0; i < cfg->nsyncs && rc == 0; i++) {
			buf_reset(&out);
			if ((rc = ops_syncs_job(&cfg->syncs[i], journal,
			    &out)) == 0)
				printf("%s\n", out.data);
		}
		break;
	case RUNS:
		rc = journal_sync_runs(journal, arg, (int)count, print_run,
		    NULL);
		break;
	case START:
		rc = syncjobs_job(cfg, journal, job, full, dry_run);
		goto out;
	case STATS:
		if ((rc = ops_syncs_stats(journal, clock_ms() - window,
		    &out)) == 0)
			printf("%s\n", out.data);
		break;
	case SHOW:
		if ((rc = journal_sync_run_get(journal, run, &out,
		    &found)) == 0 && !found) {
			log_error(NULL, "no sync run %lld", (long long)run);
			rc = EX_DATAERR;
			goto out;
		}
		if (rc == 0)
			printf("%s\n", out.data);
		break;
	}
	if (rc != 0) {
		rc = setup_journal_failed(journal);
	}
out:
	buf_release(&out);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
