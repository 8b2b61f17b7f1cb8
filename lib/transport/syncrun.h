/*
 * syncrun: a sync run started in the background: integra-sync start [-f]
 * [-p key] job, detached (a grandchild, so that no zombie waits for the
 * process that started it), with the config and journal given, no
 * descriptor of the starter's but its stderr (for the log), and its
 * events to the journal only.  integra-sync is the one beside the
 * starter's executable (a build tree runs its own), else PATH's.  The
 * receiver starts syncs so (POST /api/sync/start, a clinic covered), and
 * dispatch does for a target of kind sync: a route step that starts a
 * run, the request's body the key of the record (JSON: a string, or null
 * for the whole job).
 *
 * Ownership: everything passed in is only read; nothing is kept.
 */
#ifndef INTEGRA_TRANSPORT_SYNCRUN_H
#define INTEGRA_TRANSPORT_SYNCRUN_H

#include "transport/transport.h"

/*
 * 0 once it is started; -1 if it could not be (fork failed).  config may
 * be NULL (the default one).
 */
int	syncrun_spawn(const char *config, const char *journal,
	    const char *job, const char *key, int full);

#endif
