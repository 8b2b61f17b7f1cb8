/*
 * integra-flow: the flows' admin.  Lists, shows, starts, runs, pauses,
 * resumes, cancels and sets the flows' instances, counts them, and shows
 * the events their waits did not take, as the receiver's /api/flows
 * does (ops/flows.h).  Instances move on without it: integra-map starts
 * them and matches their waits, dispatch and integra-retry run their
 * steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "conf/config.h"
#include "flow/def.h"
#include "flow/simulate.h"
#include "journal/journal.h"
#include "json/jvdump.h"
#include "ops/flows.h"
#include "json/jvparse.h"

#define EVENT_MAX	(1 << 20)	/* the start event, in bytes */

enum cmd { LIST, SHOW, START, PROCESS, PAUSE, RESUME, CANCEL, SET, STATS,
	DASHBOARD, UNMATCHED, SIMULATE };

struct args {
	struct journal_flow_filter	 f;
	int				 json;
	int				 pending;
	const char			*events;	/* simulate's file */
	int				 timeouts;
};

static int
filter(void *f, const char *name, const char *arg, char *err, size_t errsz)
{
	return ops_flows_filter_set(f, name, arg, err, errsz);
}

/* A list as a table: a line an instance. */
static int
print_row(void *ctx, const char *id, const char *json, size_t len)
{
	int *n = ctx;
	jv v = jvparse_text(json, len);
	const char *const cols[] = { "number", "flow", "status", "label",
	    "step" };
	const int widths[] = { 18, 12, 9, 20, 18 };
	jv m;
	size_t i;

	(void)id;
	if ((*n)++ == 0)
		printf("%-18s %-12s %-9s %-20s %-18s %s\n", "NUMBER", "FLOW",
		    "STATUS", "LABEL", "STEP", "ID");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		m = jv_object_get(jv_copy(v), jv_string(cols[i]));
		printf("%-*s ", widths[i], jv_get_kind(m) == JV_KIND_STRING ?
		    jv_string_value(m) : "-");
		jv_free(m);
	}
	printf("%s\n", id);
	jv_free(v);
	return 0;
}

static int
print_line(void *ctx, const char *id, const char *json, size_t len)
{
	(void)ctx;
	(void)id;
	fwrite(json, 1, len, stdout);
	putchar('\n');
	return 0;
}

/* set's KEY=VALUE operands as a JSON object: VALUE as JSON if it is. */
static int
settings_json(char *argv[], int argc, struct buf *out)
{
	char *eq;
	jv v;
	int i;

	buf_addc(out, '{');
	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL || eq == argv[i]) {
			log_error(NULL, "'%s' is not KEY=VALUE", argv[i]);
			return EX_USAGE;
		}
		if (i > 0)
			buf_addc(out, ',');
		buf_add_json_string(out, argv[i], (size_t)(eq - argv[i]));
		buf_addc(out, ':');
		v = jv_parse(eq + 1);
		if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_OBJECT &&
		    jv_get_kind(v) != JV_KIND_ARRAY)
			jvdump(out, v);
		else {
			jv_free(v);
			buf_add_json_string(out, eq + 1, strlen(eq + 1));
		}
	}
	buf_addc(out, '}');
	return EX_OK;
}

/* A change's answer: the instance, or why it did nothing. */
static int
changed(int rc, enum ops_flows_result res, struct journal *jn,
    const struct buf *out, const struct buf *why)
{
	if (rc != 0)
		return setup_journal_failed(jn);
	switch (res) {
	case OPS_FLOWS_DONE:
	case OPS_FLOWS_DUPLICATE:
		if (res == OPS_FLOWS_DUPLICATE)
			log_info(NULL, "an instance with this key exists: not"
			    " started again");
		printf("%s\n", out->data);
		return EX_OK;
	default:
		log_error(NULL, "%s", why->data);
		return EX_DATAERR;
	}
}

static int
command(const struct cfg *cfg, struct journal *jn, enum cmd cmd,
    struct args *a, char *argv[], int argc)
{
	struct flow_defs defs;
	struct buf out = BUF_INIT, why = BUF_INIT, in = BUF_INIT;
	enum ops_flows_result res = OPS_FLOWS_DONE;
	int64_t now = clock_ms();
	int rc = 0, found = 1, n = 0, compiled = 0;

	if (cmd == START || cmd == PROCESS) {
		if (flow_def_init(&defs, cfg, &why) != 0) {
			log_error(NULL, "%s", why.data);
			buf_release(&why);
			return EX_CONFIG;
		}
		compiled = 1;
	}
	switch (cmd) {
	case LIST:
		rc = ops_flows_each(jn, &a->f, a->json ? print_line : print_row,
		    &n);
		break;
	case SHOW:
		if ((rc = ops_flows_show(jn, argv[0], &out, &found)) == 0 &&
		    found)
			printf("%s\n", out.data);
		break;
	case STATS:
	case DASHBOARD:
		if ((rc = (cmd == STATS ? ops_flows_stats :
		    ops_flows_dashboard)(cfg, jn, now, &out)) == 0)
			printf("%s\n", out.data);
		break;
	case UNMATCHED:
		if ((rc = ops_flows_unmatched(jn, a->f.flow, a->f.after,
		    a->f.limit, &out)) == 0)
			printf("%s\n", out.data);
		break;
	case START:
		if (buf_read(&in, stdin, EVENT_MAX) != 0) {
			log_error(NULL, "stdin: cannot read the start event,"
			    " or it is over %d bytes", EVENT_MAX);
			rc = EX_DATAERR;
			goto end;
		}
		rc = ops_flows_start(&defs, jn, &(struct ops_flows_start){
		    .flow = argv[0], .json = in.data != NULL ? in.data : "",
		    .len = in.len }, now, &out, &why, &res);
		break;
	case PROCESS:
		if (a->pending) {
			if ((rc = ops_flows_process_pending(&defs, jn, now,
			    &out)) == 0)
				printf("%s\n", out.data);
			break;
		}
		rc = ops_flows_process(&defs, jn, argv[0], now, &out, &why,
		    &res);
		break;
	case PAUSE:
	case RESUME:
	case CANCEL:
		rc = ops_flows_move(cfg, jn, argv[0], cmd == PAUSE ?
		    OPS_FLOWS_PAUSE : cmd == RESUME ? OPS_FLOWS_RESUME :
		    OPS_FLOWS_CANCEL, now, &out, &why, &res);
		break;
	case SET:
		if ((rc = settings_json(argv + 1, argc - 1, &in)) != EX_OK)
			goto end;
		rc = ops_flows_set(cfg, jn, argv[0], in.data, in.len, now,
		    &out, &why, &res);
		break;
	case SIMULATE:		/* without the journal: see main */
		break;
	}
	if (cmd == START || cmd == SET || cmd == PAUSE || cmd == RESUME ||
	    cmd == CANCEL || (cmd == PROCESS && !a->pending))
		rc = changed(rc, res, jn, &out, &why);
	else if (rc != 0)
		rc = setup_journal_failed(jn);
	else if (!found) {
		log_error(NULL, "no flow instance '%s' in journal '%s'",
		    argv[0], journal_path(jn));
		rc = EX_DATAERR;
	}
end:
	if (compiled)
		flow_def_release(&defs);
	buf_release(&out);
	buf_release(&why);
	buf_release(&in);
	return rc;
}

/* The whole flow on a virtual clock, in a journal of its own. */
static int
simulate(const struct cfg *cfg, const char *flow, const struct args *a)
{
	struct flow_defs defs;
	struct buf start = BUF_INIT, events = BUF_INIT, out = BUF_INIT;
	struct buf why = BUF_INIT;
	FILE *f = NULL;
	int rc = EX_DATAERR;

	if (flow_def_init(&defs, cfg, &why) != 0) {
		log_error(NULL, "%s", why.data);
		buf_release(&why);
		return EX_CONFIG;
	}
	if (buf_read(&start, stdin, EVENT_MAX) != 0) {
		log_error(NULL, "stdin: cannot read the start event, or it is"
		    " over %d bytes", EVENT_MAX);
		goto out;
	}
	if (a->events != NULL && ((f = fopen(a->events, "r")) == NULL ||
	    buf_read(&events, f, 64 * EVENT_MAX) != 0)) {
		log_error(NULL, "%s: cannot read it, or it is over %d bytes",
		    a->events, 64 * EVENT_MAX);
		rc = EX_NOINPUT;
		goto out;
	}
	switch (flow_simulate(&defs, &(struct flow_simulation){ .flow = flow,
	    .start = start.data != NULL ? start.data : "",
	    .start_len = start.len, .events = events.data,
	    .events_len = events.len, .timeouts = a->timeouts }, &out, &why)) {
	case 0:
		fwrite(out.data, 1, out.len, stdout);
		rc = EX_OK;
		break;
	case 1:
		log_error(NULL, "%s", why.data);
		break;
	default:
		log_error(NULL, "simulation: %s", why.data);
		rc = EX_SOFTWARE;
	}
out:
	if (f != NULL)
		fclose(f);
	flow_def_release(&defs);
	buf_release(&start);
	buf_release(&events);
	buf_release(&out);
	buf_release(&why);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct args a = { .json = 0 };
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, list_opts[] = {
		OPTIONS_CALLBACK('f', "flow", "flow", filter, &a.f),
		OPTIONS_CALLBACK('S', "status", "status", filter, &a.f),
		OPTIONS_CALLBACK('T', "tenant", "tenant", filter, &a.f),
		OPTIONS_CALLBACK('a', "since", "since", filter, &a.f),
		OPTIONS_CALLBACK('b', "until", "until", filter, &a.f),
		OPTIONS_CALLBACK('e', "errors", "yes|no", filter, &a.f),
		OPTIONS_CALLBACK('n', "limit", "limit", filter, &a.f),
		OPTIONS_CALLBACK('C', "cursor", "cursor", filter, &a.f),
		OPTIONS_FLAG(0, "json", &a.json),
		OPTIONS_END
	}, process_opts[] = {
		OPTIONS_SHOW("", 1),	/* --pending: instead of the id */
		OPTIONS_FLAG(0, "pending", &a.pending),
		OPTIONS_END
	}, simulate_opts[] = {
		OPTIONS_STRING('e', "events", "file", &a.events),
		OPTIONS_FLAG(0, "timeouts", &a.timeouts),
		OPTIONS_END
	}, unmatched_opts[] = {
		OPTIONS_CALLBACK('f', "flow", "flow", filter, &a.f),
		OPTIONS_CALLBACK('n', "limit", "limit", filter, &a.f),
		OPTIONS_CALLBACK('C', "cursor", "cursor", filter, &a.f),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[LIST] = { "list", list_opts, NULL },
		[SHOW] = { "show", NULL, "id|number" },
		[START] = { "start", NULL, "flow" },
		[PROCESS] = { "process", process_opts, "id|number | --pending" },
		[PAUSE] = { "pause", NULL, "id|number" },
		[RESUME] = { "resume", NULL, "id|number" },
		[CANCEL] = { "cancel", NULL, "id|number" },
		[SET] = { "set", NULL, "id|number key=value ..." },
		[STATS] = { "stats", NULL, NULL },
		[DASHBOARD] = { "dashboard", NULL, NULL },
		[UNMATCHED] = { "unmatched", unmatched_opts, NULL },
		[SIMULATE] = { "simulate", simulate_opts, "flow" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-flow",
	    .opts = opts, .commands = cmds };

	log_init("integra-flow");
	ops_flows_filter_init(&a.f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (cmd == PROCESS ? (i < argc) == a.pending :
	    cmd == SET ? argc - i < 2 : 0)
		return options_usage(&prog);
	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if (cmd == SIMULATE)
		rc = simulate(cfg, argv[i], &a);
	else if ((rc = setup_journal(cfg, jpath, 0, &journal)) == EX_OK)
		rc = command(cfg, journal, cmd, &a, argv + i, argc - i);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
