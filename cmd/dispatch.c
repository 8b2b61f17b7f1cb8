/*
 * integra-dispatch: deliver, record every attempt, write the outcomes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf/config.h"
#include "stage/dispatch.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "base/log.h"
#include "json/ndjson.h"
#include "cli/options.h"
#include "cli/setup.h"

static const char usage_text[] =
"usage: integra-dispatch [-h] [-c config] [-j journal] [-B records]\n"
"                        [-L bytes] [--lease seconds] [--pending]\n";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "pending", no_argument, NULL, 'p' },
		{ "lease", required_argument, NULL, 'l' },
		{ "batch", required_argument, NULL, 'B' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct dispatch_opts o = { .in_fd = STDIN_FILENO, .batch_max = 500,
	    .batch_ms = 20, .max_line = NDJSON_MAX_LINE };
	const char *cfgpath = NULL, *jpath = NULL;
	struct dispatch_stats st;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	char err[1024];
	long lease = 0;
	int ch, rc;

	log_init("integra-dispatch");
	while ((ch = getopt_long(argc, argv, "c:j:B:L:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'p':
			o.pending = 1;
			break;
		case 'l':
			if ((lease = options_number(optarg, 1, 86400)) < 0) {
				log_error(NULL, "--lease takes seconds, from 1"
				    " to 86400");
				return options_usage(usage_text);
			}
			break;
		case 'B':
			if (options_batch(optarg, &o.batch_max) != 0)
				return options_usage(usage_text);
			break;
		case 'L':
			if (options_max_line(optarg, &o.max_line) != 0)
				return options_usage(usage_text);
			break;
		case 'h':
			return options_help(usage_text);
		case 'V':
			return options_version("integra-dispatch");
		default:
			return options_usage(usage_text);
		}
	}
	if (optind != argc)
		return options_usage(usage_text);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if (!o.pending)
		setup_wait_input(STDIN_FILENO);
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	o.cfg = cfg;
	o.journal = journal;
	o.lease_ms = lease > 0 ? lease * 1000 : dispatch_lease_ms(cfg);
	err[0] = '\0';
	rc = dispatch_run(&o, &st, err, sizeof(err));
	if (err[0] != '\0')
		log_error(NULL, "%s", err);
	log_info(NULL, "%ld read, %ld delivered, %ld failed, %ld dead, %ld"
	    " waiting for their target, %ld skipped, %ld released, %ld"
	    " rejected", st.read, st.delivered, st.failed, st.dead,
	    st.waiting, st.skipped, st.released, st.rejected);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
