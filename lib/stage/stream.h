/*
 * stream: the loop every filter shares.  It reads records (NDJSON from a
 * file descriptor, or what the journal says a stage has left to do), turns
 * away hostile input (over-long lines, invalid UTF-8, invalid JSON, what
 * is not an object) before a stage sees it, and runs the stage in two
 * halves: prepare works out what a record leads to (parsing, checking,
 * jq), apply records that in the journal and writes the output.
 *
 * Reading from a file descriptor, the halves run on two threads, so that
 * one core computes while the other writes the journal: prepare on the
 * calling thread, which is the only one to use jv and jq (libjq 1.6 is not
 * thread-safe), and apply, in input order, on a thread that is the only
 * one to use the journal while the stream runs.  Apply runs inside a
 * journal transaction, committed in groups: every batch_max records, or
 * when input pauses, batch_ms milliseconds after the group's first record
 * at the latest (0: at once).  The records a batch
 * writes reach the output only after its commit, so whatever a downstream
 * program reads is already in the journal.  Over the journal's backlog
 * (stream_pending) both halves run on the calling thread.
 *
 * Ownership: prepare consumes the jv it is given and hands r->work to
 * apply; the stream frees it afterwards with the stage's work_free, or
 * without apply if the stream stopped before.
 */
#ifndef INTEGRA_STAGE_STREAM_H
#define INTEGRA_STAGE_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include <jv.h>

#include "base/buf.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/progress.h"

enum stream_rc {
	STREAM_OK,		/* the record went through */
	STREAM_SKIP,		/* nothing to do for it; not an error */
	STREAM_REJECT,		/* bad record: reason in r->reason */
	STREAM_FATAL,		/* stop: reason in r->reason */
	STREAM_LATER		/* apply's: the journal's answer is for
				   finish to read */
};

/* A record on its way through a stage. */
struct stream_rec {
	long		 lineno;	/* its input line; 0 from the journal */
	char		 event[ID_LEN + 1];	/* its event id, once known */
	struct buf	 reason;	/* why it was rejected */
	void		*work;		/* what prepare made of it, for apply */
	void		*origin;	/* whose it is, for the applied hook */
	enum stream_rc	 rc;		/* what prepare said; then, while a
					   held record waits for its answer,
					   what apply did */
	int		 more;		/* a part of the record follows */
	int		 part;		/* a part after the record's first */
	size_t		 weight;	/* records it counts as in a batch;
					   0: one */
	struct seal	*seal;		/* the reading thread's copy of the
					   journal's keys, for prepare to seal
					   what apply writes (journal_event_seal);
					   NULL: the journal seals in apply */
};

struct stream;

struct stream_stage {
	/*
	 * Works out what the record line[0..len) (a JSON object; v its tree,
	 * or jv_invalid() with no_tree) leads to, without the journal.
	 * Returns STREAM_OK with r->work set for apply, or STREAM_SKIP or
	 * STREAM_REJECT to go no further.
	 */
	enum stream_rc	(*prepare)(void *ctx, struct stream_rec *r,
			    const char *line, size_t len, jv v);
	/*
	 * Records r->work in the journal and appends the record's output to
	 * s->out (one record a line).  Runs on the journal's thread: no jv,
	 * no jq, nothing prepare may be using.
	 */
	enum stream_rc	(*apply)(void *ctx, struct stream *s,
			    struct stream_rec *r);
	/*
	 * Optional, with apply: apply may return STREAM_LATER, having sent
	 * its statements without reading the journal's answers; finish,
	 * called in the records' order on the journal thread before the
	 * batch commits, reads them, writes the output and says what came
	 * of the record, as apply does.  The stream holds such a stage's
	 * records (their work too) until they are finished, up to HOLD_MAX
	 * of them, so the journal's answers are waited for once a batch.
	 */
	enum stream_rc	(*finish)(void *ctx, struct stream *s,
			    struct stream_rec *r);
	/*
	 * Optional: a record too large to prepare at once (a fan-out) is
	 * prepared in parts.  Prepare, and then more, set r->more while a
	 * part is to follow; the stream calls more for it, with r->event
	 * and r->lineno the record's, and applies the parts in order, each
	 * as a record of its own but counted once, so a batch may end
	 * between two parts (a part weighs r->weight records in its batch).
	 * Memory stays bounded by the queue.
	 */
	enum stream_rc	(*more)(void *ctx, struct stream_rec *r);
	void		(*work_free)(void *work);
	/*
	 * Optional, on the journal thread: after each record with what
	 * came of it (before its commit), and after each commit (ok: 1) or
	 * each batch that will never be (ok: 0).
	 */
	void		(*applied)(void *ctx, struct stream_rec *r,
			    enum stream_rc rc);
	void		(*committed)(void *ctx, int ok);
	void		*ctx;
	int		 no_tree;	/* prepare needs the text only */
};

struct stream {
	struct journal	*journal;
	FILE		*outf;		/* stdout */
	size_t		 max_line;	/* 0: NDJSON_MAX_LINE */
	size_t		 batch_max;	/* records a commit */
	int		 batch_ms;	/* longest a batch waits for its commit */
	int		 out_optional;	/* a failed write drops the output with
					   a warning; it does not stop the
					   stream (the journal has it all) */
	/* Filled as it goes, by apply's side. */
	struct buf	 out;		/* what the open batch will write */
	long		 nread;
	long		 nok;
	long		 nok_open;	/* of nok, in the open batch */
	long		 nskipped;
	long		 nrejected;
	char		 err[512];	/* why the run failed */
	struct progress	 progress;	/* on a terminal, while it runs */
};

/* For apply: the journal failed.  Its error becomes r's reason. */
enum stream_rc	stream_journal_failed(struct stream *, struct stream_rec *r);
/*
 * The checks every record passes before a stage sees it: one JSON object
 * (RFC 8259, strings in strict UTF-8).  Returns 0, with *out the parsed
 * object if out is not NULL, or -1 with the reason appended to reason.
 * The reason names the byte where the text went wrong, never the text.
 */
int	stream_parse(const char *line, size_t len, jv *out, struct buf *reason);
void	stream_init(struct stream *, struct journal *);
void	stream_release(struct stream *);
/*
 * Runs the stage over every record on fd.  Returns an exit code: EX_OK,
 * EX_DATAERR if any record was rejected, EX_IOERR (reading or writing
 * failed), EX_TEMPFAIL (the journal stayed busy) or EX_SOFTWARE, with
 * s->err set.
 */
int	stream_fd(struct stream *, int fd, const struct stream_stage *);
/*
 * The journal thread alone, for a caller that reads its records itself
 * (the receiver): stream_feed_slot gives the slot to fill next (waiting
 * while all are taken), or NULL once the journal side has stopped;
 * stream_feed_push hands it over, and with wake set has the journal
 * thread start on it now rather than when more have come;
 * stream_feed_wake does that for what was pushed.  stream_feed_end waits
 * until all is applied and committed, and returns EX_OK or the exit code
 * the journal side stopped with (s->err says why).  The caller fills a
 * slot as prepare does (r->rc, r->work, r->event, r->reason, r->lineno).
 */
struct stream_feed;
struct stream_feed	*stream_feed_start(struct stream *,
			    const struct stream_stage *);
struct stream_rec	*stream_feed_slot(struct stream_feed *);
void			 stream_feed_push(struct stream_feed *, int wake);
void			 stream_feed_wake(struct stream_feed *);
int			 stream_feed_stopped(struct stream_feed *);
int			 stream_feed_end(struct stream_feed *);
/* The same over the events the journal holds in state status. */
int	stream_pending(struct stream *, enum journal_event_status status,
	    const struct stream_stage *);

#endif
