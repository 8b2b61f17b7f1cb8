/*
 * syncjobs: integra-sync-crm and integra-sync-fin, which differ only in
 * the jobs they run (a job's runner).  See stage/syncjobs.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "stage/sync.h"
#include "stage/syncjobs.h"

/*
 * Of two exit codes, the one that says more: a broken config or program
 * over a remote that failed, that over refused records.
 */
int
syncjobs_worst(int a, int b)
{
	static const int order[] = { EX_OK, EX_DATAERR, EX_TEMPFAIL, EX_IOERR,
	    EX_SOFTWARE, EX_CONFIG };
	size_t i, ra = 0, rb = 0;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

int
syncjobs_job(const struct cfg *cfg, struct journal *journal,
    const struct cfg_sync *job, int full, int dry_run)
{
	struct sync_result res;
	int rc;

	rc = sync_run(&(struct sync_opts){ .cfg = cfg, .journal = journal,
	    .job = job, .full = full, .dry_run = dry_run, .out = stdout,
	    .progress = 1 }, &res);
	if (rc != EX_OK && rc != EX_DATAERR) {
		log_error(NULL, "sync '%s'%s: %s", job->name, dry_run ?
		    " (dry run)" : "", res.error);
		return rc;
	}
	if (rc == EX_DATAERR)
		log_warn(NULL, "sync '%s': %s", job->name, res.error);
	log_info(NULL, "sync '%s'%s%s: %ld pages, %ld records read, %ld new"
	    " or changed, %ld events made, %ld refused", job->name,
	    dry_run ? " (dry run)" : "", full ? " (full)" : "", res.pages,
	    res.read, res.changed, res.sent, res.failed);
	return rc;
}

int
syncjobs_main(int argc, char *argv[], const char *runner)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "full", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char prog[32], usage[256];
	const char *cfgpath = NULL, *jpath = NULL;
	const struct cfg_sync *job;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	int ch, i, full = 0, dry_run = 0, rc;
	size_t k;

	snprintf(prog, sizeof(prog), "integra-sync-%s", runner);
	snprintf(usage, sizeof(usage), "usage: %s [-fhnV] [-c config]"
	    " [-j journal] [job ...]\n", prog);
	log_init(prog);
	while ((ch = getopt_long(argc, argv, "c:fhj:nV", longopts, NULL)) !=
	    -1)
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'f':
			full = 1;
			break;
		case 'h':
			return options_help(usage);
		case 'j':
			jpath = optarg;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'V':
			return options_version(prog);
		default:
			return options_usage(usage);
		}
	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	for (i = optind; i < argc; i++) {
		if ((job = cfg_sync(cfg, argv[i])) == NULL) {
			log_error(NULL, "no sync '%s' in the config", argv[i]);
			rc = EX_USAGE;
			goto out;
		}
		if (!sync_runs(job, runner)) {
			log_error(NULL, "sync '%s' is integra-sync-%s's",
			    argv[i], job->runner);
			rc = EX_USAGE;
			goto out;
		}
	}
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	/* The jobs named, in that order, or all of the runner's. */
	if (optind < argc)
		for (i = optind; i < argc; i++)
			rc = syncjobs_worst(rc, syncjobs_job(cfg, journal,
			    cfg_sync(cfg, argv[i]), full, dry_run));
	else
		for (k = 0; k < cfg->nsyncs; k++)
			if (sync_runs(&cfg->syncs[k], runner))
				rc = syncjobs_worst(rc, syncjobs_job(cfg,
				    journal, &cfg->syncs[k], full, dry_run));
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
