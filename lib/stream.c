/*
 * stream: reading, checking, batching and committing for every filter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "exitcode.h"
#include "jsonscan.h"
#include "log.h"
#include "ndjson.h"
#include "progress.h"
#include "stream.h"

#define BATCH_MAX	5000	/* records a commit while input keeps coming */
#define BATCH_MS	20
#define PENDING_PAGE	1000

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
	buf_init(&s->reason);
}

void
stream_release(struct stream *s)
{
	buf_free(&s->out);
	buf_free(&s->reason);
}

static int
journal_failed(struct stream *s, int rc)
{
	snprintf(s->err, sizeof(s->err), "%s", journal_error(s->journal));
	journal_rollback(s->journal);
	return rc == JOURNAL_BUSY ? EX_TEMPFAIL : EX_SOFTWARE;
}

/* Commits the open batch, then writes its records. */
static int
flush(struct stream *s, size_t *nbatch)
{
	int rc;

	progress_update(&s->progress, s->nread);

	if (journal_in_transaction(s->journal) &&
	    (rc = journal_commit(s->journal)) != 0)
		return journal_failed(s, rc);
	*nbatch = 0;
	if (s->out.len > 0) {
		if (fwrite(s->out.data, 1, s->out.len, s->outf) != s->out.len ||
		    fflush(s->outf) != 0) {
			snprintf(s->err, sizeof(s->err), "write: %s",
			    strerror(errno));
			return EX_IOERR;
		}
		buf_reset(&s->out);
	}
	return EX_OK;
}

int
stream_parse(const char *line, size_t len, jv *out, struct buf *reason)
{
	enum json_type type;
	const char *why;
	size_t at;
	jv msg;

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
	*out = jv_parse_sized(line, (int)len);
	if (jv_is_valid(*out))
		return 0;
	/* Not expected after the scanner: jq's reason, without the text. */
	msg = jv_invalid_get_msg(*out);
	buf_adds(reason, "invalid JSON: ");
	if (jv_get_kind(msg) == JV_KIND_STRING) {
		const char *m = jv_string_value(msg), *end;

		end = strstr(m, " (while parsing");
		buf_add(reason, m, end != NULL ? (size_t)(end - m) :
		    strlen(m));
	} else
		buf_adds(reason, "unknown error");
	jv_free(msg);
	return -1;
}

static void
reject(struct stream *s, long lineno, const char *why)
{
	struct log_ids ids = { .line = lineno };

	s->nrejected++;
	if (s->event[0] != '\0')
		ids.event = s->event;
	if (lineno > 0)
		log_error(&ids, "line %ld: %s", lineno, why);
	else
		log_error(&ids, "%s", why);
}

/*
 * Checks one record and hands it to fn.  Returns EX_OK to go on, or an
 * exit code to stop with.
 */
static int
one(struct stream *s, const char *line, size_t len, long lineno,
    const char *id, stream_fn fn, void *ctx)
{
	int jrc;
	jv v;

	s->nread++;
	snprintf(s->event, sizeof(s->event), "%s", id != NULL ? id : "");
	buf_reset(&s->reason);
	v = jv_invalid();
	if (stream_parse(line, len, s->no_tree ? NULL : &v, &s->reason) != 0) {
		reject(s, lineno, s->reason.data);
		return EX_OK;
	}
	if (!journal_in_transaction(s->journal) &&
	    (jrc = journal_begin(s->journal)) != 0)
		return journal_failed(s, jrc);
	switch (fn(ctx, s, line, len, v, lineno)) {
	case STREAM_OK:
		s->nok++;
		break;
	case STREAM_SKIP:
		s->nskipped++;
		break;
	case STREAM_REJECT:
		reject(s, lineno, s->reason.data != NULL ? s->reason.data :
		    "rejected");
		break;
	case STREAM_FATAL:
		snprintf(s->err, sizeof(s->err), "%s",
		    s->reason.data != NULL ? s->reason.data : "failed");
		journal_rollback(s->journal);
		return journal_busy(s->journal) ? EX_TEMPFAIL : EX_SOFTWARE;
	}
	return EX_OK;
}

static int
result(const struct stream *s)
{
	return s->nrejected > 0 ? EX_DATAERR : EX_OK;
}

int
stream_fd(struct stream *s, int fd, stream_fn fn, void *ctx)
{
	struct ndjson *in;
	const char *line;
	size_t len, nbatch = 0;
	int64_t opened = 0;
	int rc = EX_OK, wait;

	in = ndjson_open(fd, s->max_line);
	for (;;) {
		/* An open batch waits for more input at most batch_ms. */
		wait = -1;
		if (nbatch > 0) {
			wait = (int)(opened + s->batch_ms - clock_mono_ms());
			if (wait < 0)
				wait = 0;
		}
		switch (ndjson_next(in, &line, &len, wait)) {
		case NDJSON_LINE:
			if (nbatch++ == 0)
				opened = clock_mono_ms();
			rc = one(s, line, len, ndjson_lineno(in), NULL, fn,
			    ctx);
			break;
		case NDJSON_TOOLONG:
			s->nread++;
			s->event[0] = '\0';
			reject(s, ndjson_lineno(in), "line is longer than the"
			    " limit");
			break;
		case NDJSON_TIMEOUT:
			rc = flush(s, &nbatch);
			break;
		case NDJSON_EOF:
			if ((rc = flush(s, &nbatch)) == EX_OK)
				rc = result(s);
			goto out;
		case NDJSON_ERROR:
			snprintf(s->err, sizeof(s->err), "read: %s",
			    strerror(errno));
			/* What was read before is committed and written. */
			if ((rc = flush(s, &nbatch)) == EX_OK)
				rc = EX_IOERR;
			goto out;
		}
		if (rc == EX_OK && nbatch >= s->batch_max)
			rc = flush(s, &nbatch);
		if (rc != EX_OK)
			break;
	}
out:
	ndjson_close(in);
	progress_done(&s->progress);
	return rc;
}

struct page {
	struct stream	*s;
	stream_fn	 fn;
	void		*ctx;
	char		 last[ID_LEN + 1];
	int		 n;
	int		 rc;
};

static int
page_row(void *ctx, const char *id, const char *text, size_t len)
{
	struct page *p = ctx;

	snprintf(p->last, sizeof(p->last), "%s", id);
	p->n++;
	p->rc = one(p->s, text, len, 0, id, p->fn, p->ctx);
	return p->rc != EX_OK;
}

int
stream_pending(struct stream *s, enum journal_event_status status,
    stream_fn fn, void *ctx)
{
	struct page p = { .s = s, .fn = fn, .ctx = ctx };
	size_t nbatch;
	int rc;

	/*
	 * A page at a time, each its own commit, walking by id so that a
	 * record the stage leaves in place is not read again.
	 */
	do {
		p.n = 0;
		if ((rc = journal_begin(s->journal)) != 0) {
			rc = journal_failed(s, rc);
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
		if (rc != 0) {
			rc = journal_failed(s, rc);
			break;
		}
		if ((rc = flush(s, &nbatch)) != EX_OK)
			break;
	} while (p.n == PENDING_PAGE);
	progress_done(&s->progress);
	return rc != EX_OK ? rc : result(s);
}
