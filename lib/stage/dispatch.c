/*
 * dispatch: the delivery loop.
 *
 * One thread runs it all: stdin, libcurl's transfers and the journal.  A
 * tick commits, in one transaction, the attempts that came back and the
 * claims for the next deliveries; only then are outcomes written and the
 * claimed requests sent.  So an outcome on stdout is always in the
 * journal, and a delivery is sent only by the process whose claim was
 * committed.  A process killed after sending but before its tick leaves an
 * in-flight delivery whose lease runs out: it is sent again (at least
 * once), with the same Idempotency-Key.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/buf.h"
#include "transport/circuit.h"
#include "base/clock.h"
#include "conf/config.h"
#include "stage/dispatch.h"
#include "base/exitcode.h"
#include "stage/followup.h"
#include "stage/group.h"
#include "flow/def.h"
#include "flow/instance.h"
#include "flow/run.h"
#include "transport/http.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/targets.h"
#include "base/log.h"
#include "stage/map.h"
#include "json/ndjson.h"
#include "stage/outcome.h"
#include "stage/priority.h"
#include "base/progress.h"
#include "transport/redact.h"
#include "transport/retrypolicy.h"
#include "transport/token.h"
#include "transport/transport.h"
#include "stage/made.h"
#include "stage/stream.h"

#define CAPACITY_MAX	1024	/* claimed deliveries held at once */
#define LEASE_MIN_MS	60000
#define IDLE_WAIT_MS	1000
/*
 * --follow: how often it looks for work no one told of (a failed
 * delivery come due), where the journal tells of new work, and where it
 * cannot (a SQLite file); and the longest wait between looks at the
 * signal that stops it.
 */
#define FOLLOW_TOLD_MS	30000
#define FOLLOW_POLL_MS	1000
#define FOLLOW_WAIT_MS	1000
#define PACE_BURST_MS	20	/* a paced target's bucket: burst() */
#define EMIT_RESPONSE_MAX	(64 * 1024 * 1024)	/* bytes of an answer
							   that becomes an
							   event */

/*
 * A target's claimed deliveries waiting for a slot: one FIFO a class, the
 * highest class's taken first.
 */
struct queue {
	struct job		*head[PRIORITY_COUNT];
	struct job		*tail[PRIORITY_COUNT];
	size_t			 n;
};

struct target_rt {
	struct transport_target	 tt;		/* its config, its secrets */
	int			 inflight;
	int			 gone;		/* 1: answered 410, 2: disabled */
	struct circuit_tries	 tries;		/* since the last tick */
	/*
	 * Failed tries in a row as far as this run knows: the journal's
	 * count at the last tick, and its own since.  At the threshold,
	 * with the tries since the last tick failing at the error rate, no
	 * more is started until the tick has said whether the circuit
	 * opens (held).
	 */
	int			 streak;
	int			 held;
	int			 probing;	/* this run holds its probe */
	/*
	 * A paced target's: whether this run holds it (sends to it), and
	 * its token bucket (burst()): requests start 1/rate apart, on
	 * average.
	 */
	int			 holding;
	int			 more;		/* deliveries given back since
						   the last claim */
	int64_t			 claim_after;	/* claims none before then */
	double			 tokens;
	int64_t			 tokens_at;	/* mono ms */
	/*
	 * Its auth's token could not be had: what it claimed goes back at
	 * the next tick, and why is told.
	 */
	int			 token_down;
	struct token_failure	 token_failure;
	struct queue		 queue;
};

struct job {
	struct job		*next;
	struct target_rt	*t;		/* NULL: not in the config */
	char			 id[ID_LEN + 1];
	char			 event[ID_LEN + 1];
	char			*target;
	char			*route;
	int			 step;		/* in its route */
	struct transport_req	 req;
	int			 attempt;
	int			 priority;
	int			 own;		/* of integra's own event */
	char			*tenant;	/* its event's */
	char			*group;		/* NULL: none */
	char			*item;		/* a fan-out's; NULL: none */
	int			 emits;		/* its answer becomes an event */
	const char		*cadence;	/* a cadence's message: its */
	const char		*channel;	/* cadence and channel (config's) */
	struct buf		 emit;		/* that event's data */
	int			 untried;	/* failed before it was sent */
	int64_t			 ticket;	/* its try's, sent (journal.h) */
	int			 kept;		/* its try recorded as its own */
	int			 reauth;	/* sent again after a 401 */
	int64_t			 lease_until;	/* when the claim runs out */
	/* The outcome. */
	const char		*status;
	int64_t			 not_before;
	char			 excerpt[REDACT_EXCERPT_MAX + 1];
};

/* --follow: SIGTERM, SIGINT or SIGHUP came; finish what is held, exit. */
static volatile sig_atomic_t	stop_asked;

struct run {
	const struct dispatch_opts	*o;
	struct dispatch_stats		*st;
	struct http			*http;
	struct target_rt		*targets;
	size_t				 ntargets;
	struct map			*steps;		/* NULL: no route has
							   later steps, and
							   there is no flow */
	char				(*instances)[ID_LEN + 1];	/* read,
							   to move on */
	size_t				 ninstances;
	char				 owner[128];
	struct ndjson			*in;
	int				 in_done;	/* no more to read or claim */
	int				 told_fd;	/* --follow: readable when
							   the journal tells
							   of work; -1: none */
	int64_t				 poll_ms;	/* --follow: how often
							   to look anyway */
	int				 read_failed;
	char				(*ids)[ID_LEN + 1];	/* read, to claim */
	size_t				 nids;
	struct job			**done;		/* back, to record */
	size_t				 ndone;
	size_t				 held;		/* claimed, not recorded */
	struct job			*claimed;	/* the last one */
	int64_t				 now;		/* of the tick */
	int64_t				 lease_until;	/* of the claims being made */
	size_t				 capacity;
	int64_t				 oldest;	/* mono ms of the oldest unflushed */
	int64_t				 wake;		/* mono ms a paced start is
							   due; 0: none */
	int64_t				 more_at;	/* ms a paced target wants
							   more claimed; 0: none */
	int				 token_down;	/* a target's is */
	struct buf			 out;
	struct buf			 reason;
	struct progress			 progress;
	uint64_t			 rng;
	char				*err;
	size_t				 errsz;
};

static uint64_t
rng_next(struct run *r)
{
	/* xorshift64*: the jitter needs spread, not secrecy. */
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 2685821657736338717ULL;
}

static int
setup_targets(struct run *r)
{
	const struct cfg *cfg = r->o->cfg;
	struct buf tokens = BUF_INIT;
	size_t i;
	int rc = 0;

	r->ntargets = cfg->ntargets;
	r->targets = xcalloc(cfg->ntargets + 1, sizeof(*r->targets));
	token_dir(journal_path(r->o->journal), &tokens);
	for (i = 0; i < cfg->ntargets && rc == 0; i++) {
		rc = transport_target_init(&r->targets[i].tt, &cfg->targets[i],
		    tokens.data, r->err, r->errsz);
		r->targets[i].tt.config = cfg->path;
		r->targets[i].tt.journal = journal_path(r->o->journal);
	}
	buf_release(&tokens);
	return rc;
}

/*
 * The routes' later steps, built here as the steps before them end, and
 * the flows' steps, run as the ones before them end.
 */
static int
setup_steps(struct run *r)
{
	struct buf err = BUF_INIT;

	if (!followup_any(r->o->cfg) && r->o->cfg->nflows == 0)
		return 0;
	r->steps = xcalloc(1, sizeof(*r->steps));
	if (map_init(r->steps, r->o->cfg, &err) != 0) {
		snprintf(r->err, r->errsz, "%s", err.data);
		buf_release(&err);
		free(r->steps);
		r->steps = NULL;
		return -1;
	}
	return 0;
}

static struct target_rt *
find_target(struct run *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ntargets; i++)
		if (strcmp(r->targets[i].tt.cfg->name, name) == 0)
			return &r->targets[i];
	return NULL;
}

static void
job_free(struct job *j)
{
	transport_req_release(&j->req);
	buf_release(&j->emit);
	free(j->target);
	free(j->tenant);
	free(j->group);
	free(j->item);
	free(j->route);
	free(j);
}

/* The end of j as followup sees it. */
static struct followup_end
end_of(const struct job *j)
{
	return (struct followup_end){ .delivery = j->id, .event = j->event,
	    .route = j->route, .step = j->step,
	    .delivered = strcmp(j->status != NULL ? j->status : "",
	    "delivered") == 0, .http_status = j->req.x.status,
	    .response = j->req.x.response.data,
	    .response_len = j->req.x.response.len,
	    .error = j->req.x.error_class != NULL ? j->req.x.error : NULL,
	    .request = j->req.body, .request_len = j->req.body_len,
	    .group = j->group, .tenant = j->tenant, .item = j->item };
}

/*
 * A delivered answer that is to become an event: its data is made now,
 * on dispatch's thread, and journaled with the try.  If it cannot be,
 * the try is not a delivery: -1, with the reason as its error.
 */
static int
emit_data(struct run *r, struct job *j)
{
	struct followup_end e = end_of(j);
	struct buf why = BUF_INIT;
	int rc;

	if (r->steps == NULL ||
	    (rc = followup_emit_data(r->steps, r->o->journal, &e, &j->emit,
	    &why)) >= 0) {
		buf_release(&why);
		return 0;
	}
	buf_reset(&j->emit);
	j->req.x.error_class = "response";
	snprintf(j->req.x.error, sizeof(j->req.x.error), "%s", why.data);
	buf_release(&why);
	return -1;
}

static void
finish(struct run *r, struct job *j)
{
	const struct cfg_retry *policy = j->t != NULL ? &j->t->tt.cfg->retry :
	    &r->o->cfg->retry;
	int64_t now = clock_ms();
	enum retry_verdict v;

	j->not_before = now;
	v = policy_verdict(policy, j->req.x.status, j->req.x.error_class);
	if (v == RETRY_DONE && j->emits && emit_data(r, j) != 0)
		v = policy->max_attempts > j->attempt ? RETRY_AGAIN :
		    RETRY_NEVER;
	/* Any answer tells the circuit the target is there. */
	if (j->t != NULL && !j->untried) {
		struct target_rt *t = j->t;

		t->tries.tries++;
		if (v == RETRY_AGAIN) {
			t->tries.failed++;
			t->tries.failures_after++;
			/* Failing like a target that is down? */
			if (++t->streak >= t->tt.cfg->circuit.failures &&
			    t->tt.cfg->circuit.failures > 0 &&
			    t->tries.failed * 100 >=
			    t->tt.cfg->circuit.error_rate * t->tries.tries)
				t->held = 1;
		} else {
			t->tries.answered = 1;
			t->tries.failures_after = t->streak = 0;
		}
	}
	switch (v) {
	case RETRY_DONE:
		j->status = "delivered";
		if (j->t != NULL)
			transport_delivered(&j->t->tt, &j->req);
		break;
	case RETRY_NEVER:
		j->status = "dead";
		break;
	case RETRY_GONE:
		/* Not the delivery's fault: it waits for the target. */
		j->status = "pending";
		if (j->t->gone == 0)
			j->t->gone = 1;
		break;
	case RETRY_AGAIN:
		if (j->attempt >= policy->max_attempts) {
			j->status = "dead";
			break;
		}
		j->status = "failed";
		j->not_before = now + policy_wait(policy, j->attempt,
		    j->req.x.status, j->req.x.retry_after_ms, rng_next(r));
		break;
	}
	if (j->req.x.response.len > 0)
		redact_excerpt(j->req.x.response.data, j->req.x.response.len,
		    j->excerpt, sizeof(j->excerpt), REDACT_EXCERPT_MAX);
	if (r->ndone == 0 && r->nids == 0)
		r->oldest = clock_mono_ms();
	r->done[r->ndone++] = j;
}

/* A delivery that cannot be tried: recorded as a failed attempt. */
static void
fail_now(struct run *r, struct job *j, const char *class, const char *why)
{
	j->req.x.started_ms = clock_ms();
	j->req.x.duration_ms = 0;
	j->req.x.status = 0;
	j->req.x.retry_after_ms = -1;
	j->req.x.error_class = class;
	snprintf(j->req.x.error, sizeof(j->req.x.error), "%s", why);
	j->untried = 1;
	finish(r, j);
}

static int
job_class(const struct job *j)
{
	return j->priority >= 0 && j->priority < PRIORITY_COUNT ?
	    j->priority : PRIORITY_DEFAULT;
}

static void
queue_push(struct queue *q, struct job *j)
{
	int p = job_class(j);

	j->next = NULL;
	if (q->tail[p] != NULL)
		q->tail[p]->next = j;
	else
		q->head[p] = j;
	q->tail[p] = j;
	q->n++;
}

/* j first in its class: a request sent again goes before the others. */
static void
queue_unshift(struct queue *q, struct job *j)
{
	int p = job_class(j);

	if ((j->next = q->head[p]) == NULL)
		q->tail[p] = j;
	q->head[p] = j;
	q->n++;
}

/* The next job to start, or NULL. */
static struct job *
queue_pop(struct queue *q)
{
	struct job *j;
	int p;

	for (p = 0; p < PRIORITY_COUNT; p++)
		if ((j = q->head[p]) != NULL) {
			if ((q->head[p] = j->next) == NULL)
				q->tail[p] = NULL;
			j->next = NULL;
			q->n--;
			return j;
		}
	return NULL;
}

/*
 * The tokens a paced target's bucket holds at most: what its rate sends
 * in PACE_BURST_MS, at least one.  A loop that wakes a little late then
 * starts the requests it owes at once, and the rate holds on average; a
 * bucket of one would lose them, and the rate with them.
 */
static double
burst(const struct target_rt *t)
{
	double n = t->tt.cfg->rate * PACE_BURST_MS / 1000;

	return n > 1 ? n : 1;
}

/*
 * Whether a paced target may start a request now: it has a token.  If
 * not, r->wake says when it will.
 */
static int
paced_token(struct run *r, struct target_rt *t)
{
	int64_t mono = clock_mono_ms(), at;

	if (t->tt.cfg->rate <= 0)
		return 1;
	t->tokens += (double)(mono - t->tokens_at) * t->tt.cfg->rate / 1000;
	if (t->tokens > burst(t))
		t->tokens = burst(t);
	t->tokens_at = mono;
	if (t->tokens >= 1) {
		t->tokens -= 1;
		return 1;
	}
	at = mono + 1 + (int64_t)((1 - t->tokens) * 1000 / t->tt.cfg->rate);
	if (r->wake == 0 || at < r->wake)
		r->wake = at;
	return 0;
}

/*
 * Whether t may start a request as far as its auth goes: it needs no
 * token, or has one.  If it cannot have one, its deliveries go back at
 * the next tick.
 */
static int
has_token(struct run *r, struct target_rt *t)
{
	struct token_failure *f = &t->token_failure;
	struct log_ids ids = { .target = t->tt.cfg->name };
	char at[RFC3339_LEN + 1];

	if (t->tt.token == NULL || token_ready(t->tt.token, clock_ms(),
	    f) == 0)
		return 1;
	t->token_down = r->token_down = 1;
	clock_rfc3339(f->retry_at, at);
	/* The answer may hold secrets: its status alone is told. */
	if (f->asked)
		log_error(&ids, "target '%s': its token endpoint failed (HTTP"
		    " %d): %s; asked again from %s, its deliveries wait",
		    t->tt.cfg->name, f->http_status, f->error, at);
	else
		log_warn(&ids, "target '%s' has no token (the endpoint failed,"
		    " HTTP %d: %s); asked again from %s, its deliveries wait",
		    t->tt.cfg->name, f->http_status, f->error, at);
	return 0;
}

static int
on_claim(void *ctx, const struct journal_claim *c)
{
	struct run *r = ctx;
	const struct cfg_route *route;
	struct job *j;

	j = xcalloc(1, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "%s", c->id);
	snprintf(j->event, sizeof(j->event), "%s", c->event_id);
	j->target = xstrdup(c->target);
	j->route = xstrdup(c->route);
	j->step = c->step;
	j->req.id = j->id;
	j->req.method = xstrdup(c->method);
	j->req.url = xstrdup(c->url);
	j->req.body = xstrndup(c->body != NULL ? c->body : "", c->body_len);
	j->req.body_len = c->body_len;
	j->attempt = c->attempts + 1;
	j->priority = c->priority;
	j->own = outcome_is_own(c->event_type);
	j->tenant = c->tenant != NULL ? xstrdup(c->tenant) : NULL;
	j->group = c->group != NULL ? xstrdup(c->group) : NULL;
	j->item = c->item != NULL ? xstrdup(c->item) : NULL;
	j->emits = (route = cfg_route(r->o->cfg, c->route)) != NULL &&
	    c->step >= 0 && (size_t)c->step < route->nsteps &&
	    route->steps[c->step].emit_type != NULL;
	/* A cadence's route is CADENCE/STEP/CHANNEL: counted by channel. */
	if (route != NULL && route->cadence != NULL) {
		j->cadence = route->cadence;
		j->channel = strrchr(route->name, '/') + 1;
	}
	j->lease_until = r->lease_until;
	j->t = find_target(r, c->target);
	j->req.headers = transport_headers(c->headers, c->id, c->event_id,
	    j->t != NULL ? &j->t->tt : NULL);
	r->held++;
	r->claimed = j;
	if (j->t == NULL) {
		fail_now(r, j, "config", "target is not in the config");
		return 0;
	}
	queue_push(&j->t->queue, j);
	return 0;
}

/* Starts what the targets' concurrency allows. */
static void
start_ready(struct run *r)
{
	struct target_rt *t;
	struct job *j;
	char why[sizeof(j->req.x.error)];
	size_t i;

	r->wake = 0;
	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		while (!t->gone && !t->held && !t->token_down &&
		    t->inflight < t->tt.cfg->concurrency && t->queue.n > 0 &&
		    has_token(r, t) && paced_token(r, t) &&
		    (j = queue_pop(&t->queue)) != NULL) {
			/*
			 * A transfer that could outlive its claim is not
			 * started: once the lease runs out another dispatch
			 * may claim it, and two must never send it at once.
			 * It stays in flight in the journal until then.
			 */
			if (clock_ms() + t->tt.cfg->timeout_ms >=
			    j->lease_until) {
				log_warn(&(struct log_ids){ .delivery = j->id,
				    .event = j->event, .target = j->target },
				    "delivery %s to '%s' waited out its claim:"
				    " left for the next claim", j->id,
				    j->target);
				r->st->released++;
				r->held--;
				job_free(j);
				continue;
			}
			if (transport_prepare(&t->tt, &j->req, j, why,
			    sizeof(why)) != 0) {
				fail_now(r, j, "invalid", why);
				continue;
			}
			/* A kind that is no transfer is done at once. */
			if (t->tt.kind->run != NULL) {
				t->tt.kind->run(&t->tt, &j->req);
				finish(r, j);
				continue;
			}
			/* An answer that becomes an event is kept whole. */
			if (j->emits)
				j->req.x.response_max = EMIT_RESPONSE_MAX;
			if (http_start(r->http, &j->req.x) != 0) {
				snprintf(why, sizeof(why), "%s",
				    j->req.x.error);
				fail_now(r, j, "internal", why);
				continue;
			}
			t->inflight++;
		}
	}
}

static void
write_outcome(struct run *r, const struct job *j)
{
	struct buf *o = &r->out;
	char when[RFC3339_LEN + 1];

	buf_addf(o, "{\"delivery\":\"%s\",\"event\":\"%s\",\"target\":",
	    j->id, j->event);
	buf_add_json_string(o, j->target, strlen(j->target));
	buf_adds(o, ",\"route\":");
	buf_add_json_string(o, j->route, strlen(j->route));
	buf_addf(o, ",\"status\":\"%s\",\"attempt\":%d", j->status,
	    j->attempt);
	if (j->req.x.status > 0)
		buf_addf(o, ",\"http_status\":%d", j->req.x.status);
	buf_addf(o, ",\"duration_ms\":%lld", (long long)j->req.x.duration_ms);
	if (j->req.x.error_class != NULL) {
		buf_addf(o, ",\"error_class\":\"%s\",\"error\":",
		    j->req.x.error_class);
		buf_add_json_string(o, j->req.x.error, strlen(j->req.x.error));
	}
	if (strcmp(j->status, "failed") == 0) {
		clock_rfc3339(j->not_before, when);
		buf_addf(o, ",\"not_before\":\"%s\"", when);
	}
	buf_adds(o, "}\n");
}

static void
count_and_log(struct run *r, const struct job *j)
{
	struct log_ids ids = { .event = j->event, .delivery = j->id,
	    .target = j->target };

	if (strcmp(j->status, "delivered") == 0) {
		r->st->delivered++;
		log_debug(&ids, "delivery %s to '%s': %d in %lld ms", j->id,
		    j->target, j->req.x.status, (long long)j->req.x.duration_ms);
	} else if (strcmp(j->status, "dead") == 0) {
		r->st->dead++;
		log_error(&ids, "delivery %s to '%s' is dead after %d"
		    " attempt%s: %s", j->id, j->target, j->attempt,
		    j->attempt == 1 ? "" : "s", j->req.x.error);
	} else if (strcmp(j->status, "pending") == 0) {
		r->st->waiting++;
		log_warn(&ids, "delivery %s to '%s': %s; it waits for the"
		    " target to be enabled again", j->id, j->target,
		    j->req.x.error);
	} else {
		r->st->failed++;
		log_warn(&ids, "delivery %s to '%s' failed (attempt %d): %s:"
		    " %s", j->id, j->target, j->attempt, j->req.x.error_class,
		    j->req.x.error);
	}
}

static int
journal_failed(struct run *r)
{
	snprintf(r->err, r->errsz, "%s", journal_error(r->o->journal));
	return journal_abort(r->o->journal);
}

/*
 * Gives back the deliveries claimed for t and not started: they wait in
 * the journal, their attempts untouched.
 */
static int
hold_back(struct run *r, struct target_rt *t)
{
	struct job *j;
	int rc;

	while ((j = queue_pop(&t->queue)) != NULL) {
		rc = journal_claim_release(r->o->journal, j->id, r->owner,
		    r->now);
		r->st->waiting++;
		r->held--;
		job_free(j);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A target that answered 410 Gone is disabled until an admin enables it
 * again.  Committed or not, this run sends it no more.
 */
static int
disable_gone(struct run *r)
{
	struct target_rt *t;
	size_t i;
	int rc;

	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		if (t->gone != 1)
			continue;
		t->gone = 2;
		log_error(&(struct log_ids){ .target = t->tt.cfg->name },
		    "target '%s' answered 410 Gone: disabled until an admin"
		    " enables it (integra targets enable %s)", t->tt.cfg->name,
		    t->tt.cfg->name);
		if ((rc = journal_target_disable(r->o->journal, t->tt.cfg->name,
		    "410 Gone", r->now)) != 0 || (rc = hold_back(r, t)) != 0)
			return rc;
		if ((t->tt.cfg->outcomes & OUTCOME_DISABLED) &&
		    (rc = outcome_journal(r->o->journal, &(struct outcome){
		    .kind = OUTCOME_DISABLED, .tenant = r->o->cfg->tenant,
		    .target = t->tt.cfg->name, .http_status = 410,
		    .error = "410 Gone" }, r->now)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Each target's circuit learns the tries that came back since the last
 * tick.  While it is open, the deliveries claimed for the target and not
 * started are given back.
 */
static int
circuits(struct run *r)
{
	struct journal *jn = r->o->journal;
	struct circuit_state c;
	struct target_rt *t;
	struct log_ids ids = { .target = NULL };
	char until[RFC3339_LEN + 1];
	size_t i;
	int rc, probed;

	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		if (t->gone || t->tries.tries == 0)
			continue;
		ids.target = t->tt.cfg->name;
		probed = t->probing;
		t->probing = t->held = 0;
		if ((rc = journal_circuit_get(jn, t->tt.cfg->name, &c)) != 0)
			return rc;
		switch (circuit_update(&c, &t->tt.cfg->circuit, &t->tries,
		    r->now)) {
		case CIRCUIT_OPENED:
		case CIRCUIT_OPEN_AGAIN:
			clock_rfc3339(c.open_until, until);
			if (probed)
				log_warn(&ids, "target '%s' failed the probe:"
				    " its circuit is open again until %s",
				    t->tt.cfg->name, until);
			else if (c.opened_at == r->now)
				log_error(&ids, "target '%s' failed %d times"
				    " in a row: its circuit is open until %s",
				    t->tt.cfg->name, c.failures, until);
			break;
		case CIRCUIT_CLOSED:
			log_info(&ids, "target '%s' answered: its circuit is"
			    " closed", t->tt.cfg->name);
			/* Its deliveries may be claimed again: go on. */
			if (probed)
				r->in_done = 0;
			break;
		case CIRCUIT_SAME:
			break;
		}
		memset(&t->tries, 0, sizeof(t->tries));
		t->streak = c.failures;
		if ((rc = journal_circuit_put(jn, t->tt.cfg->name, &c,
		    r->now)) != 0)
			return rc;
		if (c.open_until > r->now && (rc = hold_back(r, t)) != 0)
			return rc;
	}
	return 0;
}

/*
 * The event that tells a target has no token, from the process whose
 * fetch began the failure: one an episode, whose first failure's time
 * its key holds, so that it is one event however often it is told.
 */
static int
token_alert(struct run *r, const struct target_rt *t)
{
	const struct token_failure *f = &t->token_failure;
	const char *name = t->tt.cfg->name;
	struct buf data = BUF_INIT, key = BUF_INIT, line = BUF_INIT;
	char at[RFC3339_LEN + 1];
	int rc;

	clock_rfc3339(f->retry_at, at);
	buf_adds(&data, "{\"target\":");
	buf_add_json_string(&data, name, strlen(name));
	if (f->http_status > 0)
		buf_addf(&data, ",\"http_status\":%d", f->http_status);
	buf_adds(&data, ",\"error\":");
	buf_add_json_string(&data, f->error, strlen(f->error));
	buf_addf(&data, ",\"retry_at\":\"%s\"}", at);
	buf_addf(&key, "%s:%lld:integra.token.failed", name,
	    (long long)f->since);
	rc = made_event(r->o->journal, &(struct made){
	    .source = "integra/dispatch", .type = "integra.token.failed",
	    .subject = name, .tenant = r->o->cfg->tenant, .key = key.data,
	    .data = data.data, .len = data.len, .now = r->now }, &line);
	buf_release(&data);
	buf_release(&key);
	buf_release(&line);
	return rc;
}

/*
 * The targets whose token could not be had: what they claimed and did
 * not start goes back, untouched, and their circuit is held open until
 * the token endpoint may be asked again, so that no process claims their
 * deliveries before then; a half-open circuit's probe then asks it.
 */
static int
tokens_down(struct run *r)
{
	struct circuit_state c;
	struct target_rt *t;
	size_t i;
	int rc;

	for (i = 0; r->token_down && i < r->ntargets; i++) {
		t = &r->targets[i];
		if (!t->token_down)
			continue;
		t->token_down = t->probing = 0;
		if ((t->token_failure.first && (rc = token_alert(r, t)) != 0) ||
		    (rc = journal_circuit_get(r->o->journal, t->tt.cfg->name,
		    &c)) != 0)
			return rc;
		if (c.open_until < t->token_failure.retry_at) {
			if (c.opened_at == 0)
				c.opened_at = r->now;
			c.open_until = t->token_failure.retry_at;
			if ((rc = journal_circuit_put(r->o->journal,
			    t->tt.cfg->name, &c, r->now)) != 0)
				return rc;
		}
		if ((rc = hold_back(r, t)) != 0)
			return rc;
	}
	r->token_down = 0;
	return 0;
}

/*
 * A journal_name_fn: this run holds the probe of target name's half-open
 * circuit, and claims one delivery to send as the probe.
 */
static int
probe(void *ctx, const char *name)
{
	struct run *r = ctx;
	struct target_rt *t = find_target(r, name);
	int rc, n = 0;

	if (t != NULL && !t->gone && (rc = journal_claim_probe(r->o->journal,
	    name, r->owner, r->now, r->lease_until, on_claim, r, &n)) != 0)
		return rc;
	if (n == 0)
		return journal_circuit_unprobe(r->o->journal, name,
		    r->lease_until, r->now);
	t->probing = 1;
	t->streak = 0;
	log_info(&(struct log_ids){ .target = name, .delivery =
	    r->claimed->id }, "target '%s': its circuit is half-open:"
	    " delivery %s is the probe", name, r->claimed->id);
	return 0;
}

/*
 * The outcome event of j's try, if its target asks for one, in the
 * transaction that records the try.
 */
static int
tell(struct run *r, const struct job *j)
{
	struct outcome o;

	if (j->t == NULL || j->own)
		return 0;
	if (strcmp(j->status, "delivered") == 0)
		o.kind = OUTCOME_SUCCEEDED;
	else if (strcmp(j->status, "failed") == 0)
		o.kind = OUTCOME_FAILED;
	else if (strcmp(j->status, "dead") == 0)
		o.kind = OUTCOME_DEAD;
	else
		return 0;
	if ((j->t->tt.cfg->outcomes & o.kind) == 0)
		return 0;
	o = (struct outcome){ .kind = o.kind, .tenant = j->tenant != NULL ?
	    j->tenant : r->o->cfg->tenant, .target = j->target,
	    .delivery = j->id, .event = j->event, .route = j->route,
	    .attempt = j->attempt, .http_status = j->req.x.status,
	    .error_class = j->req.x.error_class, .error = j->req.x.error_class !=
	    NULL ? j->req.x.error : NULL, .not_before = j->not_before };
	return outcome_journal(r->o->journal, &o, r->now);
}

/*
 * A paced target (a rate limit, or exclusive) is held by the run that has
 * work for it, and let go of when it has none.  With a rate, its queue
 * holds what the rate sends in half a lease at most: the rest is given
 * back, and no more is claimed until half of that is sent.
 */
static int
pace(struct run *r)
{
	struct target_rt *t;
	struct job *keep = NULL, **tail = &keep, *j;
	size_t i, room, n;
	int64_t claim_after;
	int rc, held;

	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		if ((t->tt.cfg->rate <= 0 && !t->tt.cfg->exclusive) || t->gone)
			continue;
		if (t->queue.n == 0 && t->inflight == 0) {
			if (t->holding && (rc = journal_target_unhold(
			    r->o->journal, t->tt.cfg->name, r->owner,
			    r->now)) != 0)
				return rc;
			t->holding = 0;
			t->claim_after = 0;
			continue;
		}
		/* Without a rate, the queue is as long as claims make it. */
		room = t->tt.cfg->rate > 0 ? (size_t)(t->tt.cfg->rate *
		    (double)r->o->lease_ms / 2000) : SIZE_MAX;
		if (room < 1)
			room = 1;
		claim_after = 0;
		if (t->queue.n >= room) {
			/* In class order, the first room stay. */
			for (n = 0; (j = queue_pop(&t->queue)) != NULL; n++) {
				if (n < room) {
					*tail = j;
					tail = &j->next;
					continue;
				}
				rc = journal_claim_release(r->o->journal,
				    j->id, r->owner, r->now);
				r->held--;
				job_free(j);
				if (rc != 0)
					return rc;
			}
			*tail = NULL;
			while ((j = keep) != NULL) {
				keep = j->next;
				queue_push(&t->queue, j);
			}
			tail = &keep;
			claim_after = r->now + (int64_t)((double)room / 2 *
			    1000 / t->tt.cfg->rate);
			t->more = 1;
		}
		t->claim_after = claim_after;
		if ((rc = journal_target_hold(r->o->journal, t->tt.cfg->name,
		    r->owner, r->now, r->now + r->o->lease_ms, claim_after,
		    &held)) != 0)
			return rc;
		if (!held && t->holding)
			log_warn(&(struct log_ids){ .target = t->tt.cfg->name },
			    "target '%s': another process holds it now",
			    t->tt.cfg->name);
		t->holding = held;
		if (!held && (rc = hold_back(r, t)) != 0)
			return rc;
	}
	/* When to claim again what was given back. */
	r->more_at = 0;
	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		if (!t->more)
			continue;
		claim_after = t->claim_after > r->now ? t->claim_after : r->now;
		if (r->more_at == 0 || claim_after < r->more_at)
			r->more_at = claim_after;
	}
	return 0;
}

/* The run ends: the paced targets it holds are free for others. */
static void
let_go(struct run *r)
{
	size_t i;
	int any = 0;

	for (i = 0; i < r->ntargets; i++)
		any |= r->targets[i].holding;
	if (!any || journal_begin(r->o->journal) != 0)
		return;
	for (i = 0; i < r->ntargets; i++)
		if (r->targets[i].holding && journal_target_unhold(
		    r->o->journal, r->targets[i].tt.cfg->name, r->owner,
		    clock_ms()) != 0) {
			journal_rollback(r->o->journal);
			return;
		}
	if (journal_commit(r->o->journal) != 0)
		journal_rollback(r->o->journal);
}

/*
 * The event j's answer becomes, and the step that j's end leads to in
 * its route, in the transaction that records j's try.  A step due at once
 * is claimed in this tick too: read from stdin, it would otherwise wait
 * for integra-retry.
 */
static int
follow(struct run *r, const struct job *j)
{
	struct followup_made made;
	struct followup_end e;
	int delivered = strcmp(j->status, "delivered") == 0, rc, emitted;

	if (r->steps == NULL || (!delivered && strcmp(j->status, "dead") != 0))
		return 0;
	e = end_of(j);
	if (delivered && j->emit.len > 0 && (rc = followup_emit(r->o->cfg,
	    r->o->journal, &e, &j->emit, r->now, &emitted)) != 0)
		return rc;
	if ((rc = followup_make(r->steps, r->o->journal, &e, r->now,
	    &made)) != 0 || made.id[0] == '\0')
		return rc;
	r->st->followups++;
	if (made.dead || made.not_before > r->now)
		return 0;
	if (r->o->pending)
		r->in_done = 0;
	else if (r->nids < r->capacity)
		snprintf(r->ids[r->nids++], ID_LEN + 1, "%s", made.id);
	return 0;
}

/*
 * A flow's step ended (delivered, failed or dead): its instance moves on
 * in the transaction that records the try.  A step that this makes due
 * at once is claimed in this tick, as a route's later step is.
 */
static int
advance_flow(struct run *r, const struct job *j)
{
	struct flow_run fr;
	int rc;

	if (r->steps == NULL || r->steps->flows == NULL ||
	    (strcmp(j->status, "delivered") != 0 &&
	    strcmp(j->status, "failed") != 0 &&
	    strcmp(j->status, "dead") != 0) ||
	    cfg_flow(r->o->cfg, j->route) == NULL)
		return 0;
	fr = (struct flow_run){ .defs = r->steps->flows,
	    .journal = r->o->journal, .ready = r->ids + r->nids,
	    .maxready = r->o->pending ? 0 : r->capacity - r->nids };
	rc = flow_run_ended(&fr, &(struct flow_run_end){ .delivery = j->id,
	    .status = j->status, .attempt = j->attempt,
	    .http_status = j->req.x.status, .response = j->req.x.response.data,
	    .response_len = j->req.x.response.len,
	    .error = j->req.x.error_class != NULL ? j->req.x.error : NULL },
	    r->now);
	r->nids += fr.nready;
	if (r->o->pending && fr.steps > 0)
		r->in_done = 0;
	return rc;
}

/* The instances map said are due at once (flow/arrive.h). */
static int
move_instances(struct run *r)
{
	struct flow_instance fi;
	struct flow_run fr = { .defs = r->steps->flows,
	    .journal = r->o->journal };
	size_t i;
	int rc = 0, found;

	for (i = 0; i < r->ninstances && rc == 0; i++) {
		fr.ready = r->ids + r->nids;
		fr.maxready = r->capacity - r->nids;
		fr.nready = 0;
		if ((rc = flow_instance_read(r->o->journal, r->o->cfg,
		    r->instances[i], &fi, &found)) != 0 || found <= 0)
			continue;
		rc = flow_run_process(&fr, &fi, r->now, 0);
		r->nids += fr.nready;
		flow_instance_release(&fi);
	}
	r->ninstances = 0;
	return rc;
}

/*
 * The groups of the deliveries that ended in this tick may have settled,
 * now that what they lead to is made: each is looked at once.
 */
static int
settle(struct run *r)
{
	const struct job *j;
	size_t i, k;
	int rc, settled;

	for (i = 0; i < r->ndone; i++) {
		j = r->done[i];
		if (j->group == NULL || !j->kept ||
		    (strcmp(j->status, "delivered") != 0 &&
		    strcmp(j->status, "dead") != 0))
			continue;
		for (k = 0; k < i; k++)
			if (r->done[k]->group != NULL && r->done[k]->kept &&
			    strcmp(r->done[k]->group, j->group) == 0)
				break;
		if (k < i)
			continue;
		if ((rc = group_settle(r->o->journal, r->o->cfg, j->group,
		    r->now, &settled)) != 0)
			return rc;
		if (settled)
			log_info(&(struct log_ids){ .delivery = j->id },
			    "group '%s' settled", j->group);
	}
	return 0;
}

/* A delivery read on stdin that its claim did not take. */
static void
skipped(void *ctx, const char *id)
{
	struct run *r = ctx;

	r->st->skipped++;
	log_info(&(struct log_ids){ .delivery = id }, "delivery %s is not"
	    " due (delivered, in flight elsewhere, waiting to retry, for its"
	    " target or for its turn at a paced one, or unknown): skipped",
	    id);
}

/* What j's try was, for the journal. */
static struct journal_attempt
attempt_of(const struct job *j)
{
	return (struct journal_attempt){ .delivery_id = j->id,
	    .attempt = j->attempt, .started_at = j->req.x.started_ms,
	    .duration_ms = j->req.x.duration_ms,
	    .http_status = j->req.x.status,
	    .error_class = j->req.x.error_class,
	    .error = j->req.x.error_class != NULL ? j->req.x.error : NULL,
	    .excerpt = j->excerpt[0] != '\0' ? j->excerpt : NULL,
	    .remote_id = j->req.remote_id[0] != '\0' ? j->req.remote_id :
	    NULL, .target = j->target, .event_id = j->event,
	    .cadence = j->cadence, .channel = j->channel,
	    .status = j->status, .not_before = j->not_before };
}

/*
 * One commit: the attempts that came back, and new claims.  Then the
 * outcomes are written and the claimed requests started.
 */
static int
tick(struct run *r)
{
	struct journal *jn = r->o->journal;
	struct journal_attempt a;
	size_t i, want;
	int rc, kept, n;

	r->now = clock_ms();
	if ((rc = journal_begin(jn)) != 0)
		return journal_failed(r);
	/* The tries all sent, then their answers read at once. */
	for (i = 0; i < r->ndone; i++) {
		a = attempt_of(r->done[i]);
		if ((rc = journal_attempt_send(jn, &a, r->owner,
		    &r->done[i]->ticket)) != 0)
			return journal_failed(r);
	}
	for (i = 0; i < r->ndone; i++) {
		struct job *j = r->done[i];

		a = attempt_of(j);
		if ((rc = journal_attempt_sent(jn, &a, j->ticket,
		    &j->kept)) != 0 || (j->kept && ((rc = tell(r, j)) != 0 ||
		    (rc = follow(r, j)) != 0 || (rc = advance_flow(r,
		    j)) != 0)))
			return journal_failed(r);
		kept = j->kept;
		/*
		 * Due again at once, or the end of what held its subject's
		 * next (ordering: subject): --pending runs until nothing is
		 * due.
		 */
		if (kept && r->o->pending && ((strcmp(j->status, "failed") ==
		    0 && j->not_before <= r->now) || (j->t->tt.cfg->ordered &&
		    strcmp(j->status, "failed") != 0)))
			r->in_done = 0;
		if (!kept)
			log_warn(&(struct log_ids){ .delivery = j->id },
			    "delivery %s: lease lost before the outcome was"
			    " recorded; another dispatch may send it again",
			    j->id);
	}
	if ((rc = settle(r)) != 0 || (rc = disable_gone(r)) != 0 ||
	    (rc = circuits(r)) != 0 || (rc = tokens_down(r)) != 0 ||
	    (r->ninstances > 0 && (rc = move_instances(r)) != 0))
		return journal_failed(r);
	r->lease_until = r->now + r->o->lease_ms;
	if ((rc = journal_claim_ids(jn, r->ids, r->nids, r->owner, r->now,
	    r->lease_until, on_claim, r, &n, skipped)) != 0)
		return journal_failed(r);
	r->nids = 0;
	if (r->o->pending && !r->in_done && !stop_asked &&
	    r->held < r->capacity / 2) {
		if ((rc = journal_circuit_probes(jn, r->now, r->lease_until,
		    probe, r)) != 0)
			return journal_failed(r);
		want = r->capacity - r->held;
		for (i = 0; i < r->ntargets; i++)
			r->targets[i].more = 0;
		if ((rc = journal_claim_due(jn, (int)want, r->owner, r->now,
		    r->lease_until, on_claim, r, &n)) != 0)
			return journal_failed(r);
		if ((size_t)n < want)
			r->in_done = 1;
	}
	if ((rc = pace(r)) != 0)
		return journal_failed(r);
	if ((rc = journal_commit(jn)) != 0)
		return journal_failed(r);

	/* Committed: now the outcomes may be told. */
	for (i = 0; i < r->ndone; i++) {
		write_outcome(r, r->done[i]);
		count_and_log(r, r->done[i]);
		job_free(r->done[i]);
	}
	r->held -= r->ndone;
	r->ndone = 0;
	progress_update(&r->progress, r->st->delivered + r->st->failed +
	    r->st->dead);
	if (r->out.len > 0) {
		if (fwrite(r->out.data, 1, r->out.len, stdout) != r->out.len ||
		    fflush(stdout) != 0) {
			snprintf(r->err, r->errsz, "write: %s",
			    strerror(errno));
			return EX_IOERR;
		}
		buf_reset(&r->out);
	}
	start_ready(r);
	return EX_OK;
}

/*
 * A flow's instance that map made due (flow/arrive.h): moved on in the
 * next tick.  Consumes v if it is one.
 */
static int
is_instance(struct run *r, jv v)
{
	jv id = jv_object_get(jv_copy(v), jv_string("instance"));
	int yes = jv_get_kind(id) == JV_KIND_STRING &&
	    id_valid(jv_string_value(id));

	if (yes) {
		if (r->ndone == 0 && r->nids == 0 && r->ninstances == 0)
			r->oldest = clock_mono_ms();
		if (r->steps != NULL && r->steps->flows != NULL &&
		    r->ninstances < r->capacity)
			snprintf(r->instances[r->ninstances++], ID_LEN + 1,
			    "%s", jv_string_value(id));
		else
			log_info(NULL, "instance %s: its flow is not in the"
			    " config, or too many at once: integra-retry"
			    " moves it on", jv_string_value(id));
		jv_free(v);
	}
	jv_free(id);
	return yes;
}

/* Reads the ids waiting on stdin, as many as there is room for. */
static void
read_ids(struct run *r)
{
	const char *line;
	size_t len;
	jv v, id;

	while (!r->in_done && r->held + r->nids + r->ninstances <
	    r->capacity) {
		switch (ndjson_next(r->in, &line, &len, 0)) {
		case NDJSON_TIMEOUT:
			return;
		case NDJSON_EOF:
			r->in_done = 1;
			return;
		case NDJSON_ERROR:
			log_error(NULL, "read: %s", strerror(errno));
			r->in_done = 1;
			r->read_failed = 1;
			return;
		case NDJSON_TOOLONG:
			r->st->read++;
			r->st->rejected++;
			log_error(&(struct log_ids){ .line =
			    ndjson_lineno(r->in) }, "line %ld: line is longer"
			    " than the limit", ndjson_lineno(r->in));
			continue;
		case NDJSON_LINE:
			break;
		}
		r->st->read++;
		buf_reset(&r->reason);
		if (stream_parse(line, len, &v, &r->reason) == 0 &&
		    is_instance(r, v))
			continue;
		if (r->reason.len == 0) {
			id = jv_object_get(v, jv_string("id"));
			if (jv_get_kind(id) == JV_KIND_STRING &&
			    id_valid(jv_string_value(id))) {
				if (r->ndone == 0 && r->nids == 0)
					r->oldest = clock_mono_ms();
				snprintf(r->ids[r->nids++], ID_LEN + 1, "%s",
				    jv_string_value(id));
				jv_free(id);
				continue;
			}
			jv_free(id);
			buf_adds(&r->reason, "not a delivery record (no valid"
			    " \"id\")");
		}
		r->st->rejected++;
		log_error(&(struct log_ids){ .line = ndjson_lineno(r->in) },
		    "line %ld: %s", ndjson_lineno(r->in), r->reason.data);
	}
}

/*
 * A 401 to a request that carried a token: the token is dropped, unless
 * another has already taken its place, and the request goes again at once
 * with a fresh one.  That try is not recorded, so it spends no attempt;
 * a second 401 is final, as auth.
 */
static int
reauth(struct job *j)
{
	struct target_rt *t = j->t;

	if (t->tt.token == NULL || j->req.x.status != 401)
		return 0;
	if (j->reauth) {
		j->req.x.error_class = "auth";
		snprintf(j->req.x.error, sizeof(j->req.x.error), "HTTP 401"
		    " with a fresh token too");
		return 0;
	}
	j->reauth = 1;
	token_drop(t->tt.token, j->req.token_gen);
	log_info(&(struct log_ids){ .delivery = j->id, .event = j->event,
	    .target = j->target }, "delivery %s to '%s': 401 with its token:"
	    " sent again with a fresh one", j->id, j->target);
	http_xfer_release(&j->req.x);
	queue_unshift(&t->queue, j);
	return 1;
}

static void
collect(struct run *r)
{
	struct http_xfer *x;
	struct job *j;

	while ((x = http_done(r->http)) != NULL) {
		j = x->udata;
		j->t->inflight--;
		if (!reauth(j))
			finish(r, j);
	}
}

static void
ask_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

/*
 * --follow, nothing left: waits until the journal tells of new work, the
 * poll interval passes, or a signal asks to stop.
 */
static int
await_work(struct run *r)
{
	int64_t until = clock_mono_ms() + r->poll_ms, left;
	int told;

	while (!stop_asked && (left = until - clock_mono_ms()) > 0) {
		if ((told = journal_told(r->o->journal)) < 0)
			return journal_failed(r);
		if (told)
			break;
		if (http_wait(r->http, r->told_fd, (int)(left <
		    FOLLOW_WAIT_MS ? left : FOLLOW_WAIT_MS)) != 0) {
			snprintf(r->err, r->errsz, "curl: waiting for work"
			    " failed");
			return EX_SOFTWARE;
		}
	}
	return EX_OK;
}

static int
follow_start(struct run *r)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ask_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (journal_listen(r->o->journal, JOURNAL_NEWS_WORK,
	    &r->told_fd) != 0)
		return journal_failed(r);
	r->poll_ms = r->o->poll_ms > 0 ? r->o->poll_ms : r->told_fd >= 0 ?
	    FOLLOW_TOLD_MS : FOLLOW_POLL_MS;
	return EX_OK;
}

static int
loop(struct run *r)
{
	size_t pending;
	int64_t due;
	int rc, wait;

	for (;;) {
		/* Asked to stop: what is held goes out, nothing more. */
		if (stop_asked)
			r->in_done = 1;
		if (!r->o->pending)
			read_ids(r);
		/* A paced target's queue has room again: claim for it. */
		if (r->o->pending && r->more_at != 0 &&
		    clock_ms() >= r->more_at) {
			r->more_at = 0;
			r->in_done = 0;
		}
		collect(r);
		/* What is claimed is committed: it may go out as slots free. */
		start_ready(r);
		pending = r->ndone + r->nids + r->ninstances;
		due = r->oldest + r->o->batch_ms - clock_mono_ms();
		if (pending >= r->o->batch_max || (pending > 0 && due <= 0) ||
		    r->token_down || (r->o->pending && !r->in_done &&
		    r->held < r->capacity / 2) ||
		    (r->in_done && pending > 0 && http_running(r->http) == 0)) {
			if ((rc = tick(r)) != EX_OK)
				return rc;
			continue;
		}
		if (r->in_done && r->held == 0 &&
		    (r->more_at == 0 || !r->o->pending)) {
			if (!r->o->follow || stop_asked)
				return EX_OK;
			if ((rc = await_work(r)) != EX_OK)
				return rc;
			r->in_done = 0;
			continue;
		}
		wait = pending > 0 ? (int)(due > 0 ? due : 0) : IDLE_WAIT_MS;
		if (r->wake != 0 && r->wake - clock_mono_ms() < wait)
			wait = (int)(r->wake > clock_mono_ms() ?
			    r->wake - clock_mono_ms() : 0);
		if (r->o->pending && r->more_at != 0 &&
		    r->more_at - clock_ms() < wait)
			wait = (int)(r->more_at > clock_ms() ?
			    r->more_at - clock_ms() : 0);
		if (http_wait(r->http, r->o->pending || r->in_done ||
		    r->held + r->nids + r->ninstances >= r->capacity ? -1 :
		    r->o->in_fd, wait) != 0) {
			snprintf(r->err, r->errsz, "curl: waiting for"
			    " transfers failed");
			return EX_SOFTWARE;
		}
	}
}

int64_t
dispatch_lease_ms(const struct cfg *cfg)
{
	int64_t ms = LEASE_MIN_MS;
	size_t i;

	for (i = 0; i < cfg->ntargets; i++)
		if (2 * (int64_t)cfg->targets[i].timeout_ms + 10000 > ms)
			ms = 2 * (int64_t)cfg->targets[i].timeout_ms + 10000;
	return ms;
}

int
dispatch_run(const struct dispatch_opts *o, struct dispatch_stats *st,
    char *err, size_t errsz)
{
	struct run r = { .o = o, .st = st, .err = err, .errsz = errsz };
	char host[64];
	size_t i, conc = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if (setup_targets(&r) != 0 || setup_steps(&r) != 0) {
		rc = EX_CONFIG;
		goto out;
	}
	for (i = 0; i < r.ntargets; i++)
		conc += (size_t)r.targets[i].tt.cfg->concurrency;
	/* Enough claimed to keep every target busy, and a batch more. */
	r.capacity = conc + o->batch_max;
	if (r.capacity > CAPACITY_MAX)
		r.capacity = CAPACITY_MAX;
	r.ids = xcalloc(r.capacity, sizeof(*r.ids));
	r.instances = xcalloc(r.capacity, sizeof(*r.instances));
	r.done = xcalloc(r.capacity, sizeof(*r.done));
	if (getrandom(&r.rng, sizeof(r.rng), 0) != sizeof(r.rng) || r.rng == 0)
		r.rng = (uint64_t)clock_ms() | 1;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(r.owner, sizeof(r.owner), "%s:%ld:%016llx", host,
	    (long)getpid(), (unsigned long long)rng_next(&r));
	if ((r.http = http_new()) == NULL) {
		snprintf(err, errsz, "curl: cannot initialise");
		rc = EX_SOFTWARE;
		goto out;
	}
	if (!o->pending)
		r.in = ndjson_open(o->in_fd, o->max_line);
	buf_init(&r.out);
	buf_init(&r.reason);
	progress_init(&r.progress, "deliveries");
	r.told_fd = -1;
	if (!o->follow || (rc = follow_start(&r)) == EX_OK)
		rc = loop(&r);
	let_go(&r);
	progress_done(&r.progress);
	if (rc == EX_OK)
		rc = r.read_failed ? EX_IOERR : st->rejected > 0 ? EX_DATAERR :
		    st->dead > 0 ? EX_UNAVAILABLE :
		    st->failed + st->released + st->waiting > 0 &&
		    (!o->retries_ok || st->delivered == 0) ? EX_TEMPFAIL : EX_OK;
	ndjson_close(r.in);
	buf_release(&r.out);
	buf_release(&r.reason);
out:
	http_free(r.http);
	for (i = 0; i < r.ndone; i++)
		job_free(r.done[i]);
	for (i = 0; i < r.ntargets; i++) {
		struct job *j;

		while ((j = queue_pop(&r.targets[i].queue)) != NULL)
			job_free(j);
		transport_target_release(&r.targets[i].tt);
	}
	if (r.steps != NULL)
		map_release(r.steps);
	free(r.steps);
	free(r.targets);
	free(r.ids);
	free(r.instances);
	free(r.done);
	return rc;
}
