/*
 * integra-dlq: the dead-letter queue.  Lists, shows and counts dead
 * deliveries, sends them again, archives, deletes and exports them, as
 * the receiver's /api/dlq does.
 *
 * retry writes a delivery record ({"id":...}) for each dead letter it puts
 * back, so `integra-dlq retry ... | integra-dispatch` sends them at once
 * (else the next integra-retry does); `retry -` takes the ids from an
 * export, or any lines with an "id", on stdin.  retry by query (its
 * filters, or --all) can also say first what it would put back, with
 * --dry-run, or say it as JSON (--json) in place of the records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "ops/dlq.h"
#include "ops/idlist.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "base/log.h"
#include "cli/options.h"
#include "base/progress.h"
#include "cli/setup.h"
#include "json/jvparse.h"

/* The filters of list, archive and export: see filter(). */
#define FILTERS(f)							\
	OPTIONS_CALLBACK('t', "type", "type", filter, f),		\
	OPTIONS_CALLBACK('T', "target", "target", filter, f),		\
	OPTIONS_CALLBACK('a', "since", "since", filter, f)
/*
 * retry's, those and more (see query()).  -T is the target here, as in
 * the other commands, so the tenant, -T in integra-events, has no letter.
 */
#define QUERY(f)							\
	OPTIONS_CALLBACK('t', "type", "type", query, f),		\
	OPTIONS_CALLBACK('T', "target", "target", query, f),		\
	OPTIONS_CALLBACK('s', "source", "source", query, f),		\
	OPTIONS_CALLBACK(0, "tenant", "tenant", query, f),		\
	OPTIONS_CALLBACK('a', "since", "since", query, f),		\
	OPTIONS_CALLBACK('b', "until", "until", query, f),		\
	OPTIONS_CALLBACK(0, "class", "class", query, f)

enum cmd { LIST, SHOW, STATS, RETRY, ARCHIVE, DELETE, EXPORT };

/* What a change did, as it is written and counted. */
struct changed {
	enum ops_dlq_action	 a;
	int			 quiet;		/* no line an id on stdout */
	struct progress		 pr;
	size_t			 n;
	long			 missing;
	long			 refused;
};

/* Each id once its batch is committed: written, or logged. */
static void
change_done(void *ctx, const char *id, enum ops_dlq_outcome outcome)
{
	struct changed *c = ctx;
	struct buf line = BUF_INIT;

	switch (outcome) {
	case OPS_DLQ_DONE:
		if (c->quiet)
			break;
		ops_dlq_changed_json(&line, id, c->a);
		printf("%s\n", line.data);
		buf_release(&line);
		break;
	case OPS_DLQ_MISSING:
		c->missing++;
		log_error(&(struct log_ids){ .delivery = id },
		    "no dead letter %s%s", id, c->a == OPS_DLQ_ARCHIVE ?
		    " in the queue" : "");
		break;
	case OPS_DLQ_NOT_ARCHIVED:
		c->refused++;
		log_error(&(struct log_ids){ .delivery = id }, "dead letter %s"
		    " is not archived: archive it first, or give --force", id);
		break;
	}
	if (++c->n % OPS_DLQ_BATCH == 0)
		progress_update(&c->pr, (long)c->n);
}

/* retry, archive or delete each id, what became of each on stdout. */
static int
change_all(struct journal *jn, enum ops_dlq_action a,
    const struct ops_idlist *l, int force)
{
	struct changed c = { .a = a };
	int rc;

	progress_init(&c.pr, "dead letters");
	rc = ops_dlq_change(jn, a, (const char *const *)l->v, l->n, force,
	    change_done, &c);
	progress_done(&c.pr);
	if (rc != 0)
		return setup_journal_failed(jn);
	log_info(NULL, "%zu %s, %ld not found, %ld refused",
	    l->n - (size_t)c.missing - (size_t)c.refused, a == OPS_DLQ_RETRY ?
	    "back to pending" : a == OPS_DLQ_ARCHIVE ? "archived" : "deleted",
	    c.missing, c.refused);
	return c.missing + c.refused > 0 ? EX_DATAERR : EX_OK;
}

/* "crm 2, erp 1": a tally by target, as text. */
static void
tally_text(struct buf *b, const struct ops_dlq_tally *t)
{
	size_t i;

	for (i = 0; i < t->nv; i++)
		buf_addf(b, "%s%s %zu", i > 0 ? ", " : "", t->v[i].target,
		    t->v[i].n);
}

/*
 * retry by query: each dead letter put back written, as change_all does,
 * or with --json, the summary instead; with --dry-run, only the summary
 * of what it would put back.
 */
static int
retry_query(struct journal *jn, const struct journal_dlq_filter *f,
    int dry_run, int json)
{
	struct changed c = { .a = OPS_DLQ_RETRY, .quiet = json };
	struct ops_dlq_tally done = OPS_DLQ_TALLY_INIT;
	struct buf out = BUF_INIT;
	size_t i;
	int rc;

	progress_init(&c.pr, "dead letters");
	rc = ops_dlq_retry_query(jn, f, dry_run, change_done, &c, &done);
	progress_done(&c.pr);
	if (rc != 0) {
		rc = setup_journal_failed(jn);
		goto end;
	}
	if (json) {
		ops_dlq_retried_json(&out, &done, dry_run);
		printf("%s\n", out.data);
	} else if (dry_run) {
		printf("%zu dead letter%s would go back to pending\n",
		    done.total, done.total == 1 ? "" : "s");
		for (i = 0; i < done.nv; i++)
			printf("  %-30s %8zu\n", done.v[i].target, done.v[i].n);
	}
	if (!dry_run) {
		buf_reset(&out);
		tally_text(&out, &done);
		log_info(NULL, "%zu back to pending%s%s%s, %ld not found",
		    done.total, out.len > 0 ? " (" : "", out.len > 0 ?
		    out.data : "", out.len > 0 ? ")" : "", c.missing);
	}
	rc = c.missing > 0 ? EX_DATAERR : EX_OK;
end:
	ops_dlq_tally_release(&done);
	buf_release(&out);
	return rc;
}

/* delete asks first, on a terminal; elsewhere it takes --yes. */
static int
confirm(size_t n)
{
	char answer[16];

	if (!isatty(STDIN_FILENO)) {
		log_error(NULL, "delete asks before it deletes: give --yes to"
		    " delete without a terminal");
		return 0;
	}
	fprintf(stderr, "delete %zu dead letter%s and their attempts for"
	    " good? [y/N] ", n, n == 1 ? "" : "s");
	return fgets(answer, sizeof(answer), stdin) != NULL &&
	    (answer[0] == 'y' || answer[0] == 'Y');
}

/* A row as it is: a JSON object a line. */
static int
print_line(void *ctx, const char *id, const char *json, size_t len)
{
	(void)ctx;
	(void)id;
	fwrite(json, 1, len, stdout);
	putchar('\n');
	return 0;
}

/* A list as a table: a line a dead letter. */
static int
print_row(void *ctx, const char *id, const char *json, size_t len)
{
	int *n = ctx;
	char died[RFC3339_LEN + 1];
	jv v = jvparse_text(json, len);
	jv type = jv_object_get(jv_copy(v), jv_string("type"));
	jv target = jv_object_get(jv_copy(v), jv_string("target"));
	jv class = jv_object_get(jv_copy(v), jv_string("error_class"));
	jv at = jv_object_get(jv_copy(v), jv_string("dead_at"));
	jv tries = jv_object_get(v, jv_string("attempts"));

	if ((*n)++ == 0)
		printf("%-36s  %-20s %-16s %5s  %-10s  %s\n", "ID", "TYPE",
		    "TARGET", "TRIES", "CLASS", "DEAD SINCE");
	clock_rfc3339(jv_get_kind(at) == JV_KIND_NUMBER ?
	    (int64_t)jv_number_value(at) : 0, died);
	printf("%-36s  %-20s %-16s %5d  %-10s  %s\n", id,
	    jv_get_kind(type) == JV_KIND_STRING ? jv_string_value(type) : "-",
	    jv_get_kind(target) == JV_KIND_STRING ? jv_string_value(target) :
	    "-", jv_get_kind(tries) == JV_KIND_NUMBER ?
	    (int)jv_number_value(tries) : 0,
	    jv_get_kind(class) == JV_KIND_STRING ? jv_string_value(class) :
	    "-", died);
	jv_free(type);
	jv_free(target);
	jv_free(class);
	jv_free(at);
	jv_free(tries);
	return 0;
}

/* stats as a table: the totals, then each breakdown. */
static void
print_stats(const struct buf *json)
{
	static const char *const parts[] = { "by_type", "by_target",
	    "by_error_class" };
	jv v = jvparse_text(json->data, json->len), part;
	jv oldest = jv_object_get(jv_copy(v), jv_string("oldest_ms"));
	size_t i;

	printf("dead letters: %d in the queue, %d archived",
	    (int)jv_number_value(jv_object_get(jv_copy(v),
	    jv_string("dead"))), (int)jv_number_value(jv_object_get(
	    jv_copy(v), jv_string("archived"))));
	if (jv_get_kind(oldest) == JV_KIND_NUMBER)
		printf("; the oldest died %.0f s ago",
		    jv_number_value(oldest) / 1000);
	putchar('\n');
	jv_free(oldest);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		part = jv_object_get(jv_copy(v), jv_string(parts[i]));
		if (jv_get_kind(part) == JV_KIND_OBJECT &&
		    jv_object_length(jv_copy(part)) > 0) {
			printf("%s:\n", parts[i] + 3);
			jv_object_foreach(part, k, n) {
				printf("  %-30s %8d\n", jv_string_value(k),
				    (int)jv_number_value(n));
				jv_free(k);
				jv_free(n);
			}
		}
		jv_free(part);
	}
	jv_free(v);
}

/* What the options say. */
struct args {
	struct journal_dlq_filter	 f;
	int				 archived;
	int				 all;
	int				 json;
	int				 yes;
	int				 force;
	int				 fromstdin;	/* ids on stdin: "-" */
	int				 dry_run;
};

/*
 * Filters given, which archive takes only with --all, and retry only
 * without ids: a query.
 */
static int nfilters;

/* -t, -T, -a, -n and -C: a filter of f, or its page. */
static int
filter(void *f, const char *name, const char *arg, char *err, size_t errsz)
{
	nfilters++;
	return ops_dlq_filter_set(f, name, arg, err, errsz);
}

/* retry's -t, -T, -s, --tenant, -a, -b and --class: a filter of f. */
static int
query(void *f, const char *name, const char *arg, char *err, size_t errsz)
{
	nfilters++;
	return ops_dlq_query_set(f, name, arg, err, errsz);
}

/*
 * retry takes ids, "-", or a query: filters, --all or both, which may
 * have --archived, --dry-run and --json.  With nothing it is refused, as
 * it always was: the whole queue takes --all.
 */
static int
retry_misused(const struct args *a, int operands)
{
	if (a->fromstdin || operands > 0)
		return a->all || nfilters > 0 || a->archived || a->dry_run ||
		    a->json;
	if (a->all || nfilters > 0)
		return 0;
	log_error(NULL, "retry what: give ids, -, a filter or --all");
	return 1;
}

/* The command, its options in a and its operands argv[0..argc). */
static int
command(struct journal *journal, enum cmd cmd, struct args *a, char *argv[],
    int argc)
{
	struct ops_idlist ids = OPS_IDLIST_INIT;
	struct buf out = BUF_INIT;
	int i, rc = 0, found = 1, n = 0;

	if (a->archived)
		a->f.archived = cmd == RETRY ? -1 : 1;
	switch (cmd) {
	case LIST:
		rc = ops_dlq_each(journal, &a->f, 0, a->json ? print_line :
		    print_row, &n);
		break;
	case EXPORT:
		a->f.limit = 0;
		rc = ops_dlq_each(journal, &a->f, 1, print_line, NULL);
		break;
	case SHOW:
		rc = ops_dlq_show(journal, argv[0], &out, &found);
		if (rc == 0 && found)
			printf("%s\n", out.data);
		break;
	case STATS:
		if ((rc = ops_dlq_stats(journal, &out)) == 0) {
			if (a->json)
				printf("%s\n", out.data);
			else
				print_stats(&out);
		}
		break;
	case RETRY:
	case ARCHIVE:
	case DELETE:
		if (cmd == RETRY && !a->fromstdin && argc == 0) {
			rc = retry_query(journal, &a->f, a->dry_run, a->json);
			goto end;
		}
		if (a->fromstdin) {
			if ((rc = ops_idlist_read(&ids, STDIN_FILENO)) != EX_OK)
				goto end;
		} else if (a->all) {
			a->f.limit = 0;
			if ((rc = ops_dlq_each(journal, &a->f, 0,
			    ops_idlist_row, &ids)) != 0)
				break;
		} else
			for (i = 0; i < argc; i++)
				ops_idlist_add(&ids, argv[i]);
		if (cmd == DELETE && !a->yes && !confirm(ids.n)) {
			rc = EX_USAGE;
			goto end;
		}
		/* An exit status already: the journal's failure logged. */
		rc = change_all(journal, cmd == RETRY ? OPS_DLQ_RETRY :
		    cmd == ARCHIVE ? OPS_DLQ_ARCHIVE : OPS_DLQ_DELETE, &ids,
		    a->force);
		goto end;
	}
	if (rc != 0)
		rc = setup_journal_failed(journal);
	else if (!found) {
		log_error(NULL, "no dead letter '%s' in journal '%s'",
		    argv[0], journal_path(journal));
		rc = EX_DATAERR;
	} else
		rc = EX_OK;
end:
	ops_idlist_release(&ids);
	buf_release(&out);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct args a = { .fromstdin = 0 };
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, list_opts[] = {
		FILTERS(&a.f),
		OPTIONS_CALLBACK('n', "limit", "limit", filter, &a.f),
		OPTIONS_CALLBACK('C', "cursor", "cursor", filter, &a.f),
		OPTIONS_FLAG(0, "archived", &a.archived),
		OPTIONS_FLAG(0, "json", &a.json),
		OPTIONS_END
	}, stats_opts[] = {
		OPTIONS_FLAG(0, "json", &a.json),
		OPTIONS_END
	}, retry_opts[] = {
		OPTIONS_SHOW("", 1),	/* --all: with the operands */
		OPTIONS_FLAG(0, "all", &a.all),
		QUERY(&a.f),
		OPTIONS_FLAG(0, "archived", &a.archived),
		OPTIONS_FLAG(0, "dry-run", &a.dry_run),
		OPTIONS_FLAG(0, "json", &a.json),
		OPTIONS_END
	}, archive_opts[] = {
		OPTIONS_SHOW("", 1),
		OPTIONS_FLAG(0, "all", &a.all),
		FILTERS(&a.f),
		OPTIONS_END
	}, delete_opts[] = {
		OPTIONS_SHOW("[--yes] [--force]", 2),
		OPTIONS_FLAG('y', "yes", &a.yes),
		OPTIONS_FLAG('f', "force", &a.force),
		OPTIONS_END
	}, export_opts[] = {
		FILTERS(&a.f),
		OPTIONS_FLAG(0, "archived", &a.archived),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id" },
		[STATS] = { "stats", stats_opts, NULL },
		[RETRY] = { "retry", retry_opts, "[id ... | - | --all]" },
		[ARCHIVE] = { "archive", archive_opts, "id ... | - | --all" },
		[DELETE] = { "delete", delete_opts, "id ..." },
		[EXPORT] = { "export", export_opts, NULL },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-dlq",
	    .opts = opts, .commands = cmds };

	log_init("integra-dlq");
	ops_dlq_filter_init(&a.f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (i + 1 == argc && strcmp(argv[i], "-") == 0) {
		a.fromstdin = 1;
		i++;
	}
	if (cmd == RETRY ? retry_misused(&a, argc - i) :
	    (a.fromstdin && cmd != ARCHIVE) || (cmd == ARCHIVE ?
	    (a.all + a.fromstdin + (i < argc) != 1 ||
	    (nfilters > 0 && !a.all)) :
	    cmd == SHOW ? i + 1 != argc : cmd == DELETE ? i == argc :
	    i != argc))
		return options_usage(&prog);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	rc = command(journal, cmd, &a, argv + i, argc - i);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
