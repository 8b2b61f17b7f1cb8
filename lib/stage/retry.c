/*
 * retry: the scheduler's round.  See stage/retry.h.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/dlq.h"
#include "flow/def.h"
#include "flow/round.h"
#include "stage/group.h"
#include "stage/retry.h"

/* Out of attempts by the policy in force now: into the queue. */
static int
sweep(const struct cfg *cfg, struct journal *jn, long *moved)
{
	const struct cfg_target *t;
	int64_t now = clock_ms();
	size_t i;
	int n;

	*moved = 0;
	if (journal_begin(jn) != 0)
		goto fail;
	for (i = 0; i < cfg->ntargets; i++) {
		t = &cfg->targets[i];
		if (journal_dlq_sweep(jn, t->name, t->retry.max_attempts, now,
		    &n) != 0)
			goto fail;
		if (n > 0)
			log_error(&(struct log_ids){ .target = t->name },
			    "%d failed deliver%s to '%s' out of attempts"
			    " (max_attempts %d): moved to the dead-letter"
			    " queue", n, n == 1 ? "y" : "ies", t->name,
			    t->retry.max_attempts);
		*moved += n;
	}
	if (journal_commit(jn) != 0)
		goto fail;
	return EX_OK;
fail:
	log_error(NULL, "%s", journal_error(jn));
	return journal_abort(jn);
}

/*
 * The flows' due instances moved on, so that the requests this makes go
 * out in the round's dispatch.
 */
static int
flows(const struct cfg *cfg, struct journal *jn)
{
	struct flow_defs defs;
	struct flow_round_stats st;
	struct buf err = BUF_INIT;
	int rc;

	if (cfg->nflows == 0)
		return EX_OK;
	if (flow_def_init(&defs, cfg, &err) != 0) {
		log_error(NULL, "%s", err.data);
		buf_release(&err);
		return EX_CONFIG;
	}
	if ((rc = flow_round(&defs, jn, clock_ms(), &st)) != 0) {
		log_error(NULL, "%s", journal_error(jn));
		rc = journal_abort(jn);
	} else
		log_info(NULL, "flows: %ld instance%s moved on, %ld request%s"
		    " made", st.instances, st.instances == 1 ? "" : "s",
		    st.steps, st.steps == 1 ? "" : "s");
	flow_def_release(&defs);
	return rc != 0 ? rc : EX_OK;
}

/* The groups whose time has come settle, or tell their progress. */
static int
groups(const struct cfg *cfg, struct journal *jn)
{
	long settled, told;

	if (journal_begin(jn) != 0 || group_round(jn, cfg, clock_ms(),
	    &settled, &told) != 0 || journal_commit(jn) != 0) {
		log_error(NULL, "%s", journal_error(jn));
		return journal_abort(jn);
	}
	if (settled + told > 0)
		log_info(NULL, "groups: %ld settled, %ld told their progress",
		    settled, told);
	return EX_OK;
}

int
retry_round(const struct dispatch_opts *o)
{
	struct dispatch_stats st;
	char err[1024];
	long moved;
	int rc;

	if ((rc = sweep(o->cfg, o->journal, &moved)) != EX_OK ||
	    (rc = groups(o->cfg, o->journal)) != EX_OK ||
	    (rc = flows(o->cfg, o->journal)) != EX_OK)
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

int
retry_loop(const struct dispatch_opts *o, long interval)
{
	struct timespec ts = { .tv_sec = interval };
	sigset_t stop;
	int rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (;;) {
		rc = retry_round(o);
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
