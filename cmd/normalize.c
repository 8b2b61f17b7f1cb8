/*
 * integra-normalize: turn envelopes into canonical events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/config.h"
#include "rules/contact.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/log.h"
#include "stage/normalize.h"
#include "cli/options.h"
#include "rules/schema.h"
#include "cli/setup.h"
#include "stage/stream.h"

static int
list_types(const struct schema_set *set)
{
	size_t i;

	for (i = 0; i < schema_count(set); i++)
		printf("%s\n", schema_type(set, i));
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct schema_set *schemas = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct normalize n;
	struct stream s;
	/* normalize reads attributes from the text, and parses only data. */
	const struct stream_stage stage = { .prepare = normalize_prepare,
	    .apply = normalize_apply, .work_free = normalize_work_free,
	    .ctx = &n, .no_tree = 1 };
	struct buf dir = BUF_INIT;
	const char *dirs[2];
	size_t ndirs;
	char err[1024], *salt = NULL;
	int i, rc, pending = 0, list = 0;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_BATCH(&s.batch_max),
		OPTIONS_MAX_LINE(&s.max_line),
		OPTIONS_FLAG(0, "pending", &pending),
		OPTIONS_END
	}, list_opts[] = {
		OPTIONS_SHOW("-l", 1),
		OPTIONS_FLAG('l', "list-types", &list),
		OPTIONS_END
	};
	const struct options_command forms[] = {
		{ NULL, opts, NULL },
		{ NULL, list_opts, NULL },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-normalize",
	    .commands = forms };

	log_init("integra-normalize");
	stream_init(&s, NULL);
	if ((i = options_parse(&prog, NULL, argc, argv, &rc)) < 0)
		return rc;
	if (i != argc || (list && pending))
		return options_usage(&prog);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	ndirs = cfg_schema_dirs(cfg, &dir, dirs);
	if ((schemas = schema_load(dirs, ndirs, err, sizeof(err))) == NULL) {
		log_error(NULL, "schemas: %s", err);
		rc = EX_CONFIG;
		goto out;
	}
	if (list) {
		rc = list_types(schemas);
		goto out;
	}
	if (!pending)
		setup_wait_input(STDIN_FILENO);
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	/* Without it, a lead whose contacts retention hashed is new again. */
	if (cfg->retention.on && (salt = cfg_retention_salt(cfg, err,
	    sizeof(err))) == NULL) {
		log_error(NULL, "%s", err);
		rc = EX_CONFIG;
		goto out;
	}
	normalize_init(&n, schemas, cfg, contact_calling_code(cfg->country),
	    salt);
	s.journal = journal;
	rc = pending ? stream_pending(&s, JOURNAL_RECEIVED, &stage) :
	    stream_fd(&s, STDIN_FILENO, &stage);
	if (s.err[0] != '\0')
		log_error(NULL, "%s", s.err);
	log_info(NULL, "%ld read, %ld normalized, %ld skipped, %ld rejected",
	    s.nread, s.nok, s.nskipped, s.nrejected);
	normalize_release(&n);
out:
	buf_release(&dir);
	stream_release(&s);
	schema_free(schemas);
	journal_close(journal);
	if (salt != NULL) {
		explicit_bzero(salt, strlen(salt));
		free(salt);
	}
	cfg_free(cfg);
	return setup_finish(rc);
}
