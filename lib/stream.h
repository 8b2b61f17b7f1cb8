/*
 * stream: the loop every filter shares.  It reads records (NDJSON from a
 * file descriptor, or what the journal says a stage has left to do), turns
 * away hostile input (over-long lines, invalid UTF-8, invalid JSON, what
 * is not an object) before
 * a stage sees it, calls the stage once a record inside a journal
 * transaction, and commits in groups: every batch_max records or batch_ms
 * milliseconds, whichever comes first.  The records a stage writes for a
 * batch reach stdout only after that batch is committed, so whatever a
 * downstream program reads is already in the journal.
 *
 * Ownership: the stage function consumes the jv it is given.
 */
#ifndef INTEGRA_STREAM_H
#define INTEGRA_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include <jv.h>

#include "buf.h"
#include "journal.h"
#include "progress.h"

enum stream_rc {
	STREAM_OK,		/* the record went through */
	STREAM_SKIP,		/* nothing to do for it; not an error */
	STREAM_REJECT,		/* bad record: reason in s->reason */
	STREAM_FATAL		/* stop: reason in s->reason */
};

struct stream;

/*
 * A stage.  line[0..len) is the record's text, a JSON object; v its
 * parsed value (consumed; jv_invalid() with no_tree), lineno its input line (0 when it comes from the journal).
 * Output goes to s->out, one record a line.  s->event may be set to the
 * event id for the log line of a rejection.
 */
typedef enum stream_rc (*stream_fn)(void *ctx, struct stream *s,
    const char *line, size_t len, jv v, long lineno);

struct stream {
	struct journal	*journal;
	FILE		*outf;		/* stdout */
	size_t		 max_line;	/* 0: NDJSON_MAX_LINE */
	size_t		 batch_max;	/* records a commit */
	int		 batch_ms;	/* longest a batch waits for its commit */
	int		 no_tree;	/* the stage needs the text only: its jv
					   is jv_invalid(), and no tree is built */
	/* Filled as it goes. */
	struct buf	 out;		/* what the open batch will write */
	struct buf	 reason;	/* why the record was rejected */
	char		 event[ID_LEN + 1];
	long		 nread;
	long		 nok;
	long		 nskipped;
	long		 nrejected;
	char		 err[512];	/* why the run failed */
	struct progress	 progress;	/* on a terminal, while it runs */
};

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
 * Runs fn over every record on fd.  Returns an exit code: EX_OK, EX_DATAERR
 * if any record was rejected, EX_IOERR (reading or writing failed),
 * EX_TEMPFAIL (the journal stayed busy) or EX_SOFTWARE, with s->err set.
 */
int	stream_fd(struct stream *, int fd, stream_fn, void *ctx);
/* The same over the events the journal holds in state status. */
int	stream_pending(struct stream *, enum journal_event_status status,
	    stream_fn, void *ctx);

#endif
