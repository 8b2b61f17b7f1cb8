/*
 * integra-map: route canonical events and build their deliveries; with a
 * command (list, show, versions, add, rollback, seed, test), manage the
 * versioned mappings they use, over lib/ops/mappings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/log.h"
#include "stage/map.h"
#include "ops/mappings.h"
#include "stage/mapstore.h"
#include "cadence/check.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "stage/stream.h"
#include "json/jvparse.h"

#define PROGRAM_MAX	(1 << 20)	/* bytes of a program or an event */

#define STAGE	0	/* no command: the filter */
enum cmd { LIST = STAGE + 1, SHOW, VERSIONS, ADD, ROLLBACK, SEED, TEST };

/* The operands after each command's name. */
static const int nargs[] = { [SHOW] = 2, [VERSIONS] = 2, [ADD] = 3,
    [ROLLBACK] = 3, [TEST] = 2 };

/* The whole of a file, or of stdin for "-"; NULL with the reason logged. */
static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int rc;

	if (f == NULL) {
		log_error(NULL, "%s: cannot open it", path);
		return NULL;
	}
	if ((rc = buf_read(&b, f, PROGRAM_MAX)) != 0) {
		log_error(NULL, "%s: %s", path, rc == -1 ? "cannot read it" :
		    "longer than 1 MiB");
		if (f != stdin)
			fclose(f);
		buf_release(&b);
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	if (b.data == NULL)
		buf_adds(&b, "");
	*len = b.len;
	return buf_detach(&b);
}

/* A table of pairs from ops_mappings_list's JSON. */
static void
print_pairs(const struct buf *json)
{
	jv list = jv_parse(json->data);
	char when[RFC3339_LEN + 1];

	printf("%-24s %-16s %7s %6s  %s\n", "TYPE", "SYSTEM", "VERSION",
	    "LATEST", "UPDATED");
	jv_array_foreach(list, i, p) {
		clock_rfc3339((int64_t)jv_number_value(jv_object_get(
		    jv_copy(p), jv_string("updated_at"))), when);
		jv type = jv_object_get(jv_copy(p), jv_string("type"));
		jv sys = jv_object_get(jv_copy(p), jv_string("system"));
		jv ver = jv_object_get(jv_copy(p), jv_string("version"));
		jv lat = jv_object_get(p, jv_string("latest"));

		printf("%-24s %-16s %7d %6d  %s\n", jv_string_value(type),
		    jv_string_value(sys), (int)jv_number_value(ver),
		    (int)jv_number_value(lat), when);
		jv_free(type);
		jv_free(sys);
		jv_free(ver);
		jv_free(lat);
		(void)i;
	}
	jv_free(list);
}

/* A table of versions from ops_mappings_versions' JSON. */
static void
print_versions(const struct buf *json)
{
	jv list = jv_parse(json->data);
	char when[RFC3339_LEN + 1];

	printf("%7s %-7s %-24s  %s\n", "VERSION", "CURRENT", "CREATED",
	    "ORIGIN");
	jv_array_foreach(list, i, v) {
		jv ver = jv_object_get(jv_copy(v), jv_string("version"));
		jv cur = jv_object_get(jv_copy(v), jv_string("current"));
		jv at = jv_object_get(jv_copy(v), jv_string("created_at"));
		jv orig = jv_object_get(v, jv_string("origin"));

		clock_rfc3339((int64_t)jv_number_value(at), when);
		printf("%7d %-7s %-24s  %s\n", (int)jv_number_value(ver),
		    jv_get_kind(cur) == JV_KIND_TRUE ? "*" : "",
		    when, jv_get_kind(orig) == JV_KIND_STRING ?
		    jv_string_value(orig) : "-");
		jv_free(ver);
		jv_free(cur);
		jv_free(at);
		jv_free(orig);
		(void)i;
	}
	jv_free(list);
}

/* What the event on stdin would make for system, sending nothing. */
static int
test(const struct cfg *cfg, struct journal *jn, const char *type,
    const char *system)
{
	struct buf err = BUF_INIT, out = BUF_INIT;
	char *text;
	size_t len;
	jv v;
	int n = 0, rc;

	if ((text = slurp("-", &len)) == NULL)
		return EX_IOERR;
	v = jvparse_text(text, len);
	free(text);
	if (!jv_is_valid(v) || jv_get_kind(v) != JV_KIND_OBJECT) {
		log_error(NULL, "stdin: not a JSON object");
		jv_free(v);
		return EX_DATAERR;
	}
	switch (ops_mappings_test(jn, cfg, type, system, v, &out, &n, &err)) {
	case 0:
		if (n == 0)
			log_warn(NULL, "no route takes this event to '%s'",
			    system);
		fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
		rc = EX_OK;
		break;
	case OPS_MAPPINGS_REFUSED:
		log_error(NULL, "stdin: %s", err.data);
		rc = EX_DATAERR;
		break;
	case OPS_MAPPINGS_CONFIG:
		log_error(NULL, "config: %s", err.data);
		rc = EX_CONFIG;
		break;
	default:
		log_error(NULL, "%s", err.data);
		rc = EX_SOFTWARE;
		break;
	}
	buf_release(&out);
	buf_release(&err);
	return rc;
}

/* A lib/ops/mappings result as an exit status, its reason logged. */
static int
status(struct journal *jn, int rc, const struct buf *err)
{
	if (rc == 0)
		return EX_OK;
	if (rc == OPS_MAPPINGS_REFUSED) {
		log_error(NULL, "%s", err->data);
		return EX_DATAERR;
	}
	return setup_journal_failed(jn);
}

/*
 * Runs the command cmd on its operands argv, with --json and --version n
 * (or rollback's n); cfgpath and jpath are the -c and -j given, or NULL.
 * Returns an exit status.
 */
static int
command(enum cmd cmd, char *argv[], const char *cfgpath, const char *jpath,
    int json, long version)
{
	struct journal *jn = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char *program = NULL;
	size_t len;
	int rc, found = 1, seeded;

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, cmd == SEED || cmd == ADD,
	    &jn)) != EX_OK)
		goto out;
	switch (cmd) {
	case LIST:
		if ((rc = status(jn, ops_mappings_list(jn, &out), &err)) ==
		    EX_OK) {
			if (json)
				printf("%s\n", out.data);
			else
				print_pairs(&out);
		}
		break;
	case SHOW:
		rc = status(jn, ops_mappings_show(jn, argv[0], argv[1],
		    (int)version, &out, &found), &err);
		if (rc != EX_OK)
			break;
		if (!found) {
			log_error(NULL, "%s/%s has no mapping%s", argv[0],
			    argv[1], version ? " of that version" : "");
			rc = EX_DATAERR;
		} else if (json)
			printf("%s\n", out.data);
		else {
			jv v = jv_parse(out.data);
			jv p = jv_object_get(v, jv_string("program"));
			const char *s = jv_string_value(p);

			printf("%s%s", s, s[0] != '\0' &&
			    s[strlen(s) - 1] != '\n' ? "\n" : "");
			jv_free(p);
		}
		break;
	case VERSIONS:
		rc = status(jn, ops_mappings_versions(jn, argv[0], argv[1], &out,
		    &found), &err);
		if (rc != EX_OK)
			break;
		if (!found) {
			log_error(NULL, "%s/%s has no mapping", argv[0],
			    argv[1]);
			rc = EX_DATAERR;
		} else if (json)
			printf("%s\n", out.data);
		else
			print_versions(&out);
		break;
	case ADD:
		if ((program = slurp(argv[2], &len)) == NULL) {
			rc = EX_NOINPUT;
			break;
		}
		if (strlen(program) != len) {
			log_error(NULL, "%s: holds a NUL byte", argv[2]);
			rc = EX_DATAERR;
			break;
		}
		if ((rc = status(jn, ops_mappings_add(jn, argv[0], argv[1],
		    program, strcmp(argv[2], "-") == 0 ? NULL : argv[2], &out,
		    &err), &err)) == EX_OK) {
			jv v = jv_object_get(jv_parse(out.data),
			    jv_string("version"));

			printf("%s/%s: version %d\n", argv[0], argv[1],
			    (int)jv_number_value(v));
			jv_free(v);
		}
		break;
	case ROLLBACK:
		if ((rc = status(jn, ops_mappings_rollback(jn, argv[0], argv[1],
		    (int)version, &out, &err), &err)) == EX_OK)
			printf("%s/%s: version %ld in force\n", argv[0],
			    argv[1], version);
		break;
	case SEED:
		if ((rc = status(jn, ops_mappings_seed(jn, cfg_datadir(cfg),
		    &seeded, &err), &err)) == EX_OK)
			printf("%d mapping%s seeded from %s/mappings\n",
			    seeded, seeded == 1 ? "" : "s", cfg_datadir(cfg));
		break;
	case TEST:
		rc = test(cfg, jn, argv[0], argv[1]);
		break;
	}
out:
	free(program);
	buf_release(&out);
	buf_release(&err);
	journal_close(jn);
	cfg_free(cfg);
	return setup_finish(rc);
}


int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf err = BUF_INIT;
	struct map m;
	struct stream s;
	const struct stream_stage stage = { .prepare = map_prepare,
	    .more = map_more,
	    .apply = map_apply, .work_free = map_work_free, .ctx = &m };
	char serr[1024];
	long version = 0;
	int c, i, rc, pending = 0, json = 0, bad;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, stage_opts[] = {
		OPTIONS_BATCH(&s.batch_max),
		OPTIONS_MAX_LINE(&s.max_line),
		OPTIONS_FLAG(0, "pending", &pending),
		OPTIONS_END
	}, list_opts[] = {
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	}, show_opts[] = {
		OPTIONS_NUMBER(0, "version", "n", &version, 1, 1000000000,
		    NULL),
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[STAGE] = { NULL, stage_opts, NULL },
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", show_opts, "type system" },
		[VERSIONS] = { "versions", list_opts, "type system" },
		[ADD] = { "add", NULL, "type system file | -" },
		[ROLLBACK] = { "rollback", NULL, "type system n" },
		[SEED] = { "seed", NULL, NULL },
		[TEST] = { "test", NULL, "type system < event" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-map",
	    .opts = opts, .commands = cmds };

	log_init("integra-map");
	stream_init(&s, NULL);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	if (c != STAGE) {
		if (argc - i != nargs[c] || (c == ROLLBACK && (version =
		    options_number(argv[i + 2], 1, 1000000000)) < 0))
			return options_usage(&prog);
		rc = command((enum cmd)c, argv + i, cfgpath, jpath, json,
		    version);
		stream_release(&s);
		return rc;
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if (map_init(&m, cfg, &err) != 0) {
		log_error(NULL, "config: %s", err.data);
		rc = EX_CONFIG;
		goto out;
	}
	if (!pending)
		setup_wait_input(STDIN_FILENO);
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) == EX_OK &&
	    (m.store = mapstore_open(journal, serr,
	    sizeof(serr))) == NULL) {
		log_error(NULL, "%s", serr);
		rc = EX_SOFTWARE;
	}
	if (rc == EX_OK && (m.cadences = cadence_check_open(cfg,
	    journal, &err, &bad)) == NULL) {
		log_error(NULL, "%s", err.data);
		rc = bad ? EX_CONFIG : EX_SOFTWARE;
	}
	if (rc == EX_OK) {
		s.journal = journal;
		rc = pending ? stream_pending(&s, JOURNAL_NORMALIZED, &stage) :
		    stream_fd(&s, STDIN_FILENO, &stage);
		if (s.err[0] != '\0')
			log_error(NULL, "%s", s.err);
		log_info(NULL, "%ld read, %ld mapped, %ld deliveries, %ld"
		    " without a route, %ld rejected", s.nread, s.nok,
		    m.ndeliveries, s.nskipped, s.nrejected);
	}
	mapstore_close(m.store);
	cadence_check_close(m.cadences);
	map_release(&m);
out:
	buf_release(&err);
	stream_release(&s);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
