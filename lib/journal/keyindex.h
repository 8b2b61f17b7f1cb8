/*
 * keyindex: the form an idempotency key takes in the journal's unique
 * index of (source, key_index).
 *
 * A key keeps its own order there, so that keys a producer makes in order
 * (UUIDv7s, KSUIDs, ULIDs, counters) land next to each other and a commit
 * writes a few index pages, not one at random for each event (the
 * receiver: ~30k events/s before, 41-44k after; bench/README.md).  The
 * common shapes of random keys are packed to bytes, so that their index
 * stays as small as a digest's:
 *
 *	'u' + 16 bytes	a lower-case UUID (8-4-4-4-12 hex digits)
 *	'U' + 16 bytes	an upper-case one
 *	's' + 16 bytes	for "sha256:" and 64 lower-case hex digits (ingest's
 *			key for a body that brings none), the first 128 bits
 *			of the key's own SHA-256: such keys are random, so
 *			their order is worth nothing, and 16 bytes keep
 *			ingest's index as small as it was
 *	'x' + n/2 bytes	n lower-case hex digits, n even and at least 16
 *	'X' + n/2 bytes	n upper-case ones (with at least one letter)
 *	't' + the text	any other key
 *
 * Each form but 's' reads back to one key only (two 's' keys would need a
 * collision of 128 bits of SHA-256), and keys of one shape keep their
 * order.  Once retention has replaced an event's personal data the key is
 * no longer there in clear: its index entry becomes
 *
 *	'd' + 16 bytes	the first 128 bits of SHA-256(source NUL key)
 *
 * which journal_event_add looks up as well once any event has been
 * retained, so that deduplication outlives retention.
 *
 * Ownership: nothing here allocates.  The index form is written into the
 * caller's out; the key and source are only read.
 */
#ifndef INTEGRA_JOURNAL_KEYINDEX_H
#define INTEGRA_JOURNAL_KEYINDEX_H

#include <stddef.h>

#define KEY_INDEX_RETAINED_LEN	17

/* The index form of key[0..len) in out, which has room for len + 1 bytes. */
size_t	key_index(const char *key, size_t len, unsigned char *out);
/* The index form of a key that retention replaced. */
void	key_index_retained(const char *source, const char *key, size_t len,
	    unsigned char out[KEY_INDEX_RETAINED_LEN]);

#endif
