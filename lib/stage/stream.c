/*
 * stream: reading, checking, batching and committing for every filter.
 *
 * stream_fd, or a caller of stream_feed_* such as the receiver, hands
 * records from the reading thread (the caller's, which reads, checks and
 * prepares) to the journal thread (which applies, commits and writes)
 * through a ring of QUEUE_LEN records.  A slot
 * belongs to the reader until it is pushed and to the journal thread until
 * it is popped; the lock guards only the ring's indices and flags.  The
 * journal thread leaves an applied record's work in its slot, and the
 * reader frees it when it takes the slot again: memory goes back to the
 * thread that allocated it, since a free from the other thread takes the
 * allocator's lock of that thread's arena (bench/README.md).  Each
 * side signals the other only when that one waits, and then only once
 * there is a good amount to do (WAKE_BATCH).  A stage whose answers come
 * later (finish) has its applied records held in their slots, neither
 * counted nor popped, until they are finished together.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/exitcode.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "base/log.h"
#include "journal/seal.h"
#include "json/ndjson.h"
#include "base/progress.h"
#include "stage/stream.h"

#define BATCH_MAX	5000	/* records a commit while input keeps coming */
#define BATCH_MS	20
#define PENDING_PAGE	1000
#define QUEUE_LEN	512	/* records prepared ahead of the journal */
/*
 * A waiting journal thread is woken for this many records, or when the
 * reader has no more input at hand; a waiting reader once half the queue
 * is free.  Waking the other side for every record would cost two context
 * switches a record (bench/run: normalize 3 times slower).
 */
#define WAKE_BATCH	64
/*
 * Records a stage with finish sends before it reads the journal's answers
 * (a round trip each time with a server): at most half the queue, so the
 * reader always has room to go on.
 */
#define HOLD_MAX	(QUEUE_LEN / 2)
/* How often a reader waiting for input looks whether the stream stopped. */
#define READ_CHECK_MS	200

void
stream_init(struct stream *s, struct journal *j)
{
	memset(s, 0, sizeof(*s));
	s->journal = j;
	s->outf = stdout;
	s->batch_max = BATCH_MAX;
	s->batch_ms = BATCH_MS;
	progress_init(&s->progress, "records");
	buf_init(&s->out);
}

void
stream_release(struct stream *s)
{
	buf_release(&s->out);
}

int
stream_parse(const char *line, size_t len, jv *out, struct buf *reason)
{
	enum json_type type;
	const char *why;
	size_t at;

	/*
	 * The scanner is stricter than jq 1.6's parser (which lets invalid
	 * UTF-8 and lone surrogates through), several times faster, and
	 * quotes no input in its reasons.
	 */
	if ((type = json_validate(line, len, &at, &why)) == JSON_INVALID) {
		buf_addf(reason, "invalid JSON: %s at byte %zu", why, at + 1);
		return -1;
	}
	if (type != JSON_OBJECT) {
		buf_adds(reason, "not a JSON object");
		return -1;
	}
	if (out == NULL)
		return 0;
	*out = jvparse(line, len);
	if (jv_is_valid(*out))
		return 0;
	/* Not reached for text the scanner accepted. */
	jv_free(*out);
	buf_adds(reason, "invalid JSON");
	return -1;
}

/* The reading half for one record: checks it and runs prepare. */
static void
prepare(const struct stream_stage *st, struct stream_rec *r, const char *line,
    size_t len)
{
	jv v = jv_invalid();

	r->event[0] = '\0';
	r->work = NULL;
	r->more = r->part = 0;
	r->weight = 0;
	buf_reset(&r->reason);
	if (stream_parse(line, len, st->no_tree ? NULL : &v, &r->reason) != 0)
		r->rc = STREAM_REJECT;
	else
		r->rc = st->prepare(st->ctx, r, line, len, v);
}

/*
 * The journal failed: the open batch rolled back, and not counted done
 * whatever the count said.  Returns the exit status it means.
 */
static int
rolled_back(struct stream *s)
{
	s->nok -= s->nok_open;
	s->nok_open = 0;
	return journal_abort(s->journal);
}

static int
journal_failed(struct stream *s)
{
	snprintf(s->err, sizeof(s->err), "%s", journal_error(s->journal));
	return rolled_back(s);
}

/*
 * Commits the open batch, then writes its records and tells the stage
 * (st, if not NULL) how the commit went.
 */
static int
flush(struct stream *s, const struct stream_stage *st, size_t *nbatch)
{
	int rc;

	progress_update(&s->progress, s->nread);
	if (journal_in_transaction(s->journal) &&
	    (rc = journal_commit(s->journal)) != 0) {
		rc = journal_failed(s);
		if (st != NULL && st->committed != NULL)
			st->committed(st->ctx, 0);
		return rc;
	}
	*nbatch = 0;
	s->nok_open = 0;
	if (st != NULL && st->committed != NULL)
		st->committed(st->ctx, 1);
	if (s->out.len > 0 && s->outf != NULL) {
		if (fwrite(s->out.data, 1, s->out.len, s->outf) != s->out.len ||
		    fflush(s->outf) != 0) {
			if (!s->out_optional) {
				snprintf(s->err, sizeof(s->err), "write: %s",
				    strerror(errno));
				return EX_IOERR;
			}
			log_warn(NULL, "write: %s: no more output; the"
			    " journal keeps it all", strerror(errno));
			s->outf = NULL;
		}
	}
	buf_reset(&s->out);
	return EX_OK;
}

enum stream_rc
stream_journal_failed(struct stream *s, struct stream_rec *r)
{
	buf_reset(&r->reason);
	buf_adds(&r->reason, journal_error(s->journal));
	return STREAM_FATAL;
}

static void
reject(struct stream *s, const struct stream_rec *r)
{
	struct log_ids ids = { .line = r->lineno };
	const char *why = r->reason.len > 0 ? r->reason.data : "rejected";

	s->nrejected++;
	if (r->event[0] != '\0')
		ids.event = r->event;
	if (r->lineno > 0)
		log_error(&ids, "line %ld: %s", r->lineno, why);
	else
		log_error(&ids, "%s", why);
}

/* The next part of the record of line lineno and event, into r. */
static void
prepare_more(const struct stream_stage *st, long lineno, const char *event,
    struct stream_rec *r)
{
	r->lineno = lineno;
	if (r->event != event)
		snprintf(r->event, sizeof(r->event), "%s", event);
	r->work = NULL;
	r->more = 0;
	r->part = 1;
	r->weight = 0;
	buf_reset(&r->reason);
	r->rc = st->more(st->ctx, r);
}

/*
 * What came of record r (rc) counted, and told to the stage.  Returns
 * EX_OK to go on, or an exit code to stop with.
 */
static int
account(struct stream *s, const struct stream_stage *st, struct stream_rec *r,
    enum stream_rc rc)
{
	if (st->applied != NULL)
		st->applied(st->ctx, r, rc);
	/* A record in parts counts once, as its last part went. */
	if (r->more && rc != STREAM_FATAL)
		return EX_OK;
	switch (rc) {
	case STREAM_OK:
		s->nok++;
		s->nok_open++;
		break;
	case STREAM_SKIP:
		s->nskipped++;
		break;
	case STREAM_REJECT:
		reject(s, r);
		break;
	case STREAM_FATAL:
	case STREAM_LATER:
		snprintf(s->err, sizeof(s->err), "%s", r->reason.len > 0 ?
		    r->reason.data : "failed");
		return rolled_back(s);
	}
	return EX_OK;
}

/*
 * The journal half for one prepared record: applies it inside the open
 * transaction and counts it.  With hold, a record is held instead (its
 * result in r->rc) for finish_held to finish and count; without, a
 * stage's answer read later is read at once.  Returns EX_OK to go on, or
 * an exit code to stop with.
 */
static int
apply(struct stream *s, const struct stream_stage *st, struct stream_rec *r,
    int hold)
{
	enum stream_rc rc = r->rc;

	if (!r->part)
		s->nread++;
	if (rc == STREAM_OK) {
		if (!journal_in_transaction(s->journal) &&
		    journal_begin(s->journal) != 0)
			return journal_failed(s);
		rc = st->apply(st->ctx, s, r);
		if (rc == STREAM_LATER && !hold)
			rc = st->finish(st->ctx, s, r);
	}
	if (hold) {
		r->rc = rc;
		return EX_OK;
	}
	return account(s, st, r, rc);
}

static int
result(const struct stream *s)
{
	return s->nrejected > 0 ? EX_DATAERR : EX_OK;
}

struct stream_feed {
	pthread_mutex_t		 lock;
	pthread_cond_t		 filled;	/* a record, or the end, came */
	pthread_cond_t		 emptied;	/* a slot came free */
	struct stream_rec	 slot[QUEUE_LEN];
	size_t			 head;		/* the oldest slot not popped */
	size_t			 count;		/* slots pushed, not popped */
	size_t			 held;		/* of count, from head: applied,
						   not finished (stage's
						   finish); the journal
						   thread's alone */
	int			 ended;		/* the reader pushes no more */
	int			 stopped;	/* the journal side stopped */
	int			 applier_waits;
	int			 reader_waits;
	struct stream		*s;
	const struct stream_stage *st;
	struct seal		*seal;		/* the reader's keys */
	int			 rc;		/* the journal side's result */
	pthread_t		 thread;
};

static void
feed_free(struct stream_feed *q)
{
	size_t i;

	for (i = 0; i < QUEUE_LEN; i++)
		buf_release(&q->slot[i].reason);
	seal_free(q->seal);
	pthread_cond_destroy(&q->emptied);
	pthread_cond_destroy(&q->filled);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

struct stream_rec *
stream_feed_slot(struct stream_feed *q)
{
	struct stream_rec *r = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == QUEUE_LEN && !q->stopped) {
		q->reader_waits = 1;
		pthread_cond_wait(&q->emptied, &q->lock);
		q->reader_waits = 0;
	}
	if (!q->stopped)
		r = &q->slot[(q->head + q->count) % QUEUE_LEN];
	pthread_mutex_unlock(&q->lock);
	if (r != NULL && r->work != NULL) {
		q->st->work_free(r->work);
		r->work = NULL;
	}
	return r;
}

/* Hands over the slot (slot: 1), wakes the journal thread, or ends. */
static void
queue_push(struct stream_feed *q, int slot, int wake, int end)
{
	pthread_mutex_lock(&q->lock);
	q->count += slot;
	q->ended |= end;
	if (q->applier_waits && (q->count - q->held >= WAKE_BATCH || wake ||
	    end))
		pthread_cond_signal(&q->filled);
	pthread_mutex_unlock(&q->lock);
}

void
stream_feed_push(struct stream_feed *q, int wake)
{
	queue_push(q, 1, wake, 0);
}

void
stream_feed_wake(struct stream_feed *q)
{
	queue_push(q, 0, 1, 0);
}

int
stream_feed_stopped(struct stream_feed *q)
{
	int stopped;

	pthread_mutex_lock(&q->lock);
	stopped = q->stopped;
	pthread_mutex_unlock(&q->lock);
	return stopped;
}

enum front { FRONT_RECORD, FRONT_TIME_UP, FRONT_END };

/*
 * Waits for the record to apply next (*r), for the open batch's deadline
 * if nbatch > 0 (the batch is then to be committed), or for the end.
 */
static enum front
queue_front(struct stream_feed *q, size_t nbatch, int64_t deadline,
    struct stream_rec **r)
{
	enum front f = FRONT_RECORD;
	struct timespec ts;
	int64_t now;

	pthread_mutex_lock(&q->lock);
	q->applier_waits = 1;
	while (q->count == q->held && !q->ended) {
		if (nbatch == 0) {
			pthread_cond_wait(&q->filled, &q->lock);
			continue;
		}
		if ((now = clock_mono_ms()) >= deadline) {
			f = FRONT_TIME_UP;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (deadline - now) / 1000;
		ts.tv_nsec += (long)((deadline - now) % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&q->filled, &q->lock, &ts);
	}
	q->applier_waits = 0;
	if (q->count > q->held)
		*r = &q->slot[(q->head + q->held) % QUEUE_LEN];
	else if (f == FRONT_RECORD)
		f = FRONT_END;
	pthread_mutex_unlock(&q->lock);
	return f;
}

/* Hands n slots back to the reader. */
static void
queue_pop(struct stream_feed *q, size_t n)
{
	pthread_mutex_lock(&q->lock);
	q->head = (q->head + n) % QUEUE_LEN;
	q->count -= n;
	if (q->reader_waits && q->count <= QUEUE_LEN / 2)
		pthread_cond_signal(&q->emptied);
	pthread_mutex_unlock(&q->lock);
}

/*
 * Finishes the held records in order and counts them, then hands their
 * slots back.  After a failure the rest are dropped: their batch is lost.
 */
static int
finish_held(struct stream_feed *q)
{
	struct stream_rec *r;
	enum stream_rc rc;
	size_t i;
	int xrc = EX_OK;

	for (i = 0; i < q->held && xrc == EX_OK; i++) {
		r = &q->slot[(q->head + i) % QUEUE_LEN];
		if ((rc = r->rc) == STREAM_LATER)
			rc = q->st->finish(q->st->ctx, q->s, r);
		xrc = account(q->s, q->st, r, rc);
	}
	queue_pop(q, q->held);
	q->held = 0;
	return xrc;
}

/* The held records finished, the open batch committed and written. */
static int
commit_batch(struct stream_feed *q, size_t *nbatch)
{
	int rc;

	if ((rc = finish_held(q)) != EX_OK) {
		if (q->st->committed != NULL)
			q->st->committed(q->st->ctx, 0);
		return rc;
	}
	return flush(q->s, q->st, nbatch);
}

/* The journal thread: applies, commits and writes until the reader ends. */
static void *
applier(void *arg)
{
	struct stream_feed *q = arg;
	struct stream *s = q->s;
	struct stream_rec *r = NULL;
	size_t nbatch = 0;
	int64_t opened = 0;
	int hold = q->st->finish != NULL, rc = EX_OK;

	for (;;) {
		switch (queue_front(q, nbatch, opened + s->batch_ms, &r)) {
		case FRONT_RECORD:
			if (nbatch == 0)
				opened = clock_mono_ms();
			nbatch += r->weight > 0 ? r->weight : 1;
			rc = apply(s, q->st, r, hold);
			if (!hold)
				queue_pop(q, 1);	/* the reader's again */
			else if (++q->held == HOLD_MAX ||
			    r->rc == STREAM_FATAL) {
				if (rc == EX_OK)
					rc = finish_held(q);
			}
			/* A failed apply rolled the batch back. */
			if (rc != EX_OK && q->st->committed != NULL)
				q->st->committed(q->st->ctx, 0);
			if (rc == EX_OK && nbatch >= s->batch_max)
				rc = commit_batch(q, &nbatch);
			break;
		case FRONT_TIME_UP:
			rc = commit_batch(q, &nbatch);
			break;
		case FRONT_END:
			if ((rc = commit_batch(q, &nbatch)) == EX_OK)
				goto out;
			break;
		}
		if (rc != EX_OK)
			break;
	}
out:
	pthread_mutex_lock(&q->lock);
	q->rc = rc;
	q->stopped = 1;
	pthread_cond_signal(&q->emptied);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/*
 * Reads fd into the queue until the input ends, reading fails or the
 * journal side stops.  Returns EX_OK or EX_IOERR, with err set.
 */
static int
read_into(struct stream_feed *q, int fd, char *err, size_t errsz)
{
	const struct stream_stage *st = q->st;
	struct stream_rec *r;
	struct ndjson *in;
	const char *line;
	size_t len;
	int rc = EX_OK, wait = 0;

	in = ndjson_open(fd, q->s->max_line);
	while ((r = stream_feed_slot(q)) != NULL) {
		/* A line at hand; else the journal thread is woken first. */
		switch (ndjson_next(in, &line, &len, wait)) {
		case NDJSON_LINE:
			r->lineno = ndjson_lineno(in);
			prepare(st, r, line, len);
			while (r->more) {
				char event[sizeof(r->event)];

				memcpy(event, r->event, sizeof(event));
				stream_feed_push(q, 0);
				if ((r = stream_feed_slot(q)) == NULL)
					break;
				prepare_more(st, ndjson_lineno(in), event, r);
			}
			if (r == NULL)
				break;
			stream_feed_push(q, 0);
			wait = 0;
			continue;
		case NDJSON_TOOLONG:
			r->lineno = ndjson_lineno(in);
			r->event[0] = '\0';
			r->work = NULL;
			r->rc = STREAM_REJECT;
			buf_reset(&r->reason);
			buf_adds(&r->reason, "line is longer than the limit");
			stream_feed_push(q, 0);
			continue;
		case NDJSON_TIMEOUT:
			if (wait == 0)
				stream_feed_wake(q);
			else if (stream_feed_stopped(q))
				break;
			wait = READ_CHECK_MS;
			continue;
		case NDJSON_EOF:
			break;
		case NDJSON_ERROR:
			snprintf(err, errsz, "read: %s", strerror(errno));
			rc = EX_IOERR;
			break;
		}
		break;
	}
	ndjson_close(in);
	return rc;
}

struct stream_feed *
stream_feed_start(struct stream *s, const struct stream_stage *st)
{
	struct stream_feed *q;
	pthread_condattr_t ca;
	size_t i;
	int rc;

	q = xcalloc(1, sizeof(*q));
	q->s = s;
	q->st = st;
	pthread_mutex_init(&q->lock, NULL);
	/* The batch deadline is on the monotonic clock, as clock_mono_ms. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->filled, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->emptied, NULL);
	/*
	 * Sealing is the journal thread's heaviest work after SQLite's: a
	 * stage does it on the reader's, which waits on it (bench/README.md).
	 * Without the copy, the journal seals in apply.
	 */
	q->seal = seal_dup(journal_seal(s->journal));
	for (i = 0; i < QUEUE_LEN; i++) {
		buf_init(&q->slot[i].reason);
		q->slot[i].seal = q->seal;
	}
	if ((rc = pthread_create(&q->thread, NULL, applier, q)) != 0) {
		snprintf(s->err, sizeof(s->err), "cannot start a thread: %s",
		    strerror(rc));
		feed_free(q);
		return NULL;
	}
	return q;
}

int
stream_feed_end(struct stream_feed *q)
{
	size_t i;
	int rc;

	queue_push(q, 0, 0, 1);
	pthread_join(q->thread, NULL);
	rc = q->rc;
	/* What was applied, and what the journal side left when it stopped. */
	for (i = 0; i < QUEUE_LEN; i++)
		if (q->slot[i].work != NULL)
			q->st->work_free(q->slot[i].work);
	feed_free(q);
	return rc;
}

int
stream_fd(struct stream *s, int fd, const struct stream_stage *st)
{
	struct stream_feed *q;
	char readerr[sizeof(s->err)] = "";
	int rc, jrc;

	if ((q = stream_feed_start(s, st)) == NULL)
		return EX_OSERR;
	rc = read_into(q, fd, readerr, sizeof(readerr));
	jrc = stream_feed_end(q);

	/* What was read before a read error is committed and written. */
	if (jrc != EX_OK)
		rc = jrc;
	else if (rc != EX_OK)
		snprintf(s->err, sizeof(s->err), "%s", readerr);
	else
		rc = result(s);
	progress_done(&s->progress);
	return rc;
}

struct page {
	struct stream			*s;
	const struct stream_stage	*st;
	struct stream_rec		 rec;
	char				 last[ID_LEN + 1];
	int				 n;
	int				 rc;
	int				 parts;	/* the walk stopped for them */
};

static int
page_row(void *ctx, const char *id, const char *text, size_t len)
{
	struct page *p = ctx;

	snprintf(p->last, sizeof(p->last), "%s", id);
	p->n++;
	prepare(p->st, &p->rec, text, len);
	if (p->rec.event[0] == '\0')
		snprintf(p->rec.event, sizeof(p->rec.event), "%s", id);
	p->rc = apply(p->s, p->st, &p->rec, 0);
	p->st->work_free(p->rec.work);
	p->rec.work = NULL;
	/* Its other parts are applied out of the walk, with commits. */
	p->parts = p->rc == EX_OK && p->rec.more;
	return p->rc != EX_OK || p->parts;
}

/*
 * The parts of p's record after its first, committed each time they
 * weigh a batch.
 */
static int
page_parts(struct page *p)
{
	size_t nbatch = 0;
	int rc;

	while (p->rec.more) {
		prepare_more(p->st, p->rec.lineno, p->rec.event, &p->rec);
		nbatch += p->rec.weight > 0 ? p->rec.weight : 1;
		rc = apply(p->s, p->st, &p->rec, 0);
		p->st->work_free(p->rec.work);
		p->rec.work = NULL;
		if (rc != EX_OK)
			return rc;
		if (nbatch >= p->s->batch_max) {
			if ((rc = flush(p->s, NULL, &nbatch)) != EX_OK)
				return rc;
			if ((rc = journal_begin(p->s->journal)) != 0)
				return journal_failed(p->s);
		}
	}
	return EX_OK;
}

int
stream_pending(struct stream *s, enum journal_event_status status,
    const struct stream_stage *st)
{
	struct page p = { .s = s, .st = st, .rec.reason = BUF_INIT };
	size_t nbatch;
	int rc;

	/*
	 * A page at a time, each its own commit, walking by id so that a
	 * record the stage leaves in place is not read again.
	 */
	do {
		p.n = 0;
		p.parts = 0;
		if ((rc = journal_begin(s->journal)) != 0) {
			rc = journal_failed(s);
			break;
		}
		rc = journal_events_in(s->journal, status,
		    p.last[0] != '\0' ? p.last : NULL, PENDING_PAGE, page_row,
		    &p);
		/* A stage that stopped the walk has its exit code in p.rc. */
		if (p.rc != EX_OK) {
			rc = p.rc;
			break;
		}
		if (rc != 0 && !p.parts) {
			rc = journal_failed(s);
			break;
		}
		if (p.parts && (rc = page_parts(&p)) != EX_OK)
			break;
		if ((rc = flush(s, NULL, &nbatch)) != EX_OK)
			break;
	} while (p.n == PENDING_PAGE || p.parts);
	buf_release(&p.rec.reason);
	progress_done(&s->progress);
	return rc != EX_OK ? rc : result(s);
}
