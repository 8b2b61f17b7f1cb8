/*
 * integra-journal: the journal's sealed personal data: counted by the key
 * that sealed it, and rewritten under the current key (a rotation) or
 * plain (encryption turned off); and a whole journal copied into a new
 * one, from one backend to the other (a SQLite file, PostgreSQL).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "conf/config.h"
#include "journal/copy.h"
#include "journal/journal.h"
#include "ops/rekey.h"

enum cmd { REKEY, SEALED, COPY };

static int
rekey(struct journal *j, size_t batch)
{
	struct ops_rekey done;
	struct buf err = BUF_INIT;
	enum journal_sealed_table t;
	int rc;

	if ((rc = ops_rekey(j, (int)batch, &done, &err)) == OPS_REKEY_UNKNOWN) {
		log_error(NULL, "%s", err.data);
		buf_release(&err);
		return EX_CONFIG;
	}
	buf_release(&err);
	if (rc != 0)
		return setup_journal_failed(j);
	for (t = 0; t < JOURNAL_SEALED_TABLES; t++)
		printf("%-20s %" PRId64 " rewritten\n",
		    journal_sealed_table_name(t), done.rewritten[t]);
	return EX_OK;
}

static int
sealed_one(void *ctx, const char *column, const char *key_id, int64_t n)
{
	(void)ctx;
	printf("%-30s %-14s %" PRId64 "\n", column, key_id != NULL ? key_id :
	    "(plain)", n);
	return 0;
}

static void
copied_one(void *ctx, const char *table, int64_t rows)
{
	(void)ctx;
	printf("%-20s %" PRId64 " rows\n", table, rows);
}

/* Neither journal is the config's: both are named. */
static int
copy(const char *from_path, const char *to_path)
{
	struct journal *from = NULL, *to = NULL;
	int rc;

	if (strcmp(from_path, to_path) == 0) {
		log_error(NULL, "copy: '%s' into itself", from_path);
		return EX_USAGE;
	}
	if ((rc = setup_journal_at(from_path, 0, &from)) == EX_OK &&
	    (rc = setup_journal_at(to_path, 1, &to)) == EX_OK &&
	    journal_copy(from, to, copied_one, NULL) != 0)
		rc = setup_journal_failed(to);
	journal_close(from);
	journal_close(to);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	size_t batch = OPS_REKEY_BATCH;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, rekey_opts[] = {
		OPTIONS_BATCH(&batch),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[REKEY] = { "rekey", rekey_opts, NULL },
		[SEALED] = { "sealed", NULL, NULL },
		[COPY] = { "copy", NULL, "from to" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-journal",
	    .opts = opts, .commands = cmds };

	log_init("integra-journal");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	if ((enum cmd)c == COPY)
		return setup_finish(copy(argv[i], argv[i + 1]));
	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if ((enum cmd)c == REKEY)
		rc = rekey(journal, batch);
	else if (ops_rekey_sealed(journal, sealed_one, NULL) != 0)
		rc = setup_journal_failed(journal);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
