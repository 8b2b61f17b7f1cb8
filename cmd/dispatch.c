/*
 * integra-dispatch: deliver, record every attempt, write the outcomes.
 */
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

int
main(int argc, char *argv[])
{
	struct dispatch_opts o = { .in_fd = STDIN_FILENO, .batch_max = 500,
	    .batch_ms = 20, .max_line = NDJSON_MAX_LINE };
	const char *cfgpath = NULL, *jpath = NULL;
	struct dispatch_stats st;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	char err[1024];
	long lease = 0, poll = 0;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_BATCH(&o.batch_max),
		OPTIONS_MAX_LINE(&o.max_line),
		OPTIONS_LEASE(&lease),
		OPTIONS_FLAG(0, "pending", &o.pending),
		OPTIONS_FLAG(0, "follow", &o.follow),
		OPTIONS_NUMBER(0, "poll", "seconds", &poll, 1, 3600,
		    "--poll takes seconds, from 1 to 3600"),
		OPTIONS_FLAG(0, "retries-ok", &o.retries_ok),
		OPTIONS_END
	};
	const struct options_program prog = { .name = "integra-dispatch",
	    .opts = opts };
	int i, rc;

	log_init("integra-dispatch");
	if ((i = options_parse(&prog, NULL, argc, argv, &rc)) < 0)
		return rc;
	if (i != argc)
		return options_usage(&prog);
	if (poll > 0 && !o.follow) {
		log_error(NULL, "--poll goes with --follow");
		return EX_USAGE;
	}
	/* Following the journal is draining it, and going on. */
	if (o.follow)
		o.pending = 1;
	o.poll_ms = poll * 1000;

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
