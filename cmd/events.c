/*
 * integra-events: list, show and retry the journal's events, as the
 * receiver's /api/events does.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "conf/config.h"
#include "ops/events.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"

static const char usage_text[] =
"usage: integra-events [-h] [-c config] [-j journal] list [-t type]\n"
"                      [-s source] [-S status] [-T tenant] [-a since]\n"
"                      [-b until] [-n limit] [-C cursor]\n"
"       integra-events [-h] [-c config] [-j journal] show id\n"
"       integra-events [-h] [-c config] [-j journal] retry id\n";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		OPS_EVENTS_FILTER_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL, *jpath = NULL, *cmd, *id = NULL;
	struct journal_filter f;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	char err[160];
	int ch, rc, found = 1, nfilters = 0;

	log_init("integra-events");
	ops_events_filter_init(&f);
	while ((ch = getopt_long(argc, argv, "c:j:hV" OPS_EVENTS_FILTER_OPTS,
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'h':
			return options_help(usage_text);
		case 'V':
			return options_version("integra-events");
		case '?':
			return options_usage(usage_text);
		default:
			if (ops_events_filter_set(&f, ops_events_filter_of(ch),
			    optarg, err, sizeof(err)) != 0) {
				log_error(NULL, "%s", err);
				return options_usage(usage_text);
			}
			nfilters++;
		}
	}
	if (optind >= argc)
		return options_usage(usage_text);
	cmd = argv[optind++];
	if (optind < argc)
		id = argv[optind++];
	if (optind != argc || (strcmp(cmd, "list") == 0 ? id != NULL :
	    id == NULL || nfilters > 0) || (strcmp(cmd, "list") != 0 &&
	    strcmp(cmd, "show") != 0 && strcmp(cmd, "retry") != 0))
		return options_usage(usage_text);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (strcmp(cmd, "list") == 0)
		rc = ops_events_list(journal, &f, &out);
	else if (strcmp(cmd, "show") == 0)
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
