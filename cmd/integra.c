/*
 * integra: the front.  `integra CMD ARGS` runs integra-CMD ARGS, git
 * style; the few admin commands that belong to no single filter live here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/config.h"
#include "conf/confcheck.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "journal/journal.h"
#include "ops/flows.h"

static const char commands[] =
"\n"
"commands:\n"
"   ingest      take events in, journal them, write their envelopes\n"
"   normalize   turn envelopes into canonical events\n"
"   map         route events and build their deliveries\n"
"   dispatch    deliver, record every attempt, write the outcomes\n"
"   retry       send what is due again; out of attempts: the DLQ\n"
"   dlq         list, retry, archive, delete and export dead letters\n"
"   targets     list targets; enable one a 410 Gone disabled\n"
"   report      stats, metrics for Prometheus, a health check\n"
"   sync        the scheduled syncs: list, runs, start, stats, show\n"
"   sync-crm    run the CRM's syncs; sync-fin: finance's\n"
"   keys        add, list and revoke the receiver's API keys\n"
"   events      list, show and retry the journal's events\n"
"   flow        the flows' instances: list, show, start, pause, simulate\n"
"   campaign    campaigns: dispatch, list, status, cancel, retry-failed\n"
"   coverage    what is served (clinics): add by name, list, show, remove\n"
"   cadence     the cadences: run, status, a contact history, send a step\n"
"   journal     the sealed personal data: count it by key, rekey it\n"
"   config      check a configuration without running anything\n"
"\n"
"`integra command --help` shows a command's options; integra(7) the whole.\n";

/* At file scope, as config check's -c is in the usage main prints. */
static const char *config_path, *config_journal;
static const struct options_spec config_opts[] = {
	OPTIONS_CONFIG(&config_path),
	OPTIONS_JOURNAL(&config_journal),
	OPTIONS_END
};
static const struct options_command lines[] = {
	{ NULL, NULL, "command [args ...]" },
	{ "config check", config_opts, NULL },
	OPTIONS_COMMANDS_END
};
static const struct options_program prog = { .name = "integra",
    .commands = lines, .trailer = commands };

/* Prints err's lines, each after "integra: ". */
static void
print_lines(struct buf *err)
{
	char *line, *next;

	for (line = err->data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fprintf(stderr, "integra: %s\n", line);
	}
}

/*
 * The journal's live flow instances each stand on a flow and step the
 * config has: a step removed or renamed would strand them.  A journal
 * that is not there (and not named with -j) has none.
 */
static int
stranded(const struct cfg *cfg)
{
	struct journal *jn = NULL;
	struct buf err = BUF_INIT;
	long long n;
	int rc;

	if (config_journal == NULL &&
	    access(cfg_journal(cfg, NULL), F_OK) != 0)
		return EX_OK;
	if ((rc = setup_journal(cfg, config_journal, 0, &jn)) != EX_OK)
		return rc;
	if (ops_flows_stranded(cfg, jn, &err, &n) != 0)
		rc = setup_journal_failed(jn);
	else if (n > 0) {
		print_lines(&err);
		rc = EX_CONFIG;
	}
	journal_close(jn);
	buf_release(&err);
	return rc;
}

static int
config_check(int argc, char *argv[])
{
	struct buf err = BUF_INIT;
	struct cfg *cfg;
	const char *path;
	char msg[1024];
	int explicit, n, rc;

	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return options_usage(&prog);
	if ((n = options_parse(&prog, &lines[1], argc - 1, argv + 1, &rc)) < 0)
		return rc;
	if (n != argc - 1)
		return options_usage(&prog);
	path = cfg_path(config_path, &explicit);
	if ((cfg = cfg_load(path, msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "integra: %s\n", msg);
		return EX_CONFIG;
	}
	rc = confcheck(cfg, &err) != 0 ? EX_CONFIG : stranded(cfg);
	if (rc != EX_OK) {
		print_lines(&err);
		buf_release(&err);
		cfg_free(cfg);
		return rc;
	}
	printf("%s: ok: %zu target%s, %zu route%s", path, cfg->ntargets,
	    cfg->ntargets == 1 ? "" : "s", cfg->nroutes,
	    cfg->nroutes == 1 ? "" : "s");
	if (cfg->nsyncs > 0)
		printf(", %zu sync%s", cfg->nsyncs, cfg->nsyncs == 1 ? "" :
		    "s");
	if (cfg->nflows > 0)
		printf(", %zu flow%s", cfg->nflows, cfg->nflows == 1 ? "" :
		    "s");
	if (cfg->ncadences > 0)
		printf(", %zu cadence%s", cfg->ncadences,
		    cfg->ncadences == 1 ? "" : "s");
	putchar('\n');
	buf_release(&err);
	cfg_free(cfg);
	return EX_OK;
}

/*
 * Runs integra-CMD: first from the directory this program is in (so a
 * build tree runs its own programs), then from PATH.
 */
static int
run(const char *cmd, char *argv[])
{
	char self[PATH_MAX], *slash;
	struct buf path = BUF_INIT, name = BUF_INIT;
	ssize_t n;

	if (strchr(cmd, '/') != NULL || cmd[0] == '.' || cmd[0] == '\0') {
		fprintf(stderr, "integra: '%s' is not an integra command\n",
		    cmd);
		return EX_USAGE;
	}
	buf_addf(&name, "integra-%s", cmd);
	argv[0] = name.data;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			buf_addf(&path, "%s/%s", self, name.data);
			execv(path.data, argv);
		}
	}
	execvp(name.data, argv);
	fprintf(stderr, "integra: '%s' is not an integra command (%s: %s)\n",
	    cmd, name.data, strerror(errno));
	buf_release(&path);
	buf_release(&name);
	return errno == ENOENT ? EX_USAGE : EX_UNAVAILABLE;
}

int
main(int argc, char *argv[])
{
	int i, rc;

	log_init("integra");
	if ((i = options_parse(&prog, NULL, argc, argv, &rc)) < 0)
		return rc;
	if (i == argc)
		return options_usage(&prog);
	if (strcmp(argv[i], "help") == 0)
		return options_help(&prog);
	if (strcmp(argv[i], "config") == 0)
		return config_check(argc - i, argv + i);
	return run(argv[i], argv + i);
}
