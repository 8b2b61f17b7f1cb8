/*
 * syncjobs: integra-sync-crm and integra-sync-fin, which differ only in
 * the jobs they run (a job's runner).  See stage/syncjobs.h.
 */
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
	char prog[32];
	const char *cfgpath = NULL, *jpath = NULL;
	const struct cfg_sync *job;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	int first, i, full = 0, dry_run = 0, rc;
	size_t k;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_FLAG('f', "full", &full),
		OPTIONS_FLAG('n', "dry-run", &dry_run),
		OPTIONS_END
	};
	const struct options_command forms[] = {
		{ NULL, NULL, "[job ...]" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program p = { .name = prog, .opts = opts,
	    .commands = forms };

	snprintf(prog, sizeof(prog), "integra-sync-%s", runner);
	log_init(prog);
	if ((first = options_parse(&p, NULL, argc, argv, &rc)) < 0)
		return rc;
	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	for (i = first; i < argc; i++) {
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
	if (first < argc)
		for (i = first; i < argc; i++)
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
