/*
 * integra-ingest: take events in, journal them, write their envelopes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "exitcode.h"
#include "ingest.h"
#include "journal.h"
#include "log.h"
#include "listen.h"
#include "options.h"
#include "receiver.h"
#include "setup.h"
#include "stream.h"

static const char usage_text[] =
"usage: integra-ingest [-h] [-c config] [-j journal] [-T tenant]\n"
"                      [-s source -t type [-k member]] [-B records]\n"
"                      [-L bytes]\n"
"       integra-ingest -l address [-c config] [-j journal] [-T tenant]\n"
"                      [-M bytes]\n";

#define MAX_BODY	(1024 * 1024)

/* The receiver: integra-ingest -l. */
static int
serve(const struct cfg *cfg, struct journal *journal, const char *addr,
    const char *tenant, size_t max_body)
{
	struct receiver_opts o = { .max_body = max_body, .tenant = tenant };
	char err[256];
	int rc, port;

	if ((o.fd = listen_on(addr, err, sizeof(err))) == -1) {
		log_error(NULL, "%s", err);
		return EX_UNAVAILABLE;
	}
	if ((port = listen_port(o.fd)) != 0)
		log_info(NULL, "listening on %s, port %d", addr, port);
	else
		log_info(NULL, "listening on %s", addr);
	rc = receiver_run(cfg, journal, &o);
	close(o.fd);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "source", required_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "tenant", required_argument, NULL, 'T' },
		{ "batch", required_argument, NULL, 'B' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "listen", required_argument, NULL, 'l' },
		{ "max-body", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL, *jpath = NULL, *tenant = NULL;
	const char *listen = NULL;
	size_t max_body = MAX_BODY;
	long n;
	int stream_opts = 0;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct ingest ig;
	struct stream s;
	struct stream_stage stage = { .prepare = ingest_prepare,
	    .apply = ingest_apply, .work_free = ingest_work_free, .ctx = &ig };
	int ch, rc;

	log_init("integra-ingest");
	ingest_init(&ig);
	stream_init(&s, NULL);
	while ((ch = getopt_long(argc, argv, "c:j:s:t:k:T:B:L:l:M:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 's':
			ig.source = optarg;
			stream_opts = 1;
			break;
		case 't':
			ig.type = optarg;
			stream_opts = 1;
			break;
		case 'k':
			ig.key = optarg;
			stream_opts = 1;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'M':
			if ((n = options_number(optarg, 64, 64L << 20)) == -1) {
				log_error(NULL, "-M: a size from 64 to 67108864"
				    " bytes");
				return options_usage(usage_text);
			}
			max_body = (size_t)n;
			break;
		case 'T':
			tenant = optarg;
			break;
		case 'B':
			if (options_batch(optarg, &s.batch_max) != 0)
				return options_usage(usage_text);
			stream_opts = 1;
			break;
		case 'L':
			if (options_max_line(optarg, &s.max_line) != 0)
				return options_usage(usage_text);
			stream_opts = 1;
			break;
		case 'h':
			return options_help(usage_text);
		case 'V':
			return options_version("integra-ingest");
		default:
			return options_usage(usage_text);
		}
	}
	if (optind != argc || (listen != NULL && stream_opts) ||
	    (listen == NULL && max_body != MAX_BODY) ||
	    (ig.source == NULL) != (ig.type == NULL) ||
	    (ig.key != NULL && ig.source == NULL))
		return options_usage(usage_text);
	if ((ig.source != NULL && !event_name_valid(ig.source)) ||
	    (ig.type != NULL && !event_name_valid(ig.type)) ||
	    (tenant != NULL && !event_name_valid(tenant))) {
		log_error(NULL, "source, type and tenant are letters, digits"
		    " and ._:-/");
		return options_usage(usage_text);
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 1, &journal)) != EX_OK)
		goto out;
	ig.tenant = tenant != NULL ? tenant : cfg->tenant;
	if (listen != NULL) {
		rc = serve(cfg, journal, listen, ig.tenant, max_body);
		goto out;
	}
	s.journal = journal;
	/* A raw payload is embedded as it came: no tree, unless for --key. */
	stage.no_tree = ig.source != NULL && ig.key == NULL;
	rc = stream_fd(&s, STDIN_FILENO, &stage);
	if (s.err[0] != '\0')
		log_error(NULL, "%s", s.err);
	log_info(NULL, "%ld read, %ld journaled, %ld duplicate, %ld rejected",
	    s.nread, s.nok - ig.nduplicates, ig.nduplicates, s.nrejected);
out:
	stream_release(&s);
	ingest_release(&ig);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
