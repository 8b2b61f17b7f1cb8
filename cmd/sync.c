/*
 * integra-sync: the scheduled syncs, for an admin: the jobs and their
 * state, their runs, one run started now, and what they did.  The same
 * JSON as the receiver's /api/sync (ops/syncs.h).
 */
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

enum cmd { LIST, RUNS, START, STATS, SHOW };

/*
 * The job called name; with instances, also the job an instance's name
 * "JOB/KEY" is of, if the job is over a record set.
 */
static const struct cfg_sync *
job_named(const struct cfg *cfg, const char *name, int instances)
{
	const struct cfg_sync *job;
	const char *slash = strchr(name, '/');
	char part[128];

	if (slash == NULL || !instances)
		return cfg_sync(cfg, name);
	snprintf(part, sizeof(part), "%.*s", (int)(slash - name), name);
	job = cfg_sync(cfg, part);
	return job != NULL && job->over != NULL && slash[1] != '\0' ? job :
	    NULL;
}

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
	const char *cfgpath = NULL, *jpath = NULL, *arg = NULL, *key = NULL;
	const struct cfg_sync *job = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	int64_t window = 7 * 86400000LL, run = 0;
	int c, first, rc, full = 0, dry_run = 0, found;
	long count = 20;
	enum cmd cmd;
	size_t i;
	char *end;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, runs_opts[] = {
		OPTIONS_NUMBER('n', "count", "count", &count, 1, 100000, NULL),
		OPTIONS_END
	}, start_opts[] = {
		OPTIONS_FLAG('f', "full", &full),
		OPTIONS_FLAG('n', "dry-run", &dry_run),
		OPTIONS_STRING('p', "param", "key", &key),
		OPTIONS_END
	}, stats_opts[] = {
		OPTIONS_DURATION('w', "window", "window", &window, 1),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", NULL, NULL },
		[RUNS] = { "runs", runs_opts, "[job]" },
		[START] = { "start", start_opts, "job" },
		[STATS] = { "stats", stats_opts, NULL },
		[SHOW] = { "show", NULL, "run" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-sync",
	    .opts = opts, .commands = cmds };

	log_init("integra-sync");
	if ((c = options_command(&prog, argc, argv, &first, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	/* A job or a run for start and show, maybe a job for runs. */
	if (argc - first > (cmd == LIST || cmd == STATS ? 0 : 1) ||
	    ((cmd == START || cmd == SHOW) && first == argc))
		return options_usage(&prog);
	arg = first < argc ? argv[first] : NULL;
	if (cmd == SHOW && ((run = strtoll(arg, &end, 10)) <= 0 ||
	    *end != '\0')) {
		log_error(NULL, "show: '%s' is not a run's number", arg);
		return EX_USAGE;
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if ((cmd == START || (cmd == RUNS && arg != NULL)) &&
	    (job = job_named(cfg, arg, cmd == RUNS)) == NULL) {
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
		rc = ops_syncs_each_run(journal, arg, (int)count, print_run,
		    NULL);
		break;
	case START:
		if (key != NULL && job->over == NULL) {
			log_error(NULL, "sync '%s' is over no record set:"
			    " --param has no record to name", job->name);
			rc = EX_USAGE;
			goto out;
		}
		rc = syncjobs_job(cfg, journal, job, key, full, dry_run,
		    stdout);
		goto out;
	case STATS:
		if ((rc = ops_syncs_stats(journal, clock_ms() - window,
		    &out)) == 0)
			printf("%s\n", out.data);
		break;
	case SHOW:
		if ((rc = ops_syncs_run(journal, run, &out,
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
