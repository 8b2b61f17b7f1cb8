/*
 * ingest: the stage that takes raw events in, journals them, and writes
 * their envelopes.  A record is either a CloudEvent in structured mode, or
 * (when source is set) a raw JSON payload that ingest wraps in one.
 *
 * Ownership: a struct ingest borrows its strings, which must
 * outlive it and the works it prepares, and owns scratch, which
 * ingest_release frees.  ingest_prepare consumes v.  A work holds copies of the rest and is freed
 * by ingest_work_free; ingest_work_tenant's string lives as long.
 */
#ifndef INTEGRA_STAGE_INGEST_H
#define INTEGRA_STAGE_INGEST_H

#include "base/buf.h"
#include "stage/stream.h"

struct ingest {
	const char	*source;	/* raw payloads: their source ... */
	const char	*type;		/* ... and event type */
	const char	*key;		/* raw payloads: member with the key */
	const char	*request_key;	/* or else, set around one prepare by
					   the receiver: the key its request
					   names (at most 256 bytes) */
	const char	*tenant;	/* when the event names none */
	long		 nduplicates;
	struct buf	 scratch;	/* finish's */
};

void		ingest_init(struct ingest *);
void		ingest_release(struct ingest *);
/* The halves of integra-ingest's stage; see stream.h. */
enum stream_rc	ingest_prepare(void *ctx, struct stream_rec *, const char *line,
		    size_t len, jv v);
enum stream_rc	ingest_apply(void *ctx, struct stream *, struct stream_rec *);
enum stream_rc	ingest_finish(void *ctx, struct stream *, struct stream_rec *);
void		ingest_work_free(void *work);
/*
 * Prepares, instead of an event, the record of a payload from source
 * ig->source that failed its checks: apply keeps body[0..len) as it
 * came, with reason, as a rejected event (once per payload or request
 * key), and finish returns STREAM_REJECT with r->event its id.
 */
void		ingest_prepare_rejected(struct ingest *, struct stream_rec *,
		    const char *body, size_t len, const char *reason);
/* After finish: whether the event was a duplicate of one journaled before. */
int		ingest_work_duplicate(const void *work);
/* The tenant of the prepared event. */
const char	*ingest_work_tenant(const void *work);

#endif
