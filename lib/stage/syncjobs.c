/*
 * syncjobs: integra-sync-crm and integra-sync-fin, which differ only in
 * the jobs they run (a job's runner).  See stage/syncjobs.h.
 */
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/syncs.h"
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
	static const int order[] = { EX_OK, EX_DATAERR, EX_TEMPFAIL,
	    EX_PROTOCOL, EX_USAGE, EX_IOERR, EX_SOFTWARE, EX_CONFIG };
	size_t i, ra = 0, rb = 0;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* One run: of the job, or of its instance for the record key. */
static int
one(const struct cfg *cfg, struct journal *journal,
    const struct cfg_sync *job, const char *key, const char *record,
    int full, int dry_run, FILE *out)
{
	struct sync_result res;
	char name[192];
	int rc;

	snprintf(name, sizeof(name), "%s%s%s", job->name, key != NULL ? "/" :
	    "", key != NULL ? key : "");
	rc = sync_run(&(struct sync_opts){ .cfg = cfg, .journal = journal,
	    .job = job, .param_key = key, .param = record, .full = full,
	    .dry_run = dry_run, .out = out, .progress = 1 }, &res);
	if (rc != EX_OK && rc != EX_DATAERR) {
		log_error(NULL, "sync '%s'%s: %s", name, dry_run ?
		    " (dry run)" : "", res.error);
		return rc;
	}
	if (rc == EX_DATAERR)
		log_warn(NULL, "sync '%s': %s", name, res.error);
	log_info(NULL, "sync '%s'%s%s: %ld pages, %ld records read, %ld new"
	    " or changed, %ld events made, %ld refused", name,
	    dry_run ? " (dry run)" : "", full ? " (full)" : "", res.pages,
	    res.read, res.changed, res.sent, res.failed);
	return rc;
}

/* The records of the set a job is over: [key, JSON] pairs. */
static int
add_record(void *ctx, const char *key, const char *text, size_t len)
{
	jv *records = ctx;

	*records = jv_array_append(*records, JV_ARRAY(jv_string(key),
	    jv_string_sized(text, (int)len)));
	return 0;
}

int
syncjobs_job(const struct cfg *cfg, struct journal *journal,
    const struct cfg_sync *job, const char *key, int full, int dry_run,
    FILE *out)
{
	jv records, pair, k, text;
	int i, n, rc = EX_OK;

	if (job->over == NULL)
		return one(cfg, journal, job, NULL, NULL, full, dry_run, out);
	records = jv_array();
	if (journal_sync_records(journal, job->over, key, add_record,
	    &records) != 0) {
		jv_free(records);
		log_error(NULL, "sync '%s': %s", job->name,
		    journal_error(journal));
		return journal_abort(journal);
	}
	n = jv_array_length(jv_copy(records));
	if (n == 0 && key != NULL) {
		log_error(NULL, "sync '%s': '%s' has no record '%s'",
		    job->name, job->over, key);
		rc = EX_USAGE;
	} else if (n == 0)
		log_info(NULL, "sync '%s': '%s' has no records: no run",
		    job->name, job->over);
	for (i = 0; i < n; i++) {
		pair = jv_array_get(jv_copy(records), i);
		k = jv_array_get(jv_copy(pair), 0);
		text = jv_array_get(pair, 1);
		rc = syncjobs_worst(rc, one(cfg, journal, job,
		    jv_string_value(k), jv_string_value(text), full,
		    dry_run, out));
		jv_free(k);
		jv_free(text);
	}
	jv_free(records);
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
			    cfg_sync(cfg, argv[i]), NULL, full, dry_run,
			    stdout));
	else
		for (k = 0; k < cfg->nsyncs; k++)
			if (sync_runs(&cfg->syncs[k], runner))
				rc = syncjobs_worst(rc, syncjobs_job(cfg,
				    journal, &cfg->syncs[k], NULL, full,
				    dry_run, stdout));
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
