/*
 * integra-retry: the scheduler (stage/retry.h).  A round once by default
 * (cron runs it every minute); --loop repeats it until SIGTERM or SIGINT.
 */
#include <stdio.h>

#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "stage/dispatch.h"
#include "stage/retry.h"

int
main(int argc, char *argv[])
{
	struct dispatch_opts o = { .pending = 1, .in_fd = -1,
	    .batch_max = 500, .batch_ms = 20 };
	const char *cfgpath = NULL, *jpath = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	long lease = 0, interval = 0;
	int i, once = 0, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_LEASE(&lease),
		OPTIONS_SHOW("[--once | --loop seconds]", 2),
		OPTIONS_FLAG(0, "once", &once),
		OPTIONS_NUMBER(0, "loop", "seconds", &interval, 1, 86400,
		    "--loop takes seconds, from 1 to 86400"),
		OPTIONS_END
	};
	const struct options_program prog = { .name = "integra-retry",
	    .opts = opts };

	log_init("integra-retry");
	if ((i = options_parse(&prog, NULL, argc, argv, &rc)) < 0)
		return rc;
	if (i != argc || (once && interval > 0))
		return options_usage(&prog);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK)
		goto out;
	if ((rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	o.cfg = cfg;
	o.journal = journal;
	o.lease_ms = lease > 0 ? lease * 1000 : dispatch_lease_ms(cfg);
	rc = interval > 0 ? retry_loop(&o, interval) : retry_round(&o);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
