/*
 * integra-map: route canonical events and build their deliveries; with a
 * command (cmd/mapcmd.c), manage the versioned mappings they use.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "exitcode.h"
#include "journal.h"
#include "log.h"
#include "map.h"
#include "mapcmd.h"
#include "mapstore.h"
#include "options.h"
#include "setup.h"
#include "stream.h"


int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "pending", no_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'B' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf err = BUF_INIT;
	struct map m;
	struct stream s;
	const struct stream_stage stage = { .prepare = map_prepare,
	    .apply = map_apply, .work_free = map_work_free, .ctx = &m };
	char serr[1024];
	int ch, rc, pending = 0, stage_opts = 0;

	log_init("integra-map");
	stream_init(&s, NULL);
	/* "+": a command's own options are its own (cmd/mapcmd.c). */
	while ((ch = getopt_long(argc, argv, "+c:j:B:L:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'p':
			pending = stage_opts = 1;
			break;
		case 'B':
			if (options_batch(optarg, &s.batch_max) != 0)
				return options_usage(mapcmd_usage);
			stage_opts = 1;
			break;
		case 'L':
			if (options_max_line(optarg, &s.max_line) != 0)
				return options_usage(mapcmd_usage);
			stage_opts = 1;
			break;
		case 'h':
			return options_help(mapcmd_usage);
		case 'V':
			return options_version("integra-map");
		default:
			return options_usage(mapcmd_usage);
		}
	}
	if (optind != argc) {
		if (stage_opts)
			return options_usage(mapcmd_usage);
		rc = mapcmd_main(argc - optind, argv + optind, cfgpath, jpath);
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
	    (m.store = mapstore_open(journal_path(journal), serr,
	    sizeof(serr))) == NULL) {
		log_error(NULL, "%s", serr);
		rc = EX_SOFTWARE;
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
	map_release(&m);
out:
	buf_free(&err);
	stream_release(&s);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
