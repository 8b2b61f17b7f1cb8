/*
 * httpd/spawn: a sync run started from the receiver, in the background:
 * integra-sync start [-f] [-p param] job, detached (a grandchild, so
 * that no zombie waits for the receiver), with the receiver's config and
 * journal, no descriptor of the receiver's but its stderr (for the log),
 * and its events to the journal only.  integra-sync is the one beside
 * the receiver's executable (a build tree runs its own), else PATH's.
 *
 * Ownership: everything passed in is only read; nothing is kept.
 */
#ifndef INTEGRA_HTTPD_SPAWN_H
#define INTEGRA_HTTPD_SPAWN_H

struct cfg;
struct journal;

/* 0 once it is started; -1 if it could not be (fork failed). */
int	httpd_spawn_sync(const struct cfg *, struct journal *reader,
	    const char *job, const char *param, int full);

#endif
