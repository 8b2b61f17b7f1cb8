/*
 * integra-dlq: the dead-letter queue.  Lists, shows and counts dead
 * deliveries, sends them again, archives, deletes and exports them, as
 * the receiver's /api/dlq does.
 *
 * retry writes a delivery record ({"id":...}) for each dead letter it puts
 * back, so `integra-dlq retry ... | integra-dispatch` sends them at once
 * (else the next integra-retry does); `retry -` takes the ids from an
 * export, or any lines with an "id", on stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "ops/dlq.h"
#include "base/exitcode.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/dlq.h"
#include "base/log.h"
#include "json/ndjson.h"
#include "cli/options.h"
#include "base/progress.h"
#include "cli/setup.h"
#include "stage/stream.h"

#define BATCH	500	/* dead letters changed a commit */

/* The filters of list, retry, archive and export: see filter(). */
#define FILTERS(f)							\
	OPTIONS_CALLBACK('t', "type", "type", filter, f),		\
	OPTIONS_CALLBACK('T', "target", "target", filter, f),		\
	OPTIONS_CALLBACK('a', "since", "since", filter, f)

enum cmd { LIST, SHOW, STATS, RETRY, ARCHIVE, DELETE, EXPORT };

struct ids {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
ids_add(struct ids *l, const char *id)
{
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 64) *
		    sizeof(*l->v));
	l->v[l->n++] = xstrdup(id);
}

static void
ids_release(struct ids *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
collect_row(void *ctx, const char *id, const char *json, size_t len)
{
	(void)json;
	(void)len;
	ids_add(ctx, id);
	return 0;
}

/* Ids from stdin: a bare id a line, or a JSON object with an "id". */
static int
read_ids(struct ids *l)
{
	struct ndjson *in = ndjson_open(STDIN_FILENO, NDJSON_MAX_LINE);
	struct buf reason = BUF_INIT;
	const char *line;
	size_t len;
	int rc = EX_OK, r;
	jv v, id;

	while ((r = ndjson_next(in, &line, &len, -1)) != NDJSON_EOF) {
		if (r == NDJSON_ERROR) {
			log_error(NULL, "read: standard input failed");
			rc = EX_IOERR;
			break;
		}
		if (r == NDJSON_TOOLONG) {
			log_error(NULL, "line %ld: longer than the limit",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
			continue;
		}
		if (len > 0 && line[0] != '{') {
			char text[ID_LEN + 1];

			if (len == ID_LEN) {
				memcpy(text, line, ID_LEN);
				text[ID_LEN] = '\0';
				if (id_valid(text)) {
					ids_add(l, text);
					continue;
				}
			}
			log_error(NULL, "line %ld: not an id",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
			continue;
		}
		buf_reset(&reason);
		if (stream_parse(line, len, &v, &reason) != 0) {
			log_error(NULL, "line %ld: %s", ndjson_lineno(in),
			    reason.data);
			rc = EX_DATAERR;
			continue;
		}
		id = jv_object_get(v, jv_string("id"));
		if (jv_get_kind(id) == JV_KIND_STRING &&
		    id_valid(jv_string_value(id)))
			ids_add(l, jv_string_value(id));
		else {
			log_error(NULL, "line %ld: no valid \"id\"",
			    ndjson_lineno(in));
			rc = EX_DATAERR;
		}
		jv_free(id);
	}
	ndjson_close(in);
	buf_release(&reason);
	return rc;
}


/*
 * retry, archive or delete each id, BATCH a commit, writing what became
 * of each on stdout once its batch is committed.
 */
static int
change_all(struct journal *jn, enum cmd cmd, const struct ids *l, int force)
{
	struct progress pr;
	struct buf out = BUF_INIT;
	enum journal_dlq_deleted del;
	int64_t now = clock_ms();
	long missing = 0, refused = 0;
	size_t i;
	int done;

	progress_init(&pr, "dead letters");
	for (i = 0; i < l->n; i++) {
		if (i % BATCH == 0 && journal_begin(jn) != 0)
			goto fail;
		if (cmd == DELETE) {
			if (journal_dlq_delete(jn, l->v[i], force, &del) != 0)
				goto fail;
			done = del == JOURNAL_DLQ_DELETED;
			if (del == JOURNAL_DLQ_NOT_ARCHIVED) {
				refused++;
				log_error(&(struct log_ids){ .delivery =
				    l->v[i] }, "dead letter %s is not archived:"
				    " archive it first, or give --force",
				    l->v[i]);
			}
		} else if ((cmd == RETRY ? journal_dlq_retry(jn, l->v[i], now,
		    &done) : journal_dlq_archive(jn, l->v[i], now, &done)) != 0)
			goto fail;
		if (done)
			buf_addf(&out, "{\"id\":\"%s\",\"status\":\"%s\"}\n",
			    l->v[i], cmd == RETRY ? "pending" : cmd == ARCHIVE ?
			    "archived" : "deleted");
		else if (cmd != DELETE || del == JOURNAL_DLQ_NOT_DEAD) {
			missing++;
			log_error(&(struct log_ids){ .delivery = l->v[i] },
			    "no dead letter %s%s", l->v[i], cmd == ARCHIVE ?
			    " in the queue" : "");
		}
		if ((i + 1) % BATCH == 0 || i + 1 == l->n) {
			if (journal_commit(jn) != 0)
				goto fail;
			fwrite(out.data != NULL ? out.data : "", 1, out.len,
			    stdout);
			buf_reset(&out);
			progress_update(&pr, (long)i + 1);
		}
	}
	progress_done(&pr);
	buf_release(&out);
	log_info(NULL, "%zu %s, %ld not found, %ld refused",
	    l->n - (size_t)missing - (size_t)refused, cmd == RETRY ?
	    "back to pending" : cmd == ARCHIVE ? "archived" : "deleted",
	    missing, refused);
	return missing + refused > 0 ? EX_DATAERR : EX_OK;
fail:
	progress_done(&pr);
	buf_release(&out);
	return setup_journal_failed(jn);
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
	jv v = jv_parse_sized(json, (int)len);
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
	jv v = jv_parse_sized(json->data, (int)json->len), part;
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

/* Filters given, which retry and archive take only with --all. */
static int nfilters;

/* -t, -T, -a, -n and -C: a filter of f, or its page. */
static int
filter(void *f, const char *name, const char *arg, char *err, size_t errsz)
{
	nfilters++;
	return ops_dlq_filter_set(f, name, arg, err, errsz);
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal_dlq_filter f;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	struct ids ids = { 0 };
	enum cmd cmd;
	int c, i, rc, found = 1, archived = 0, all = 0;
	int json = 0, yes = 0, force = 0, fromstdin = 0, n = 0;
	const struct options_spec opts[] = {
		OPTIONS_CONFIG(&cfgpath),
		OPTIONS_JOURNAL(&jpath),
		OPTIONS_END
	}, list_opts[] = {
		FILTERS(&f),
		OPTIONS_CALLBACK('n', "limit", "limit", filter, &f),
		OPTIONS_CALLBACK('C', "cursor", "cursor", filter, &f),
		OPTIONS_FLAG(0, "archived", &archived),
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	}, stats_opts[] = {
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	}, retry_opts[] = {
		OPTIONS_SHOW("", 1),	/* --all: with the operands */
		OPTIONS_FLAG(0, "all", &all),
		FILTERS(&f),
		OPTIONS_FLAG(0, "archived", &archived),
		OPTIONS_END
	}, archive_opts[] = {
		OPTIONS_SHOW("", 1),
		OPTIONS_FLAG(0, "all", &all),
		FILTERS(&f),
		OPTIONS_END
	}, delete_opts[] = {
		OPTIONS_SHOW("[--yes] [--force]", 2),
		OPTIONS_FLAG('y', "yes", &yes),
		OPTIONS_FLAG('f', "force", &force),
		OPTIONS_END
	}, export_opts[] = {
		FILTERS(&f),
		OPTIONS_FLAG(0, "archived", &archived),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id" },
		[STATS] = { "stats", stats_opts, NULL },
		[RETRY] = { "retry", retry_opts, "id ... | - | --all" },
		[ARCHIVE] = { "archive", archive_opts, "id ... | - | --all" },
		[DELETE] = { "delete", delete_opts, "id ..." },
		[EXPORT] = { "export", export_opts, NULL },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-dlq",
	    .opts = opts, .commands = cmds };

	log_init("integra-dlq");
	ops_dlq_filter_init(&f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (i + 1 == argc && strcmp(argv[i], "-") == 0) {
		fromstdin = 1;
		i++;
	}
	if ((fromstdin && cmd != RETRY && cmd != ARCHIVE) ||
	    ((cmd == RETRY || cmd == ARCHIVE) ?
	    (all + fromstdin + (i < argc) != 1 ||
	    (nfilters + archived > 0 && !all)) :
	    cmd == SHOW ? i + 1 != argc : cmd == DELETE ? i == argc :
	    i != argc))
		return options_usage(&prog);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (archived)
		f.archived = cmd == RETRY ? -1 : 1;
	switch (cmd) {
	case LIST:
		rc = json ? journal_dlq_query(journal, &f, 0, print_line,
		    NULL) : journal_dlq_query(journal, &f, 0, print_row, &n);
		break;
	case EXPORT:
		f.limit = 0;
		rc = journal_dlq_query(journal, &f, 1, print_line, NULL);
		break;
	case SHOW:
		rc = ops_dlq_show(journal, argv[i], &out, &found);
		if (rc == 0 && found)
			printf("%s\n", out.data);
		break;
	case STATS:
		if ((rc = ops_dlq_stats(journal, &out)) == 0) {
			if (json)
				printf("%s\n", out.data);
			else
				print_stats(&out);
		}
		break;
	case RETRY:
	case ARCHIVE:
	case DELETE:
		if (fromstdin) {
			if ((rc = read_ids(&ids)) != EX_OK)
				goto out;
		} else if (all) {
			f.limit = 0;
			if ((rc = journal_dlq_query(journal, &f, 0,
			    collect_row, &ids)) != 0)
				break;
		} else
			for (; i < argc; i++)
				ids_add(&ids, argv[i]);
		if (cmd == DELETE && !yes && !confirm(ids.n)) {
			rc = EX_USAGE;
			goto out;
		}
		rc = change_all(journal, cmd, &ids, force);
		goto out;
	}
	if (rc != 0) {
		rc = setup_journal_failed(journal);
	} else if (!found) {
		log_error(NULL, "no dead letter '%s' in journal '%s'",
		    argv[i], journal_path(journal));
		rc = EX_DATAERR;
	} else
		rc = EX_OK;
out:
	ids_release(&ids);
	buf_release(&out);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
