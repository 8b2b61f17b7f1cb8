/*
 * mapstore: the mappings in force (journal.h), compiled, for the map
 * stage.  It reads the pairs' heads through a connection of its own (the
 * stage's belongs to its journal thread) at most every
 * MAPSTORE_REFRESH_MS, so that a version added or rolled back is used
 * for the events mapped after that, with no restart; a program is
 * compiled once a version.  Use it from the thread that runs jq.
 *
 * Ownership: mapstore_open returns a store that owns its own journal
 * connection and the programs it compiles; mapstore_close frees it all.
 * The program mapstore_find returns is the store's: never free it; it is
 * valid until the next mapstore_find (a refresh may replace it) or close.
 */
#ifndef INTEGRA_STAGE_MAPSTORE_H
#define INTEGRA_STAGE_MAPSTORE_H

#include <stddef.h>

#define MAPSTORE_REFRESH_MS	100

struct buf;
struct jqprog;
struct journal;
struct mapstore;

/*
 * Opens a connection of its own to j's journal (journal_open_again);
 * NULL with the reason in err.
 */
struct mapstore	*mapstore_open(const struct journal *, char *err,
		    size_t errsz);
void		 mapstore_close(struct mapstore *);
/*
 * The program in force for events of type sent to system, and its
 * version; NULL if the pair has no mapping.  On failure NULL, with the
 * reason in err and in *version MAPSTORE_UNREAD (the journal could not be
 * read: try again later) or MAPSTORE_BROKEN (the program does not
 * compile).
 */
#define MAPSTORE_UNREAD		(-1)
#define MAPSTORE_BROKEN		(-2)
struct jqprog	*mapstore_find(struct mapstore *, const char *type,
		    const char *system, int *version, struct buf *err);

#endif
