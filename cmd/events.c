/*
 * integra-events: list, show and retry the journal's events, as the
 * receiver's /api/events does.  retry also takes a query in place of an
 * id, the events its filters select (every one takes --all), and can say
 * first what it would do (--dry-run).
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

/*
 * retry's filters: list's, and those of the event's deliveries.  -T is the
 * tenant here, as in list, so the target, -T in integra-dlq, has no
 * letter.
 */
#define QUERY(f)							\
	OPTIONS_CALLBACK('t', "type", "type", query, f),		\
	OPTIONS_CALLBACK('s', "source", "source", query, f),		\
	OPTIONS_CALLBACK('S', "status", "status", query, f),		\
	OPTIONS_CALLBACK('T', "tenant", "tenant", query, f),		\
	OPTIONS_CALLBACK('a', "since", "since", query, f),		\
	OPTIONS_CALLBACK('b', "until", "until", query, f),		\
	OPTIONS_CALLBACK(0, "target", "target", query, f),		\
	OPTIONS_CALLBACK(0, "class", "class", query, f)

/* What retry's options say. */
struct retry_args {
	struct journal_retry_filter	 f;
	int				 nfilters;
	int				 all;
	int				 dry_run;
	int				 json;
};

static int
query(void *ctx, const char *name, const char *arg, char *err, size_t errsz)
{
	struct retry_args *r = ctx;

	r->nfilters++;
	return ops_events_retry_set(&r->f, name, arg, err, errsz);
}

/*
 * retry takes an id alone, or a query: filters, --all or both, which may
 * have --dry-run and --json.  A query of no filter would retry every
 * event: it takes --all.
 */
static int
retry_misused(const struct retry_args *r, int operands)
{
	if (operands > 0)
		return operands > 1 || r->nfilters > 0 || r->all ||
		    r->dry_run || r->json;
	if (r->nfilters > 0 || r->all)
		return 0;
	log_error(NULL, "retry of every event: give --all, or a filter");
	return 1;
}

/* The summary of a retry by query: JSON, or text. */
static void
print_retried(const struct ops_events_retried *what, int dry_run, int json)
{
	const struct ops_dlq_tally *t = &what->redelivered;
	struct buf out = BUF_INIT;
	size_t i;

	if (json) {
		ops_events_retried_json(&out, what, dry_run);
		printf("%s\n", out.data);
		buf_release(&out);
		return;
	}
	printf("%zu event%s %s: %zu to map again, %zu deliver%s to send"
	    " again\n", what->events, what->events == 1 ? "" : "s",
	    dry_run ? "would be retried" : "retried", what->remapped,
	    t->total, t->total == 1 ? "y" : "ies");
	for (i = 0; i < t->nv; i++)
		printf("  %-30s %8zu\n", t->v[i].target, t->v[i].n);
}

/* retry by query: rc, an exit status. */
static int
retry_query(struct journal *journal, const struct retry_args *r)
{
	struct ops_events_retried what = OPS_EVENTS_RETRIED_INIT;
	int rc = EX_OK;

	if (ops_events_retry_query(journal, &r->f, r->dry_run, &what) != 0)
		rc = setup_journal_failed(journal);
	else
		print_retried(&what, r->dry_run, r->json);
	ops_events_retried_release(&what);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *id;
	struct journal_filter f;
	struct retry_args r = { .nfilters = 0 };
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
	}, retry_opts[] = {
		OPTIONS_SHOW("", 1),	/* --all: with the operands */
		OPTIONS_FLAG(0, "all", &r.all),
		QUERY(&r),
		OPTIONS_FLAG(0, "dry-run", &r.dry_run),
		OPTIONS_FLAG(0, "json", &r.json),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id" },
		[RETRY] = { "retry", retry_opts, "[id | --all]" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-events",
	    .opts = opts, .commands = cmds };

	log_init("integra-events");
	ops_events_filter_init(&f);
	ops_events_retry_init(&r.f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (cmd == RETRY && retry_misused(&r, argc - i))
		return options_usage(&prog);
	id = cmd == LIST ? NULL : argv[i];

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (cmd == RETRY && id == NULL) {
		rc = retry_query(journal, &r);
		goto out;
	}
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
