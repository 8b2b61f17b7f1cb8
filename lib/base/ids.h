/*
 * ids: record identifiers.  Every id is a UUIDv7 (RFC 9562) in its
 * canonical lower-case text form: time-ordered, unique across processes.
 *
 * Ownership: nothing here allocates.  Ids are written into the caller's
 * out buffer of ID_LEN + 1 bytes; the strings given are only read.
 */
#ifndef INTEGRA_BASE_IDS_H
#define INTEGRA_BASE_IDS_H

#include <stddef.h>
#include <stdint.h>

#define ID_LEN		36
#define ID_PARTS_MAX	8	/* parts id_derive takes into account */

/*
 * A new id: the current time in ms, then random bits from getrandom(2).
 * It keeps a pool of random bytes and the last time: call it from one
 * thread of a process only (the filters call it from the reading one).
 * The other functions are safe on any thread.
 */
void	id_new(char out[ID_LEN + 1]);
/*
 * A stable id derived from a parent id and some parts: the parent's
 * timestamp, then the first bits of SHA-256(parent NUL part0 NUL part1 ...),
 * of at most ID_PARTS_MAX parts.
 * The same inputs give the same id, so a replayed step makes the same record.
 */
void	id_derive(char out[ID_LEN + 1], const char *parent,
	    const char *const parts[], size_t nparts);
/* 1 if s is a UUID in canonical lower-case text form. */
int	id_valid(const char *s);
/* The millisecond timestamp of a UUIDv7, or -1 if s is not one. */
int64_t	id_time_ms(const char *s);

#endif
