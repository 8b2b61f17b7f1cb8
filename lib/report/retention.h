/*
 * retention: LGPD retention of personal data (cfg_retention).  Once an
 * event is older than the retention's after, done with (mapped or
 * rejected) and has no delivery open or dead, its personal members (by
 * name, anywhere in its data), its subject and its idempotency key are
 * replaced by their salted hash, "h:" and 32 hex digits of HMAC-SHA256
 * keyed with the salt; its raw envelope is dropped; its deliveries'
 * bodies are scrubbed alike (a body that is not JSON, an e-mail, is
 * dropped) and their attempts' response excerpts dropped.  The leads'
 * contacts older than that are replaced by their hashes, which
 * integra-normalize also looks up, so a lead seen again is still known;
 * and so are the personal members of synced records not updated since.
 * Each is done once, a thousand a commit, each table read once a run.
 *
 * Ownership: retention_scrub consumes v and returns a jv the caller must
 * jv_free.  retention_hash writes into the caller's out.  retention_run
 * borrows the journal, cfg and salt, and frees the copies of rows it
 * makes before it returns.
 */
#ifndef INTEGRA_REPORT_RETENTION_H
#define INTEGRA_REPORT_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include <jv.h>

struct cfg;
struct cfg_retention;
struct journal;
struct retention_hasher;

#define RETENTION_HASH_LEN	34	/* "h:" and 32 hex digits */

struct retention_result {
	long	 events;	/* scrubbed, their raw envelopes dropped */
	long	 deliveries;
	long	 contacts;
	long	 records;
};

/*
 * What hashes with the salt (HMAC-SHA256 keyed once); one thread at a
 * time.  retention_hasher_new copies salt; retention_hasher_free wipes it.
 */
struct retention_hasher	*retention_hasher_new(const char *salt);
void			 retention_hasher_free(struct retention_hasher *);
/* The salted hash of value[0..len). */
void	retention_hash(struct retention_hasher *, const char *value,
	    size_t len, char out[RETENTION_HASH_LEN + 1]);
/* v (consumed) with the personal members' values hashed. */
jv	retention_scrub(jv v, const struct cfg_retention *,
	    struct retention_hasher *);
/*
 * Does what is due at now, or with dry_run counts it and changes nothing.
 * The events are read and scrubbed on the calling thread and written on
 * another (stage/stream.h), so the calling thread is the one to use jv.
 * Returns EX_OK, or an exit code (sysexits) with the reason in err.
 */
int	retention_run(struct journal *, const struct cfg *, const char *salt,
	    int64_t now, int dry_run, struct retention_result *, char *err,
	    size_t errsz);

#endif
