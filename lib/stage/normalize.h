/*
 * normalize: the stage that turns an event's data into its canonical form
 * (the type is in the catalogue, required fields are there with the right
 * types, e-mails lower-case, phones E.164) and marks it normalized in the
 * journal.  Source-specific normalizers plug in before the schema check:
 * a source with "normalizer: zapi" has its Z-API callbacks read by
 * rules/zapiin.h.  What an event leads to besides (a lead deduplicated or
 * made, a message's status recorded) is stage/leads.h's.
 *
 * Ownership: a struct normalize borrows what normalize_init is given (it
 * must outlive it) and owns scratch and leads, which normalize_release
 * frees.  normalize_prepare reads the text only: its stage asks for no
 * tree, and v is left alone.  normalize_work_free frees a work.
 */
#ifndef INTEGRA_STAGE_NORMALIZE_H
#define INTEGRA_STAGE_NORMALIZE_H

#include "base/buf.h"
#include "stage/leads.h"
#include "stage/stream.h"

struct cfg;
struct schema_set;

struct normalize {
	const struct schema_set	*schemas;
	const struct cfg	*cfg;		/* its sources' normalizers */
	const char		*calling_code;	/* for phones without one */
	struct leads		 leads;		/* apply's */
	struct buf		 scratch;	/* apply's */
};

void		normalize_init(struct normalize *, const struct schema_set *,
		    const struct cfg *, const char *calling_code,
		    const char *salt);
void		normalize_release(struct normalize *);
/*
 * What normalize will make of the event line[0..len), asked before it is
 * journaled (the receiver's event API): NORMALIZE_OK, or the reason it
 * will be rejected, appended to why.  An event of a source whose
 * normalizer reads it (Z-API's callbacks) is left to normalize.
 */
enum normalize_verdict {
	NORMALIZE_OK,
	NORMALIZE_UNKNOWN_TYPE,		/* not in the catalogue */
	NORMALIZE_INVALID_DATA		/* not as its type's schema says */
};
enum normalize_verdict normalize_check(const struct normalize *,
		    const char *line, size_t len, struct buf *why);
/* The halves of integra-normalize's stage; see stream.h. */
enum stream_rc	normalize_prepare(void *ctx, struct stream_rec *,
		    const char *line, size_t len, jv v);
enum stream_rc	normalize_apply(void *ctx, struct stream *, struct stream_rec *);
void		normalize_work_free(void *work);

#endif
