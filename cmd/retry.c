/*
 * integra-retry: the scheduler.  A round moves deliveries that are out of
 * attempts to the dead-letter queue, then sends whatever is due: retries
 * whose backoff has passed, delayed steps, and claims whose lease ran out
 * (their dispatch died).  Sending is dispatch's own loop, in process, so
 * claims keep any number of retry and dispatch processes from sending a
 * delivery twice.  Once by default (cron runs it every minute); --loop
 * repeats the round until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "conf/config.h"
#include "stage/dispatch.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/dlq.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"

/* Out of attempts by the policy in force now: into the queue. */
static int
sweep(const struct cfg *cfg, struct journal *jn, long *moved)
{
	const struct cfg_target *t;
	int64_t now = clock_ms();
	size_t i;
	int rc, n;

	*moved = 0;
	if ((rc = journal_begin(jn)) != 0)
		goto fail;
	for (i = 0; i < cfg->ntargets; i++) {
		t = &cfg->targets[i];
		if ((rc = journal_dlq_sweep(jn, t->name, t->retry.max_attempts,
		    now, &n)) != 0)
			goto fail;
		if (n > 0)
			log_error(&(struct log_ids){ .target = t->name },
			    "%d failed deliver%s to '%s' out of attempts"
			    " (max_attempts %d): moved to the dead-letter"
			    " queue", n, n == 1 ? "y" : "ies", t->name,
			    t->retry.max_attempts);
		*moved += n;
	}
	if ((rc = journal_commit(jn)) != 0)
		goto fail;
	return EX_OK;
fail:
	return setup_journal_failed(jn);
}

static int
round_once(const struct dispatch_opts *o)
{
	struct dispatch_stats st;
	char err[1024];
	long moved;
	int rc;

	if ((rc = sweep(o->cfg, o->journal, &moved)) != EX_OK)
		return rc;
	err[0] = '\0';
	rc = dispatch_run(o, &st, err, sizeof(err));
	if (err[0] != '\0')
		log_error(NULL, "%s", err);
	log_info(NULL, "%ld moved to the dead-letter queue, %ld delivered,"
	    " %ld failed, %ld dead, %ld waiting for their target,"
	    " %ld released", moved, st.delivered, st.failed, st.dead,
	    st.waiting, st.released);
	if (rc == EX_OK && moved > 0)
		rc = EX_UNAVAILABLE;
	return rc;
}

/*
 * Rounds every interval seconds.  SIGTERM and SIGINT are blocked during a
 * round, so a round ends what it started (a kill -9 would be safe too:
 * its claims run out and the next round takes them).
 */
static int
loop(const struct dispatch_opts *o, long interval)
{
	struct timespec ts = { .tv_sec = interval };
	sigset_t stop;
	int rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (;;) {
		rc = round_once(o);
		/* What a round finds wrong with a delivery is in the journal;
		 * only the journal or the config failing ends the loop. */
		if (rc != EX_OK && rc != EX_UNAVAILABLE && rc != EX_TEMPFAIL &&
		    rc != EX_DATAERR)
			return rc;
		if (sigtimedwait(&stop, NULL, &ts) != -1)
			return EX_OK;
		if (errno != EAGAIN && errno != EINTR)
			return EX_OSERR;
	}
}

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
		OPTIONS_CONFIG(&cfgpath),
		OPTIONS_JOURNAL(&jpath),
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
	rc = interval > 0 ? loop(&o, interval) : round_once(&o);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
